//! One active check of one server: a TCP connect, then (with `option httpchk`) an HTTP exchange.
//!
//! Timeouts follow HAProxy: with `timeout check`, the connection must be made within
//! `min(timeout connect, inter)` and the response must then arrive within `timeout check`;
//! without it, the whole check must finish within `inter`. The probe opens its own connection
//! (never the data path's pool) and closes it afterwards.

use super::http_check::HttpCheck;
use crate::runtime::CheckStatus;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};

/// The most of a response body read to match `http-check expect string|rstring`.
const MAX_BODY: usize = 16 * 1024;

/// What one check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProbeResult {
    pub(crate) status: CheckStatus,
    pub(crate) code: Option<u16>,
    pub(crate) desc: String,
    pub(crate) duration: Duration,
}

/// Where and how to check a server.
#[derive(Debug)]
pub(crate) struct Probe {
    /// `addr`: check this address instead of the server's.
    pub(crate) addr: Option<IpAddr>,
    /// `port`: check this port instead of the server's.
    pub(crate) port: Option<u16>,
    pub(crate) connect_timeout: Duration,
    pub(crate) response_timeout: Option<Duration>,
    pub(crate) http: Option<HttpCheck>,
}

impl Probe {
    /// Runs one check of the server at `server`.
    pub(crate) async fn run(&self, server: SocketAddr) -> ProbeResult {
        let target = SocketAddr::new(
            self.addr.unwrap_or(server.ip()),
            self.port.unwrap_or(server.port()),
        );
        let start = Instant::now();
        let (status, code, desc) = self.exchange(target, start).await;
        ProbeResult {
            status,
            code,
            desc,
            duration: start.elapsed(),
        }
    }

    async fn exchange(
        &self,
        target: SocketAddr,
        start: Instant,
    ) -> (CheckStatus, Option<u16>, String) {
        let connect_deadline = start + self.connect_timeout;
        let stream = match timeout_at(connect_deadline, TcpStream::connect(target)).await {
            Err(_) => return (CheckStatus::L4Timeout, None, String::new()),
            Ok(Err(error)) => return (CheckStatus::L4Conn, None, error.to_string()),
            Ok(Ok(stream)) => stream,
        };
        let Some(http) = &self.http else {
            return (CheckStatus::L4Ok, None, String::new());
        };
        // Without `timeout check`, the connect deadline bounds the whole check.
        let deadline = self
            .response_timeout
            .map_or(connect_deadline, |limit| Instant::now() + limit);
        match timeout_at(deadline, http_exchange(stream, http)).await {
            Err(_) => (CheckStatus::L7Timeout, None, String::new()),
            Ok(Err(desc)) => (CheckStatus::L7Response, None, desc),
            Ok(Ok((code, body))) => {
                let (status, desc) = http.judge(code, &body);
                (status, Some(code), desc)
            }
        }
    }
}

/// Sends the check request on `stream`; returns the status and (if needed) the start of the body.
async fn http_exchange(stream: TcpStream, check: &HttpCheck) -> Result<(u16, Vec<u8>), String> {
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    let driver = async move {
        // A connection failure is reported to the request too; keep waiting for that answer.
        let _ = connection.await;
        std::future::pending::<std::convert::Infallible>().await
    };
    let exchange = async {
        let spec = &check.request;
        let mut request = http::Request::new(Empty::<Bytes>::new());
        *request.method_mut() = spec.method.clone();
        *request.uri_mut() = spec
            .uri
            .parse()
            .map_err(|_| "invalid check URI".to_string())?;
        *request.version_mut() = spec.version;
        *request.headers_mut() = spec.headers.clone();
        request
            .headers_mut()
            .entry(http::header::CONNECTION)
            .or_insert(http::HeaderValue::from_static("close"));
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| e.to_string())?;
        let code = response.status().as_u16();
        let mut body = Vec::new();
        if check.needs_body() {
            let mut stream = response.into_body();
            while body.len() < MAX_BODY {
                match stream.frame().await {
                    Some(Ok(frame)) => {
                        if let Some(data) = frame.data_ref() {
                            body.extend_from_slice(data);
                        }
                    }
                    Some(Err(error)) => return Err(error.to_string()),
                    None => break,
                }
            }
        }
        Ok((code, body))
    };
    tokio::select! {
        result = exchange => result,
        never = driver => match never {},
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// A server that answers every connection with `answer` after reading the request head.
    async fn server(answer: &'static [u8]) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut buffer = [0u8; 1024];
                let _ = stream.read(&mut buffer).await;
                let _ = stream.write_all(answer).await;
            }
        });
        addr
    }

    async fn check(target: SocketAddr, http: bool) -> ProbeResult {
        let check = crate::model::HealthCheck {
            method: "GET".into(),
            uri: "/health".into(),
            version: "HTTP/1.1".into(),
            headers: vec![],
            rules: vec![],
        };
        let probe = Probe {
            addr: None,
            port: None,
            connect_timeout: Duration::from_secs(1),
            response_timeout: Some(Duration::from_millis(300)),
            http: http.then(|| HttpCheck::compile(&check).unwrap()),
        };
        probe.run(target).await
    }

    #[tokio::test]
    async fn a_refused_connection_is_l4con_and_an_accepted_one_l4ok() {
        let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let closed_addr = closed.local_addr().unwrap();
        drop(closed);
        assert_eq!(check(closed_addr, false).await.status, CheckStatus::L4Conn);
        let open = server(b"").await;
        assert_eq!(check(open, false).await.status, CheckStatus::L4Ok);
    }

    #[tokio::test]
    async fn http_statuses_garbage_and_silence_are_told_apart() {
        let ok = server(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await;
        let result = check(ok, true).await;
        assert_eq!((result.status, result.code), (CheckStatus::L7Ok, Some(200)));
        let failing =
            server(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n").await;
        let result = check(failing, true).await;
        assert_eq!(
            (result.status, result.code),
            (CheckStatus::L7Status, Some(500))
        );
        let garbage = server(b"hello\r\n\r\n").await;
        assert_eq!(check(garbage, true).await.status, CheckStatus::L7Response);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let silent = listener.local_addr().unwrap();
        let result = check(silent, true).await;
        assert_eq!(result.status, CheckStatus::L7Timeout);
        drop(listener);
    }
}
