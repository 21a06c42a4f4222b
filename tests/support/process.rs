//! Runs the `switchyard` binary on a config written to a temporary file.

use crate::switchyard_bin;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a proxy may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// The ports [`free_port`] hands out: below Linux's ephemeral range (32768-60999 by default),
/// which the kernel uses for `bind(:0)` and outgoing connections. A port taken from the ephemeral
/// range and released could be given to a test backend or client before the proxy binds it.
const TEST_PORTS: std::ops::Range<u16> = 20_000..32_000;

/// A loopback port that is free now and that no other caller gets, in this process or in any
/// other test process running at the same time, chosen outside the kernel's ephemeral range so
/// nothing else takes it before the proxy binds it.
pub fn free_port() -> u16 {
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let span = TEST_PORTS.end - TEST_PORTS.start;
    // Each test process starts at its own place in the range.
    let start = u16::try_from(std::process::id() % u32::from(span)).unwrap();
    loop {
        let step = NEXT.fetch_add(1, Ordering::Relaxed);
        assert!(step < span, "no free loopback port left in {TEST_PORTS:?}");
        let port = TEST_PORTS.start + (start + step) % span;
        if claim(port) && TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// Claims `port` for this process until it exits, with a lock on a file named after it, so
/// that test processes running side by side (several `cargo test` at once) never share a port.
fn claim(port: u16) -> bool {
    static HELD: Mutex<Vec<std::fs::File>> = Mutex::new(Vec::new());
    let dir = std::env::temp_dir().join("switchyard-test-ports");
    let _ = std::fs::create_dir_all(&dir);
    let Ok(file) = std::fs::File::create(dir.join(format!("{port}.lock"))) else {
        // No lock files here: fall back to the bind check alone.
        return true;
    };
    if file.try_lock().is_err() {
        return false;
    }
    HELD.lock().unwrap().push(file);
    true
}

/// Polls `condition` every 10 ms until it holds (true) or `limit` passes (false).
pub fn wait_until(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Whether `127.0.0.1:port` accepts a connection within `timeout`.
pub fn wait_for_port(port: u16, timeout: Duration) -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    false
}

/// A running `switchyard -f <temp file>`. Killed on drop; its stderr is captured.
pub struct ProxyProcess {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
    stderr_reader: Option<JoinHandle<()>>,
    /// The configuration file; it lives as long as the process.
    config: tempfile::NamedTempFile,
}

impl ProxyProcess {
    /// Start the binary on `config` and wait until `127.0.0.1:port` accepts connections.
    /// Panics, showing the proxy's stderr, if it exits or is not listening within 10 s.
    pub fn start(config: &str, port: u16) -> ProxyProcess {
        let mut file = tempfile::Builder::new().suffix(".cfg").tempfile().unwrap();
        file.write_all(config.as_bytes()).unwrap();
        let mut child = Command::new(switchyard_bin())
            .arg("-f")
            .arg(file.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        let stderr_reader = std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let mut proxy = ProxyProcess {
            child,
            port,
            stderr,
            stderr_reader: Some(stderr_reader),
            config: file,
        };
        proxy.wait_until_listening();
        proxy
    }

    fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                self.join_stderr();
                panic!(
                    "switchyard exited ({status}) before listening:\n{}",
                    self.stderr()
                );
            }
            if wait_for_port(self.port, Duration::from_millis(100)) {
                return;
            }
        }
        panic!(
            "switchyard not listening on {} within 10 s:\n{}",
            self.port,
            self.stderr()
        );
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The frontend port given to [`ProxyProcess::start`].
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path)
    }

    /// `127.0.0.1:<port>`.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// Everything the proxy wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Replace the configuration file with `config` and send SIGUSR2 (reload). Returns at once;
    /// watch [`ProxyProcess::stderr`] for the outcome.
    pub fn reload(&self, config: &str) {
        std::fs::write(self.config.path(), config).unwrap();
        self.signal("USR2");
    }

    /// Send the signal called `name` (`TERM`, `USR2`...) with `kill`.
    fn signal(&self, name: &str) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args([format!("-{name}"), pid.clone()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -{name} {pid} failed");
    }

    /// Send SIGTERM and wait (at most 10 s) for the process to exit; returns its status and stderr.
    pub fn terminate(mut self) -> (ExitStatus, String) {
        self.signal("TERM");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                self.join_stderr();
                return (status, self.stderr());
            }
            assert!(
                Instant::now() < deadline,
                "switchyard ignored SIGTERM for 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn join_stderr(&mut self) {
        if let Some(reader) = self.stderr_reader.take() {
            let _ = reader.join();
        }
    }
}

impl Drop for ProxyProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            self.join_stderr();
            eprintln!("--- switchyard stderr ---\n{}", self.stderr());
        }
    }
}

/// Run `switchyard <args>` to completion (at most 20 s, then it is killed and the test fails)
/// and return its exit status, stdout and stderr.
pub fn run_to_exit<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> std::process::Output {
    run_program_to_exit(switchyard_bin(), args)
}

/// Runs `program` with `args` to completion (at most 20 s) and returns its output.
pub fn run_program_to_exit<S: AsRef<std::ffi::OsStr>>(
    program: &std::path::Path,
    args: &[S],
) -> std::process::Output {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "{} still running after 20 s; stderr:\n{}",
                program.display(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}
