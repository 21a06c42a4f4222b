//! The `global` section.

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Process-wide settings from the `global` section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Global {
    /// `maxconn`: the most client connections the whole process accepts at once. `None`: no limit
    /// beyond the frontends' own.
    pub maxconn: Option<u32>,
    /// `nbthread`: worker threads. `None`: one per CPU.
    pub nbthread: Option<u32>,
    /// `daemon`: accepted for compatibility; Switchyard stays in the foreground.
    pub daemon: bool,
    /// `user`: the user to switch to after binding, when started as root.
    pub user: Option<String>,
    /// `group`: the group to switch to after binding, when started as root.
    pub group: Option<String>,
    /// `pidfile`: where to write the process id.
    pub pidfile: Option<PathBuf>,
    /// `chroot`: the directory the process makes its root once bound and its `pidfile` written,
    /// before switching to `user`/`group` (needs root). Default is none.
    pub chroot: Option<PathBuf>,
    /// `log` lines of the global section (what `log global` refers to).
    pub logs: Vec<LogTarget>,
    /// `stats socket` lines: the runtime API endpoints.
    pub stats_sockets: Vec<StatsSocket>,
    /// `stats timeout`: idle time allowed on a stats socket connection.
    pub stats_timeout: Option<std::time::Duration>,
}

/// One `log <target> [len N] [format F] <facility> [level [minlevel]]` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogTarget {
    /// Where to send: `stdout`, `stderr`, `127.0.0.1:514`, `/dev/log`, as written.
    pub address: String,
    /// Syslog facility, e.g. `local0`.
    pub facility: String,
    /// Highest level sent (`info`, `notice`...). `None`: everything.
    pub level: Option<String>,
    /// Lowest level: messages more severe than this are sent at this level. `None`: unchanged.
    pub min_level: Option<String>,
}

/// Syslog facilities, in the order of their numbers (`kern` is 0, `local0` is 16).
pub const SYSLOG_FACILITIES: &[&str] = &[
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "auth2",
    "ftp", "ntp", "audit", "alert", "cron2", "local0", "local1", "local2", "local3", "local4",
    "local5", "local6", "local7",
];

/// Syslog levels, most severe first, in the order of their numbers (`info` is 6).
pub const SYSLOG_LEVELS: &[&str] = &[
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
];

/// Logging settings of a proxy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logging {
    /// Log targets (`log global` copies the global section's).
    pub targets: Vec<LogTarget>,
    /// `option httplog`: HAProxy's HTTP log format.
    pub httplog: bool,
    /// `option dontlognull`: do not log connections that sent no request.
    pub dontlognull: bool,
    /// `log-format`: a custom format string, as written.
    pub format: Option<String>,
}

/// One `stats socket` endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsSocket {
    /// Where it listens.
    pub addr: StatsSocketAddr,
    /// `mode <octal>`: permissions of a Unix socket file. Default is none set (umask decides).
    pub mode: Option<u32>,
    /// `level`: what commands are allowed. Default is `operator`, as in HAProxy.
    pub level: StatsLevel,
    /// `user <name>` or `uid <id>`: the owner of a Unix socket file. Default is the process's user.
    pub user: Option<Account>,
    /// `group <name>` or `gid <id>`: the group of a Unix socket file. Default is the process's group.
    pub group: Option<Account>,
}

/// A system user or group, by name (looked up when the socket is created) or by numeric id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Account {
    /// A name from `/etc/passwd` or `/etc/group`.
    Name(String),
    /// A numeric uid or gid.
    Id(u32),
}

/// The address of a stats socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatsSocketAddr {
    /// A Unix socket path.
    Unix(PathBuf),
    /// A TCP address (`ipv4@127.0.0.1:9999`).
    Tcp(SocketAddr),
}

/// What a stats socket allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StatsLevel {
    /// Read-only commands.
    User,
    /// Read-only commands and clearing counters.
    Operator,
    /// Everything, including changing server state.
    Admin,
}
