//! Reads the runtime into `show stat` rows: one per frontend, one per server and one per
//! backend, each a list of optional values by column. A column Switchyard does not track stays
//! `None` and renders empty, as HAProxy leaves a column empty where it does not apply.

use super::fields::{COLUMNS, GENERAL};
use crate::model::Balance;
use crate::runtime::{BackendState, Counters, FrontendState, Runtime, ServerState};
use std::sync::atomic::{AtomicU64, Ordering};

/// HAProxy's process number, always 1 (one process, several threads).
const PID: i64 = 1;

/// What a row describes (HAProxy's `type` column: 0, 1, 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A frontend (`FRONTEND` row).
    Frontend,
    /// A backend (`BACKEND` row).
    Backend,
    /// A server.
    Server,
}

impl Kind {
    /// The letter of the `typed` output.
    pub(crate) fn letter(self) -> char {
        match self {
            Kind::Frontend => 'F',
            Kind::Backend => 'B',
            Kind::Server => 'S',
        }
    }

    /// The `objType` of the JSON output.
    pub(crate) fn json_name(self) -> &'static str {
        match self {
            Kind::Frontend => "Frontend",
            Kind::Backend => "Backend",
            Kind::Server => "Server",
        }
    }

    fn code(self) -> i64 {
        match self {
            Kind::Frontend => 0,
            Kind::Backend => 1,
            Kind::Server => 2,
        }
    }
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    /// Text (names, status, address).
    Str(String),
    /// A number; the column's declared type (u32, u64, s32) says how it is typed.
    Num(i64),
}

/// One row of `show stat`.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) kind: Kind,
    /// The proxy id.
    pub(crate) iid: u32,
    /// The server id (0 for frontend and backend rows).
    pub(crate) sid: u32,
    /// Values of the general columns (positions 0 to 102).
    pub(crate) values: Vec<Option<Value>>,
}

impl Row {
    fn new(kind: Kind, iid: u32, sid: u32, pxname: &str, svname: &str) -> Row {
        let mut row = Row {
            kind,
            iid,
            sid,
            values: vec![None; GENERAL],
        };
        row.text("pxname", pxname);
        row.text("svname", svname);
        row.num("pid", PID);
        row.num("iid", i64::from(iid));
        row.num("sid", i64::from(sid));
        row.num("type", kind.code());
        row.text("mode", "http");
        row
    }

    /// The value of `column`, if the row has one.
    pub(crate) fn value(&self, column: &str) -> Option<&Value> {
        self.values.get(position(column)?)?.as_ref()
    }

    /// The value of `column` as text; empty when the row has none.
    pub(crate) fn text_of(&self, column: &str) -> String {
        match self.value(column) {
            Some(Value::Str(text)) => text.clone(),
            Some(Value::Num(n)) => n.to_string(),
            None => String::new(),
        }
    }

    fn set(&mut self, column: &str, value: Value) {
        let position = position(column);
        debug_assert!(position.is_some(), "unknown stats column {column}");
        if let Some(slot) = position.and_then(|p| self.values.get_mut(p)) {
            *slot = Some(value);
        }
    }

    fn text(&mut self, column: &str, value: impl Into<String>) {
        self.set(column, Value::Str(value.into()));
    }

    fn num(&mut self, column: &str, value: i64) {
        self.set(column, Value::Num(value));
    }

    fn counter(&mut self, column: &str, counter: &AtomicU64) {
        self.num(column, load(counter));
    }

    /// The columns every proxy and server fills from its [`Counters`].
    fn traffic(&mut self, counters: &Counters) {
        self.counter("scur", &counters.current);
        self.counter("smax", &counters.max_current);
        self.counter("stot", &counters.total);
        self.num("rate", clamp(counters.session_rate.read()));
        self.num("rate_max", clamp(counters.session_rate.max()));
        let classes = [
            "hrsp_other",
            "hrsp_1xx",
            "hrsp_2xx",
            "hrsp_3xx",
            "hrsp_4xx",
            "hrsp_5xx",
        ];
        for (class, column) in (0..).zip(classes) {
            self.num(column, clamp(counters.responses(class)));
        }
    }

    /// The byte, error, retry and timing columns of servers and backends.
    fn server_side(&mut self, counters: &Counters) {
        self.counter("bin", &counters.bytes_in);
        self.counter("bout", &counters.bytes_out);
        self.num("lastsess", counters.last_session_age().map_or(-1, clamp));
        let times = counters.times.averages();
        self.num("qtime", clamp(times.queue));
        self.num("ctime", clamp(times.connect));
        self.num("rtime", clamp(times.response));
        self.num("ttime", clamp(times.total));
        self.counter("econ", &counters.connect_errors);
        self.counter("eresp", &counters.response_errors);
        self.counter("wretr", &counters.retries);
        self.counter("wredis", &counters.redispatches);
    }
}

/// The position of a general column.
fn position(column: &str) -> Option<usize> {
    COLUMNS[..GENERAL].iter().position(|c| c.name == column)
}

fn load(counter: &AtomicU64) -> i64 {
    clamp(counter.load(Ordering::Relaxed))
}

fn clamp(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Every row, in HAProxy's order: each frontend, then each backend's servers and its
/// `BACKEND` row, proxies sorted by id.
pub(crate) fn rows(runtime: &Runtime) -> Vec<Row> {
    let mut proxies: Vec<(u32, Vec<Row>)> = Vec::new();
    for frontend in runtime.frontends() {
        proxies.push((frontend.iid(), vec![frontend_row(frontend)]));
    }
    for backend in runtime.backends().iter() {
        let mut rows: Vec<Row> = backend
            .servers()
            .iter()
            .map(|server| server_row(backend, server))
            .collect();
        rows.push(backend_row(backend));
        match proxies.iter_mut().find(|(iid, _)| *iid == backend.iid()) {
            Some((_, listen)) => listen.extend(rows),
            None => proxies.push((backend.iid(), rows)),
        }
    }
    proxies.sort_by_key(|(iid, _)| *iid);
    proxies.into_iter().flat_map(|(_, rows)| rows).collect()
}

fn frontend_row(frontend: &FrontendState) -> Row {
    let counters = &frontend.counters;
    let mut row = Row::new(
        Kind::Frontend,
        frontend.iid(),
        0,
        frontend.name(),
        "FRONTEND",
    );
    row.traffic(counters);
    if let Some(limit) = frontend.maxconn() {
        row.num("slim", i64::from(limit));
    }
    row.counter("bin", &counters.bytes_in);
    row.counter("bout", &counters.bytes_out);
    row.counter("dreq", &counters.denied_requests);
    row.counter("ereq", &counters.request_errors);
    row.text("status", "OPEN");
    row.num("req_rate", clamp(counters.request_rate.read()));
    row.num("req_rate_max", clamp(counters.request_rate.max()));
    row.counter("req_tot", &counters.requests);
    row.num("conn_rate", clamp(counters.session_rate.read()));
    row.num("conn_rate_max", clamp(counters.session_rate.max()));
    row.counter("conn_tot", &counters.total);
    row
}

fn server_row(backend: &BackendState, server: &ServerState) -> Row {
    let mut row = Row::new(
        Kind::Server,
        backend.iid(),
        server.puid,
        backend.name(),
        &server.name,
    );
    row.traffic(&server.counters);
    row.server_side(&server.counters);
    if let Some(limit) = server.maxconn() {
        row.num("slim", i64::from(limit));
    }
    row.text("status", server.status());
    health_columns(&mut row, server);
    row.num("weight", i64::from(server.weight()));
    row.num("uweight", i64::from(server.weight()));
    row.num("act", i64::from(!server.backup));
    row.num("bck", i64::from(server.backup));
    row.counter("lbtot", &server.picked);
    row.text("addr", server.addr().to_string());
    row
}

/// The columns health checks fill: `lastchg` for every server; the check results, counts and
/// `downtime` for a checked one, as HAProxy shows them.
fn health_columns(row: &mut Row, server: &ServerState) {
    let info = server.check_info();
    let now = tokio::time::Instant::now();
    row.num("lastchg", clamp(info.lastchg(now).as_secs()));
    if !server.checks_enabled() {
        return;
    }
    row.num("chkfail", clamp(info.chkfail));
    row.num("chkdown", clamp(info.chkdown));
    row.num("downtime", clamp(info.downtime(now).as_secs()));
    row.num("hanafail", clamp(info.hanafail));
    row.text("last_chk", info.check_desc.as_str());
    row.text("check_status", info.check_status.as_str());
    if let Some(code) = info.check_code {
        row.num("check_code", i64::from(code));
    }
    if let Some(duration) = info.check_duration {
        row.num(
            "check_duration",
            clamp(u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)),
        );
    }
    row.text("check_desc", info.check_status.description());
    let check = &server.model().check;
    row.num("check_rise", i64::from(check.rise));
    row.num("check_fall", i64::from(check.fall));
    row.num(
        "check_health",
        i64::from(info.health(server.is_up(), check.rise, check.fall)),
    );
}

fn backend_row(backend: &BackendState) -> Row {
    let counters = &backend.counters;
    let mut row = Row::new(Kind::Backend, backend.iid(), 0, backend.name(), "BACKEND");
    row.traffic(counters);
    row.server_side(counters);
    row.counter("qcur", &counters.queued);
    row.counter("qmax", &counters.max_queued);
    row.counter("dreq", &counters.denied_requests);
    row.counter("req_tot", &counters.requests);
    let history = backend.history();
    let now = tokio::time::Instant::now();
    row.num("chkdown", clamp(history.chkdown));
    row.num("lastchg", clamp(history.lastchg(now).as_secs()));
    row.num("downtime", clamp(history.downtime(now).as_secs()));
    let servers = backend.servers();
    let usable = |backup: bool| {
        servers
            .iter()
            .filter(move |s| s.backup == backup && s.is_usable())
    };
    let active_weight: u32 = usable(false).map(|s| s.weight()).sum();
    let backup_weight: u32 = usable(true).map(|s| s.weight()).sum();
    // As HAProxy: the backup servers' weight counts only when no active server is usable.
    let weight = if usable(false).next().is_some() {
        active_weight
    } else {
        backup_weight
    };
    let status = if backend.has_usable_server() {
        "UP"
    } else {
        "DOWN"
    };
    row.text("status", status);
    row.num("weight", i64::from(weight));
    row.num("uweight", i64::from(weight));
    row.num("act", clamp(usable(false).count() as u64));
    row.num("bck", clamp(usable(true).count() as u64));
    let lbtot: u64 = servers
        .iter()
        .map(|s| s.picked.load(Ordering::Relaxed))
        .sum();
    row.num("lbtot", clamp(lbtot));
    row.text("algo", algo_name(&backend.model().balance));
    row
}

/// The balance algorithm as `show stat`'s `algo` column names it.
fn algo_name(balance: &Balance) -> &'static str {
    match balance {
        Balance::RoundRobin => "roundrobin",
        Balance::StaticRr => "static-rr",
        Balance::LeastConn => "leastconn",
        Balance::First => "first",
        Balance::Source => "source",
        Balance::Uri(_) => "uri",
        Balance::UrlParam { .. } => "url_param",
        Balance::Hdr { .. } => "hdr",
        Balance::Random { .. } => "random",
    }
}
