//! A tiny blocking HTTP/1.1 client for tests, plus raw TCP exchanges for malformed requests.
//!
//! Each request uses a fresh connection, optionally from a chosen loopback source address
//! (`127.0.0.X`), so `balance source` and `X-Forwarded-For` can be tested from one machine.

use bytes::Bytes;
use http::{HeaderMap, Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::Duration;
use tokio::net::TcpSocket;

/// What a test wants to send. Build it with [`RequestSpec::get`] and the setters.
#[derive(Debug, Clone)]
pub struct RequestSpec {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Bytes,
    source_ip: Option<IpAddr>,
    timeout: Duration,
}

impl RequestSpec {
    /// A `GET` of `url` (`http://127.0.0.1:PORT/path`). Default timeout is 10 s.
    pub fn get(url: &str) -> RequestSpec {
        RequestSpec {
            method: "GET".to_string(),
            url: url.to_string(),
            headers: Vec::new(),
            body: Bytes::new(),
            source_ip: None,
            timeout: Duration::from_secs(10),
        }
    }

    /// Use another method. Default is `GET`.
    pub fn method(mut self, method: &str) -> RequestSpec {
        self.method = method.to_string();
        self
    }

    /// Add a request header (`Host` defaults to the URL's authority).
    pub fn header(mut self, name: &str, value: &str) -> RequestSpec {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Send this body. Default is none.
    pub fn body(mut self, body: &str) -> RequestSpec {
        self.body = Bytes::from(body.to_owned());
        self
    }

    /// Connect from this local address, e.g. `127.0.0.7`. Default is the system's choice.
    pub fn from_ip(mut self, ip: &str) -> RequestSpec {
        self.source_ip = Some(ip.parse().unwrap());
        self
    }

    /// Give up after this long. Default is 10 s.
    pub fn timeout(mut self, timeout: Duration) -> RequestSpec {
        self.timeout = timeout;
        self
    }
}

/// A complete response.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body, as text.
    pub body: String,
}

impl Reply {
    /// The first value of the header `name`, if any and if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `X-Server` header: which test backend answered.
    pub fn server(&self) -> Option<&str> {
        self.header("x-server")
    }
}

/// `GET url`; panics if no complete response arrives within 10 s.
pub fn get(url: &str) -> Reply {
    send(RequestSpec::get(url)).unwrap_or_else(|e| panic!("GET {url} failed: {e}"))
}

/// Send `spec` on a new connection and read the whole response.
pub fn send(spec: RequestSpec) -> io::Result<Reply> {
    let timeout = spec.timeout;
    crate::runtime().block_on(async move {
        tokio::time::timeout(timeout, exchange(spec))
            .await
            .unwrap_or_else(|_| {
                Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no response in time",
                ))
            })
    })
}

async fn exchange(spec: RequestSpec) -> io::Result<Reply> {
    let uri: Uri = spec.url.parse().map_err(io::Error::other)?;
    let authority = uri
        .authority()
        .ok_or_else(|| io::Error::other("URL without host:port"))?
        .clone();
    let target: SocketAddr = authority.as_str().parse().map_err(io::Error::other)?;
    let socket = TcpSocket::new_v4()?;
    if let Some(ip) = spec.source_ip {
        socket.bind(SocketAddr::new(ip, 0))?;
    }
    let stream = socket.connect(target).await?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(io::Error::other)?;
    tokio::spawn(connection);

    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut request = Request::builder().method(spec.method.as_str()).uri(path);
    if !spec
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("host"))
    {
        request = request.header("host", authority.as_str());
    }
    for (name, value) in &spec.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let request = request
        .body(Full::new(spec.body))
        .map_err(io::Error::other)?;
    let response = sender
        .send_request(request)
        .await
        .map_err(io::Error::other)?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(io::Error::other)?
        .to_bytes();
    Ok(Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// Write `bytes` to `addr` as they are, then read until the peer closes or `wait` passes without
/// data. Returns everything received, as text. For malformed and incomplete requests.
pub fn raw_exchange(addr: SocketAddr, bytes: &[u8], wait: Duration) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(wait)).unwrap();
    stream.write_all(bytes).unwrap();
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => received.extend_from_slice(&buffer[..n]),
        }
    }
    String::from_utf8_lossy(&received).into_owned()
}
