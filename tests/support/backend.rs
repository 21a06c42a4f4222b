//! A named HTTP test backend that records what it receives.
//!
//! Each [`Backend`] listens on `127.0.0.1:<free port>` and answers every request with the header
//! `X-Server: <name>` and the body `<name>`, so a test can tell which server the proxy chose.
//! Options make it slow, fail, cut its response short or echo the request headers. `/health`
//! answers a status that can be switched while it runs, and is not recorded (health checks would
//! otherwise blur the request counts).

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{combinators::BoxBody, BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

/// How a [`Backend`] answers. `Default` is a prompt `200` with the backend's name as body.
#[derive(Debug, Clone)]
pub struct BackendOptions {
    /// Wait this long before sending the response head. Default is none.
    pub delay: Duration,
    /// The status of every answer (except `/health`). Default is 200.
    pub status: u16,
    /// Answer with the request headers as a JSON object `{name: [values]}` instead of the name.
    /// Default is off.
    pub echo_headers: bool,
    /// Extra headers added to every answer (e.g. hop-by-hop ones). Default is none.
    pub response_headers: Vec<(String, String)>,
}

impl Default for BackendOptions {
    fn default() -> Self {
        BackendOptions {
            delay: Duration::ZERO,
            status: 200,
            echo_headers: false,
            response_headers: Vec::new(),
        }
    }
}

/// One request as the backend received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The request target, e.g. `/a?b=1`.
    pub uri: String,
    /// Every header, in received order, names in lower case.
    pub headers: Vec<(String, String)>,
}

impl RecordedRequest {
    /// The values of the header `name` (case-insensitive), in order.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first value of the header `name`, if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_values(name).into_iter().next()
    }
}

struct Shared {
    name: String,
    options: BackendOptions,
    health_status: AtomicU16,
    requests: Mutex<Vec<RecordedRequest>>,
}

/// A running test backend. Dropping it (or [`Backend::stop`]) closes its port and connections.
pub struct Backend {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept_task: Option<JoinHandle<()>>,
}

impl Backend {
    /// A backend called `name` with default options.
    pub fn start(name: &str) -> Backend {
        Backend::with_options(name, BackendOptions::default())
    }

    /// A backend called `name` answering as `options` say.
    pub fn with_options(name: &str, options: BackendOptions) -> Backend {
        let shared = Arc::new(Shared {
            name: name.to_string(),
            options,
            health_status: AtomicU16::new(200),
            requests: Mutex::new(Vec::new()),
        });
        let listener = crate::runtime()
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let accept_task = crate::runtime().spawn(accept_loop(listener, shared.clone()));
        Backend {
            addr,
            shared,
            accept_task: Some(accept_task),
        }
    }

    /// The backend's name (its `X-Server` value and body).
    pub fn name(&self) -> &str {
        &self.shared.name
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// A config line `    server <name> 127.0.0.1:<port> <options>` pointing at this backend.
    pub fn server_line(&self, options: &str) -> String {
        format!("    server {} {} {}\n", self.name(), self.addr, options)
    }

    /// Every request received so far, `/health` excluded.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// How many requests it received, `/health` excluded.
    pub fn hits(&self) -> usize {
        self.shared.requests.lock().unwrap().len()
    }

    /// Make `/health` answer `status` from now on.
    pub fn set_health_status(&self, status: u16) {
        self.shared.health_status.store(status, Ordering::SeqCst);
    }

    /// Close the port and every open connection; connections are refused afterwards.
    pub fn stop(&mut self) {
        if let Some(task) = self.accept_task.take() {
            task.abort();
            // Waiting for the aborted task guarantees the listener is closed on return.
            let _ = crate::runtime().block_on(task);
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        if let Some(task) = self.accept_task.take() {
            task.abort();
        }
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    // Connections live in this set so that aborting the accept task also drops every one of them.
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let shared = shared.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |req| answer(shared.clone(), req));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
        while connections.try_join_next().is_some() {}
    }
}

type Body = BoxBody<Bytes, io::Error>;

async fn answer(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Response<Body>, io::Error> {
    if req.uri().path() == "/health" {
        let status = shared.health_status.load(Ordering::SeqCst);
        return Ok(build(status, &shared, full("health")));
    }
    let recorded = RecordedRequest {
        method: req.method().to_string(),
        uri: req.uri().to_string(),
        headers: req
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
    };
    let echo = shared
        .options
        .echo_headers
        .then(|| headers_as_json(&recorded));
    shared.requests.lock().unwrap().push(recorded);
    // Read the whole request body before answering, as a real server would.
    let _ = req.into_body().collect().await;
    tokio::time::sleep(shared.options.delay).await;

    let options = &shared.options;
    let body = echo.unwrap_or_else(|| shared.name.clone());
    Ok(build(options.status, &shared, full(body)))
}

fn build(status: u16, shared: &Shared, body: Body) -> Response<Body> {
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(status).unwrap())
        .header("x-server", shared.name.as_str());
    for (name, value) in &shared.options.response_headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder.body(body).unwrap()
}

fn full(text: impl Into<String>) -> Body {
    Full::new(Bytes::from(text.into()))
        .map_err(|never| match never {})
        .boxed()
}

fn headers_as_json(request: &RecordedRequest) -> String {
    let mut map: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, value) in &request.headers {
        map.entry(name.as_str()).or_default().push(value.as_str());
    }
    serde_json::to_string(&map).unwrap()
}
