//! One CLI connection: read a line, run its `;`-separated commands, answer, and either close
//! (the default) or wait for the next line (after `prompt`).

use super::commands::{self, Reply};
use super::Shared;
use crate::model::StatsLevel;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// The longest command line read; the rest of a longer line is cut off.
const MAX_LINE: u64 = 64 * 1024;

/// A byte stream a CLI session runs over (Unix or TCP).
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// What a session carries from one command to the next.
#[derive(Debug)]
pub(crate) struct State {
    /// What the session may do; `user` and `operator` lower it.
    pub(crate) level: StatsLevel,
    /// Interactive mode (`prompt`).
    pub(crate) prompt: bool,
}

/// One connection to a stats socket.
pub(crate) struct Session {
    shared: Arc<Shared>,
    state: State,
    idle_timeout: Duration,
}

impl Session {
    pub(crate) fn new(shared: Arc<Shared>, level: StatsLevel, idle_timeout: Duration) -> Session {
        Session {
            shared,
            state: State {
                level,
                prompt: false,
            },
            idle_timeout,
        }
    }

    /// Serves the connection until it is done; I/O errors just end it.
    pub(crate) async fn run(mut self, stream: Box<dyn Io>) {
        let (read, mut write) = tokio::io::split(stream);
        let mut reader = BufReader::new(read);
        let mut line = Vec::new();
        loop {
            line.clear();
            let mut limited = (&mut reader).take(MAX_LINE);
            let read = limited.read_until(b'\n', &mut line);
            match tokio::time::timeout(self.idle_timeout, read).await {
                Ok(Ok(n)) if n > 0 => {}
                _ => break,
            }
            let (answer, quit) = self.run_line(&String::from_utf8_lossy(&line));
            if write.write_all(answer.as_bytes()).await.is_err() || quit {
                break;
            }
            // Without `prompt`, HAProxy closes once the lines already sent are answered.
            if !self.state.prompt && reader.buffer().is_empty() {
                break;
            }
        }
        let _ = write.shutdown().await;
    }

    /// Runs every command of `line`; returns the answers and whether to close now.
    fn run_line(&mut self, line: &str) -> (String, bool) {
        let mut answer = String::new();
        for command in line.trim_end_matches(['\r', '\n']).split(';') {
            match commands::execute(&self.shared, &mut self.state, command) {
                Reply::Text(text) => answer.push_str(&text),
                Reply::Quit => return (answer, true),
            }
            answer.push_str(if self.state.prompt { "\n> " } else { "\n" });
        }
        (answer, false)
    }
}
