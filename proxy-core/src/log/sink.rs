//! Where log lines go: stdout, stderr (raw lines), a UDP syslog server or a Unix datagram socket
//! such as `/dev/log` (RFC 3164 messages). Written by one background task, never by the data
//! path.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use tokio::io::AsyncWriteExt;
use tokio::net::{UdpSocket, UnixDatagram};

/// HAProxy's syslog port when a `log` address has none.
const SYSLOG_PORT: u16 = 514;

/// One log destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sink {
    Stdout,
    Stderr,
    Udp(SocketAddr),
    Unix(PathBuf),
}

impl Sink {
    /// Reads a `log` address: `stdout`, `stderr`, `/dev/log`, `unix@/path`, `udp@host:port`,
    /// `ipv4@...`, `host[:port]`.
    pub(crate) fn parse(address: &str) -> Result<Sink, String> {
        match address {
            "stdout" => return Ok(Sink::Stdout),
            "stderr" => return Ok(Sink::Stderr),
            _ => {}
        }
        if let Some(path) = address.strip_prefix("unix@") {
            return Ok(Sink::Unix(PathBuf::from(path)));
        }
        if address.starts_with('/') {
            return Ok(Sink::Unix(PathBuf::from(address)));
        }
        let host = ["udp@", "udp4@", "udp6@", "ipv4@", "ipv6@"]
            .iter()
            .find_map(|prefix| address.strip_prefix(prefix))
            .unwrap_or(address);
        let with_port = if host
            .rsplit_once(':')
            .is_some_and(|(h, p)| !h.is_empty() && !h.ends_with(':') && p.parse::<u16>().is_ok())
        {
            host.to_owned()
        } else {
            format!("{host}:{SYSLOG_PORT}")
        };
        with_port
            .to_socket_addrs()
            .ok()
            .and_then(|mut addrs| addrs.next())
            .map(Sink::Udp)
            .ok_or_else(|| format!("cannot resolve log address '{address}'"))
    }

    /// Whether lines get a syslog header.
    pub(crate) fn is_syslog(&self) -> bool {
        matches!(self, Sink::Udp(_) | Sink::Unix(_))
    }
}

/// Open handles of the sinks, made on first use.
#[derive(Default)]
pub(crate) struct Writers {
    udp: Option<UdpSocket>,
    unix: Option<UnixDatagram>,
}

impl Writers {
    /// Sends one line; an error means the line is lost.
    pub(crate) async fn send(&mut self, sink: &Sink, line: &str) -> std::io::Result<()> {
        match sink {
            Sink::Stdout => write_line(&mut tokio::io::stdout(), line).await,
            Sink::Stderr => write_line(&mut tokio::io::stderr(), line).await,
            Sink::Udp(addr) => {
                if self.udp.is_none() {
                    let local: SocketAddr = if addr.is_ipv4() {
                        ([0, 0, 0, 0], 0).into()
                    } else {
                        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
                    };
                    self.udp = Some(UdpSocket::bind(local).await?);
                }
                match &self.udp {
                    Some(socket) => socket.send_to(line.as_bytes(), addr).await.map(drop),
                    None => Ok(()),
                }
            }
            Sink::Unix(path) => {
                if self.unix.is_none() {
                    self.unix = Some(UnixDatagram::unbound()?);
                }
                match &self.unix {
                    Some(socket) => socket.send_to(line.as_bytes(), path).await.map(drop),
                    None => Ok(()),
                }
            }
        }
    }
}

async fn write_line<W: AsyncWriteExt + Unpin>(out: &mut W, line: &str) -> std::io::Result<()> {
    let mut bytes = Vec::with_capacity(line.len() + 1);
    bytes.extend_from_slice(line.as_bytes());
    bytes.push(b'\n');
    out.write_all(&bytes).await?;
    out.flush().await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn log_addresses_are_read_as_haproxy_reads_them() {
        assert_eq!(Sink::parse("stdout"), Ok(Sink::Stdout));
        assert_eq!(Sink::parse("/dev/log"), Ok(Sink::Unix("/dev/log".into())));
        assert_eq!(
            Sink::parse("unix@/x.sock"),
            Ok(Sink::Unix("/x.sock".into()))
        );
        assert_eq!(
            Sink::parse("127.0.0.1"),
            Ok(Sink::Udp("127.0.0.1:514".parse().unwrap()))
        );
        assert_eq!(
            Sink::parse("udp@127.0.0.1:5140"),
            Ok(Sink::Udp("127.0.0.1:5140".parse().unwrap()))
        );
    }
}
