//! The stats socket: HAProxy's runtime API (the "CLI") over Unix and TCP sockets.
//!
//! Each `stats socket` of the `global` section is bound by [`crate::Proxy::bind`] and served
//! with the frontends by [`crate::Listeners::serve`]. The protocol is HAProxy's: a connection
//! sends one line of commands separated by `;`, gets each answer followed by an empty line, and
//! is closed; `prompt` makes it interactive (`> ` after each answer) until `quit` or the
//! client leaves. Every socket has a level (`user` reads, `operator` also clears counters,
//! `admin` also changes servers); a command above the level answers `Permission denied`.
//! See HAProxy's management guide, section 9.3, and `src/cli.c`.

mod commands;
mod diagnostics;
mod dynamic;
mod help;
mod limits;
mod servers;
mod servers_state;
mod session;
mod show;

use crate::accounts;
use crate::model::{self, Account, StatsSocket, StatsSocketAddr};
use crate::runtime::Runtime;
use crate::Error;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// HAProxy's default `stats timeout`: an idle CLI connection is closed after 10 seconds.
const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(10);

/// What every CLI session reads and changes.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) runtime: Arc<Runtime>,
    pub(crate) config: Arc<model::Config>,
}

/// The bound stats sockets, ready to serve.
#[derive(Debug)]
pub(crate) struct AdminSockets {
    sockets: Vec<(Bound, model::StatsLevel)>,
    shared: Arc<Shared>,
    idle_timeout: Duration,
}

#[derive(Debug)]
enum Bound {
    Unix(UnixListener),
    Tcp(TcpListener),
}

impl AdminSockets {
    /// Binds every `stats socket` of `config`. A stale Unix socket file is replaced; the new
    /// one gets the requested `mode`.
    pub(crate) fn bind(
        config: Arc<model::Config>,
        runtime: Arc<Runtime>,
    ) -> Result<AdminSockets, Error> {
        let mut sockets = Vec::new();
        for socket in &config.global.stats_sockets {
            sockets.push((bind_one(socket)?, socket.level));
        }
        Ok(AdminSockets {
            sockets,
            idle_timeout: config.global.stats_timeout.unwrap_or(DEFAULT_IDLE_TIMEOUT),
            shared: Arc::new(Shared { runtime, config }),
        })
    }

    /// Accepts CLI connections until `stop` turns true; open sessions are then closed.
    pub(crate) async fn serve(self, stop: watch::Receiver<bool>) {
        let mut loops = JoinSet::new();
        for (socket, level) in self.sockets {
            let shared = Arc::clone(&self.shared);
            loops.spawn(accept_loop(socket, level, shared, self.idle_timeout));
        }
        let mut stop = stop;
        // An error means the sender is gone, which also means stop.
        let _ = stop.wait_for(|stopped| *stopped).await;
        loops.abort_all();
        while loops.join_next().await.is_some() {}
    }
}

fn bind_one(socket: &StatsSocket) -> Result<Bound, Error> {
    match &socket.addr {
        StatsSocketAddr::Tcp(addr) => std::net::TcpListener::bind(addr)
            .and_then(|l| {
                l.set_nonblocking(true)?;
                TcpListener::from_std(l)
            })
            .map(Bound::Tcp)
            .map_err(|e| Error::bind_stats(format!("ipv4@{addr}"), e)),
        StatsSocketAddr::Unix(path) => bind_unix(path, socket)
            .map(Bound::Unix)
            .map_err(|e| Error::bind_stats(path.display(), e)),
    }
}

/// Binds a Unix socket file with the `mode`, owner and group `socket` asks for.
fn bind_unix(path: &Path, socket: &StatsSocket) -> std::io::Result<UnixListener> {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        // A socket file left by a previous run: replace it, as HAProxy does. Anything else
        // at that path is not ours to delete.
        if meta.file_type().is_socket() {
            std::fs::remove_file(path)?;
        }
    }
    let listener = UnixListener::bind(path)?;
    if let Some(mode) = socket.mode {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    let uid = socket
        .user
        .as_ref()
        .map(|user| account_id(user, accounts::user_id, "user"))
        .transpose()?;
    let gid = socket
        .group
        .as_ref()
        .map(|group| account_id(group, accounts::group_id, "group"))
        .transpose()?;
    if uid.is_some() || gid.is_some() {
        std::os::unix::fs::chown(path, uid, gid)?;
    }
    Ok(listener)
}

/// The numeric id of `account`, looking a name up with `lookup`.
fn account_id(
    account: &Account,
    lookup: fn(&str) -> Option<u32>,
    kind: &str,
) -> std::io::Result<u32> {
    match account {
        Account::Id(id) => Ok(*id),
        Account::Name(name) => lookup(name).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{kind} '{name}' not found"),
            )
        }),
    }
}

async fn accept_loop(
    socket: Bound,
    level: model::StatsLevel,
    shared: Arc<Shared>,
    idle_timeout: Duration,
) {
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
            accepted = accept(&socket) => match accepted {
                Ok(stream) => {
                    let session = session::Session::new(Arc::clone(&shared), level, idle_timeout);
                    sessions.spawn(session.run(stream));
                }
                Err(error) => {
                    tracing::warn!(%error, "stats socket accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
}

/// A connection of either kind.
type Stream = Box<dyn session::Io>;

async fn accept(socket: &Bound) -> std::io::Result<Stream> {
    Ok(match socket {
        Bound::Unix(listener) => Box::new(listener.accept().await?.0),
        Bound::Tcp(listener) => Box::new(listener.accept().await?.0),
    })
}
