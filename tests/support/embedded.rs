//! A proxy run through the library API ([`switchyard_core::Proxy`]) on the test runtime, for
//! tests that read the live state (server states, check fields, counters) directly.

use std::net::SocketAddr;
use std::sync::Arc;
use switchyard_core::runtime::{BackendState, ServerState};
use switchyard_core::Proxy;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running embedded proxy: its listeners and background work (health checks). Stopped on drop.
pub struct EmbeddedProxy {
    proxy: Proxy,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    background: JoinHandle<()>,
}

impl EmbeddedProxy {
    /// Loads `config`, binds it (the first `bind` is the address tests use), serves it and starts its
    /// background work.
    pub fn start(config: &str) -> EmbeddedProxy {
        let loaded = switchyard_core::config::load_str("test.cfg", config).unwrap();
        let proxy = Proxy::from_config(loaded.config).unwrap();
        let listeners = crate::runtime().block_on(proxy.bind()).unwrap();
        let addr = listeners.local_addrs()[0].1;
        let background = crate::runtime().spawn(proxy.background());
        let (stop, stopped) = oneshot::channel::<()>();
        crate::runtime().spawn(listeners.serve(async move {
            let _ = stopped.await;
        }));
        EmbeddedProxy {
            proxy,
            addr,
            stop: Some(stop),
            background,
        }
    }

    /// Where the first listener listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The live state of backend `name`.
    pub fn backend(&self, name: &str) -> Arc<BackendState> {
        self.proxy.runtime().backend(name).unwrap().clone()
    }

    /// The live state of server `server` of backend `backend`.
    pub fn server(&self, backend: &str, server: &str) -> Arc<ServerState> {
        self.backend(backend).server(server).unwrap()
    }

    /// Field `column` of the `show stat` CSV row `proxy`/`name` (`BACKEND`, `FRONTEND` or a
    /// server), as the stats socket would print it.
    pub fn stat(&self, proxy: &str, name: &str, column: &str) -> String {
        let csv = switchyard_core::stats::show_stat(
            self.proxy.runtime(),
            &Default::default(),
            switchyard_core::stats::StatFormat::Csv,
        );
        let mut lines = csv.lines();
        let header = lines.next().unwrap().trim_start_matches("# ");
        let position = header.split(',').position(|c| c == column).unwrap();
        let row = lines
            .map(|line| line.split(',').collect::<Vec<_>>())
            .find(|fields| fields[0] == proxy && fields[1] == name)
            .unwrap_or_else(|| panic!("no show stat row {proxy}/{name}:\n{csv}"));
        row[position].to_string()
    }
}

impl Drop for EmbeddedProxy {
    fn drop(&mut self) {
        self.background.abort();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
