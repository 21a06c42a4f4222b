//! A client for the stats socket: one command line per connection (as `socat` sends it), or an
//! interactive session after `prompt`. Every read is bounded in time.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long the client waits for the socket to exist and for answers.
const WAIT: Duration = Duration::from_secs(5);

/// Where a stats socket listens.
#[derive(Debug, Clone)]
pub enum CliAddr {
    /// A Unix socket file.
    Unix(PathBuf),
    /// A TCP address.
    Tcp(SocketAddr),
}

/// A connected byte stream of either kind.
trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

impl CliAddr {
    /// The Unix socket at `path`.
    pub fn unix(path: &Path) -> CliAddr {
        CliAddr::Unix(path.to_path_buf())
    }

    /// The TCP socket on `127.0.0.1:port`.
    pub fn tcp(port: u16) -> CliAddr {
        CliAddr::Tcp(SocketAddr::from(([127, 0, 0, 1], port)))
    }

    fn connect(&self) -> io::Result<Box<dyn Stream>> {
        let deadline = Instant::now() + WAIT;
        loop {
            let attempt: io::Result<Box<dyn Stream>> = match self {
                CliAddr::Unix(path) => UnixStream::connect(path).and_then(|s| {
                    s.set_read_timeout(Some(WAIT))?;
                    Ok(Box::new(s) as Box<dyn Stream>)
                }),
                CliAddr::Tcp(addr) => TcpStream::connect(addr).and_then(|s| {
                    s.set_read_timeout(Some(WAIT))?;
                    Ok(Box::new(s) as Box<dyn Stream>)
                }),
            };
            match attempt {
                Ok(stream) => return Ok(stream),
                Err(error) if Instant::now() >= deadline => return Err(error),
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }

    /// Sends `line` and returns everything the socket answers before closing.
    pub fn command(&self, line: &str) -> String {
        let mut stream = self.connect().expect("stats socket accepts connections");
        stream
            .write_all(format!("{line}\n").as_bytes())
            .expect("command sent");
        let mut answer = String::new();
        stream
            .read_to_string(&mut answer)
            .expect("the socket answers and closes");
        answer
    }

    /// Opens an interactive session: sends `prompt` and reads up to the first `> `.
    pub fn interactive(&self) -> Interactive {
        let stream = self.connect().expect("stats socket accepts connections");
        let mut session = Interactive {
            reader: BufReader::new(stream),
        };
        let first = session.send("prompt");
        assert_eq!(first, "", "prompt answers nothing before its prompt");
        session
    }
}

/// A stats socket session in `prompt` mode.
pub struct Interactive {
    reader: BufReader<Box<dyn Stream>>,
}

impl Interactive {
    /// Sends `line` without waiting for an answer.
    pub fn send_only(&mut self, line: &str) {
        self.reader
            .get_mut()
            .write_all(format!("{line}\n").as_bytes())
            .expect("command sent");
    }

    /// Sends `line` and returns the answer, without the `\n> ` that ends it.
    pub fn send(&mut self, line: &str) -> String {
        self.send_only(line);
        let mut answer = Vec::new();
        while !answer.ends_with(b"\n> ") {
            let mut chunk = Vec::new();
            let n = self
                .reader
                .read_until(b' ', &mut chunk)
                .expect("an answer within the timeout");
            assert!(
                n > 0,
                "the session closed; got {:?}",
                String::from_utf8_lossy(&answer)
            );
            answer.extend_from_slice(&chunk);
        }
        answer.truncate(answer.len() - 3);
        String::from_utf8(answer).expect("text answer")
    }

    /// Whether the server closed the session with nothing more to say.
    pub fn is_closed(&mut self) -> bool {
        let mut rest = Vec::new();
        matches!(self.reader.read_to_end(&mut rest), Ok(0))
    }
}
