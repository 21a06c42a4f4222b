//! A running `switchyard` binary with stats sockets of every level, for the stats socket tests,
//! and a parser for the `show stat` CSV they read.

use crate::{free_port, get, Backend, CliAddr, ProxyProcess, TEST_DEFAULTS};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A running proxy with an admin, an operator and a user Unix socket, an admin TCP socket, the
/// frontend `fe` and the backend `pool` (roundrobin unless told otherwise) over its servers.
pub struct CliSetup {
    /// The proxy process.
    pub proxy: ProxyProcess,
    /// Where the Unix sockets are.
    pub dir: tempfile::TempDir,
    /// The port of the admin TCP socket.
    pub tcp: u16,
}

impl CliSetup {
    /// `pool` over `servers`, each server line without options.
    pub fn start(servers: &[&Backend]) -> CliSetup {
        let plain: Vec<(&Backend, &str)> = servers.iter().map(|s| (*s, "")).collect();
        CliSetup::start_in(tempfile::tempdir().unwrap(), &plain)
    }

    /// Each server line with its options (`check ...`).
    pub fn start_with(servers: &[(&Backend, &str)]) -> CliSetup {
        CliSetup::start_in(tempfile::tempdir().unwrap(), servers)
    }

    /// The sockets in `dir`.
    pub fn start_in(dir: tempfile::TempDir, servers: &[(&Backend, &str)]) -> CliSetup {
        CliSetup::launch(dir, "", "    balance roundrobin\n", servers)
    }

    /// With `global_lines` added to `global` and `backend_lines` (balance...) to `pool`.
    pub fn start_custom(
        global_lines: &str,
        backend_lines: &str,
        servers: &[(&Backend, &str)],
    ) -> CliSetup {
        let dir = tempfile::tempdir().unwrap();
        CliSetup::launch(dir, global_lines, backend_lines, servers)
    }

    fn launch(
        dir: tempfile::TempDir,
        global_lines: &str,
        backend_lines: &str,
        servers: &[(&Backend, &str)],
    ) -> CliSetup {
        let port = free_port();
        let tcp = free_port();
        let path = |name: &str| dir.path().join(name).display().to_string();
        let mut config = format!(
            "global\n    stats socket {} mode 600 level admin\n    stats socket {} level operator\n    \
             stats socket {} level user\n    stats socket ipv4@127.0.0.1:{tcp} level admin\n{global_lines}\n\
             {TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{port}\n    default_backend pool\n\n\
             backend pool\n{backend_lines}",
            path("admin.sock"),
            path("operator.sock"),
            path("user.sock"),
        );
        for (server, options) in servers {
            config.push_str(&server.server_line(options));
        }
        let proxy = ProxyProcess::start(&config, port);
        CliSetup { proxy, dir, tcp }
    }

    /// The Unix socket called `name` (`admin.sock`, `operator.sock`, `user.sock`).
    pub fn socket(&self, name: &str) -> CliAddr {
        CliAddr::unix(&self.dir.path().join(name))
    }

    /// The admin Unix socket.
    pub fn admin(&self) -> CliAddr {
        self.socket("admin.sock")
    }

    /// The admin Unix socket's path.
    pub fn admin_path(&self) -> PathBuf {
        self.dir.path().join("admin.sock")
    }

    /// Which backend answered each of `n` requests (each must succeed).
    pub fn servers_of(&self, n: usize) -> Vec<String> {
        (0..n)
            .map(|_| {
                let reply = get(&self.proxy.url("/"));
                assert_eq!(reply.status, 200, "{}", reply.body);
                reply.server().unwrap().to_owned()
            })
            .collect()
    }

    /// `show stat` from the admin socket, parsed.
    pub fn stat(&self) -> BTreeMap<String, BTreeMap<String, String>> {
        parse_stat(&self.admin().command("show stat"))
    }
}

/// `show stat` as `(pxname/svname) -> column -> value`.
pub fn parse_stat(csv: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines
        .next()
        .unwrap()
        .trim_start_matches("# ")
        .split(',')
        .collect();
    lines
        .filter(|l| !l.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields.len(), header.len(), "{line}");
            let row: BTreeMap<String, String> = header
                .iter()
                .zip(&fields)
                .map(|(h, f)| ((*h).to_owned(), (*f).to_owned()))
                .collect();
            (format!("{}/{}", fields[0], fields[1]), row)
        })
        .collect()
}
