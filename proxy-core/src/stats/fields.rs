//! The columns of HAProxy 2.6's `show stat`: names in CSV order, the tags and value type the
//! `typed` and `json` forms give each, and the short description `show stat typed desc` adds.
//!
//! Column positions 0 to 102 are HAProxy's general statistics; `-` at 103 separates them from
//! the per-module columns (SSL, HTTP/2, HTTP/1), which Switchyard does not track and leaves empty.

/// One column of `show stat`.
pub(crate) struct Column {
    /// Its name in the CSV header.
    pub(crate) name: &'static str,
    /// The typed-output tags (origin, nature, scope letters) and value type, or `None` for the
    /// columns no row of Switchyard's fills.
    pub(crate) meta: Option<(&'static str, &'static str)>,
    /// What it counts, in a few words (Switchyard's own wording).
    pub(crate) desc: &'static str,
}

const fn column(
    name: &'static str,
    meta: Option<(&'static str, &'static str)>,
    desc: &'static str,
) -> Column {
    Column { name, meta, desc }
}

/// How many general columns a row holds values for (those before the `-` separator).
pub(crate) const GENERAL: usize = 103;

/// Every column of `show stat`, in order.
pub(crate) const COLUMNS: [Column; 128] = [
    column("pxname", Some(("KNS", "str")), "proxy name"),
    column(
        "svname",
        Some(("KNS", "str")),
        "server name, or FRONTEND/BACKEND for the proxy's own row",
    ),
    column(
        "qcur",
        Some(("MGP", "u32")),
        "requests waiting in the queue now",
    ),
    column(
        "qmax",
        Some(("MMP", "u32")),
        "most requests ever waiting in the queue",
    ),
    column("scur", Some(("MGP", "u32")), "sessions in progress now"),
    column(
        "smax",
        Some(("MMP", "u32")),
        "most sessions ever in progress at once",
    ),
    column(
        "slim",
        Some(("CLP", "u32")),
        "configured limit of sessions at once",
    ),
    column("stot", Some(("MCP", "u64")), "sessions handled since start"),
    column("bin", Some(("MCP", "u64")), "bytes received from clients"),
    column("bout", Some(("MCP", "u64")), "bytes sent to clients"),
    column("dreq", Some(("MCP", "u64")), "requests refused by rules"),
    column("dresp", Some(("MCP", "u64")), "responses refused by rules"),
    column("ereq", Some(("MCP", "u64")), "malformed or failed requests"),
    column(
        "econ",
        Some(("MCP", "u64")),
        "failed connections to a server",
    ),
    column(
        "eresp",
        Some(("MCP", "u64")),
        "failed or aborted server responses",
    ),
    column("wretr", Some(("MCP", "u64")), "connection attempts retried"),
    column(
        "wredis",
        Some(("MCP", "u64")),
        "requests sent to another server after a failure",
    ),
    column(
        "status",
        Some(("SGP", "str")),
        "state: UP, DOWN, MAINT, DRAIN, OPEN, no check...",
    ),
    column(
        "weight",
        Some(("MaP", "u32")),
        "effective load-balancing weight",
    ),
    column(
        "act",
        Some(("SGP", "u32")),
        "active servers, or 1 if this server is active",
    ),
    column(
        "bck",
        Some(("SGP", "u32")),
        "backup servers, or 1 if this server is a backup",
    ),
    column("chkfail", Some(("MCP", "u64")), "health checks that failed"),
    column(
        "chkdown",
        Some(("MCP", "u64")),
        "times the state went from UP to DOWN",
    ),
    column(
        "lastchg",
        Some(("MAP", "u32")),
        "seconds since the last state change",
    ),
    column(
        "downtime",
        Some(("MCP", "u32")),
        "seconds spent DOWN in total",
    ),
    column("qlimit", None, "configured queue limit"),
    column("pid", Some(("KGP", "u32")), "process number"),
    column("iid", Some(("KGS", "u32")), "proxy id"),
    column("sid", Some(("KGS", "u32")), "server id"),
    column("throttle", None, "slow-start throttle percentage"),
    column(
        "lbtot",
        Some(("MCP", "u64")),
        "times this server was picked by the load balancer",
    ),
    column("tracked", None, "id of the server tracked for health"),
    column(
        "type",
        Some(("CGS", "u32")),
        "row type: 0 frontend, 1 backend, 2 server, 3 listener",
    ),
    column(
        "rate",
        Some(("MRP", "u32")),
        "sessions per second over the last second",
    ),
    column(
        "rate_lim",
        Some(("CLP", "u32")),
        "configured sessions-per-second limit",
    ),
    column(
        "rate_max",
        Some(("MMP", "u32")),
        "highest sessions-per-second rate seen",
    ),
    column(
        "check_status",
        Some(("MOP", "str")),
        "result of the last health check",
    ),
    column(
        "check_code",
        Some(("MOP", "u32")),
        "layer 5-7 code of the last health check",
    ),
    column(
        "check_duration",
        Some(("MDP", "u64")),
        "milliseconds the last health check took",
    ),
    column(
        "hrsp_1xx",
        Some(("MCP", "u64")),
        "HTTP responses with a 1xx code",
    ),
    column(
        "hrsp_2xx",
        Some(("MCP", "u64")),
        "HTTP responses with a 2xx code",
    ),
    column(
        "hrsp_3xx",
        Some(("MCP", "u64")),
        "HTTP responses with a 3xx code",
    ),
    column(
        "hrsp_4xx",
        Some(("MCP", "u64")),
        "HTTP responses with a 4xx code",
    ),
    column(
        "hrsp_5xx",
        Some(("MCP", "u64")),
        "HTTP responses with a 5xx code",
    ),
    column(
        "hrsp_other",
        Some(("MCP", "u64")),
        "HTTP responses with another code",
    ),
    column(
        "hanafail",
        Some(("MCP", "u64")),
        "failed health analyses of live traffic",
    ),
    column(
        "req_rate",
        Some(("MRP", "u32")),
        "HTTP requests per second over the last second",
    ),
    column(
        "req_rate_max",
        Some(("MMP", "u32")),
        "highest HTTP request rate seen",
    ),
    column("req_tot", Some(("MCP", "u64")), "HTTP requests since start"),
    column(
        "cli_abrt",
        Some(("MCP", "u64")),
        "transfers the client aborted",
    ),
    column(
        "srv_abrt",
        Some(("MCP", "u64")),
        "transfers the server aborted",
    ),
    column(
        "comp_in",
        Some(("MCP", "u64")),
        "bytes fed to the compressor",
    ),
    column(
        "comp_out",
        Some(("MCP", "u64")),
        "bytes the compressor produced",
    ),
    column(
        "comp_byp",
        Some(("MCP", "u64")),
        "bytes that skipped compression",
    ),
    column("comp_rsp", Some(("MCP", "u64")), "responses compressed"),
    column(
        "lastsess",
        Some(("MAP", "s32")),
        "seconds since the last session",
    ),
    column(
        "last_chk",
        Some(("MOP", "str")),
        "details of the last health check",
    ),
    column("last_agt", None, "details of the last agent check"),
    column(
        "qtime",
        Some(("MaP", "u32")),
        "average queue time in ms over recent requests",
    ),
    column(
        "ctime",
        Some(("MaP", "u32")),
        "average connect time in ms over recent requests",
    ),
    column(
        "rtime",
        Some(("MaP", "u32")),
        "average response time in ms over recent requests",
    ),
    column(
        "ttime",
        Some(("MaP", "u32")),
        "average total time in ms over recent requests",
    ),
    column("agent_status", None, "result of the last agent check"),
    column("agent_code", None, "code of the last agent check"),
    column(
        "agent_duration",
        None,
        "milliseconds the last agent check took",
    ),
    column(
        "check_desc",
        Some(("MOP", "str")),
        "readable meaning of check_status",
    ),
    column("agent_desc", None, "readable meaning of agent_status"),
    column(
        "check_rise",
        Some(("CGS", "u32")),
        "successes needed to go UP",
    ),
    column(
        "check_fall",
        Some(("CGS", "u32")),
        "failures needed to go DOWN",
    ),
    column(
        "check_health",
        Some(("CGS", "u32")),
        "current health check counter",
    ),
    column("agent_rise", None, "agent successes needed to go UP"),
    column("agent_fall", None, "agent failures needed to go DOWN"),
    column("agent_health", None, "current agent check counter"),
    column("addr", Some(("CGS", "str")), "server address and port"),
    column("cookie", None, "server cookie value"),
    column(
        "mode",
        Some(("CGS", "str")),
        "proxy mode: tcp, http, health...",
    ),
    column("algo", Some(("CGS", "str")), "load-balancing algorithm"),
    column(
        "conn_rate",
        Some(("MRP", "u32")),
        "connections per second over the last second",
    ),
    column(
        "conn_rate_max",
        Some(("MMP", "u32")),
        "highest connection rate seen",
    ),
    column("conn_tot", Some(("MCP", "u64")), "connections since start"),
    column(
        "intercepted",
        Some(("MCP", "u64")),
        "requests answered by the proxy itself",
    ),
    column(
        "dcon",
        Some(("MCP", "u64")),
        "connections refused by tcp-request connection rules",
    ),
    column(
        "dses",
        Some(("MCP", "u64")),
        "sessions refused by tcp-request session rules",
    ),
    column("wrew", Some(("MCP", "u64")), "header rewrites that failed"),
    column(
        "connect",
        Some(("MCP", "u64")),
        "new connections opened to servers",
    ),
    column("reuse", Some(("MCP", "u64")), "server connections reused"),
    column("cache_lookups", Some(("MCP", "u64")), "cache lookups"),
    column("cache_hits", Some(("MCP", "u64")), "cache hits"),
    column(
        "srv_icur",
        Some(("MGP", "u32")),
        "idle server connections now",
    ),
    column("src_ilim", None, "limit of idle server connections"),
    column(
        "qtime_max",
        Some(("MMP", "u32")),
        "longest queue time in ms",
    ),
    column(
        "ctime_max",
        Some(("MMP", "u32")),
        "longest connect time in ms",
    ),
    column(
        "rtime_max",
        Some(("MMP", "u32")),
        "longest response time in ms",
    ),
    column(
        "ttime_max",
        Some(("MMP", "u32")),
        "longest total time in ms",
    ),
    column("eint", Some(("MCP", "u64")), "internal errors"),
    column(
        "idle_conn_cur",
        Some(("MGP", "u32")),
        "idle unsafe server connections now",
    ),
    column(
        "safe_conn_cur",
        Some(("MGP", "u32")),
        "idle safe server connections now",
    ),
    column(
        "used_conn_cur",
        Some(("MGP", "u32")),
        "server connections in use now",
    ),
    column(
        "need_conn_est",
        Some(("MGP", "u32")),
        "server connections estimated to be needed",
    ),
    column("uweight", Some(("MaP", "u32")), "weight set by the user"),
    column(
        "agg_server_status",
        Some(("MGP", "u32")),
        "servers' states, summed by state",
    ),
    column(
        "agg_server_check_status",
        Some(("MGP", "u32")),
        "servers' check states, summed by state",
    ),
    column(
        "agg_check_status",
        Some(("MGP", "u32")),
        "servers' check results, summed by result",
    ),
    column("-", None, "separator before the per-module columns"),
    column("ssl_sess", None, "SSL counter: sess"),
    column("ssl_reused_sess", None, "SSL counter: reused sess"),
    column(
        "ssl_failed_handshake",
        None,
        "SSL counter: failed handshake",
    ),
    column("h2_headers_rcvd", None, "HTTP/2 counter: headers rcvd"),
    column("h2_data_rcvd", None, "HTTP/2 counter: data rcvd"),
    column("h2_settings_rcvd", None, "HTTP/2 counter: settings rcvd"),
    column(
        "h2_rst_stream_rcvd",
        None,
        "HTTP/2 counter: rst stream rcvd",
    ),
    column("h2_goaway_rcvd", None, "HTTP/2 counter: goaway rcvd"),
    column(
        "h2_detected_conn_protocol_errors",
        None,
        "HTTP/2 counter: detected conn protocol errors",
    ),
    column(
        "h2_detected_strm_protocol_errors",
        None,
        "HTTP/2 counter: detected strm protocol errors",
    ),
    column(
        "h2_rst_stream_resp",
        None,
        "HTTP/2 counter: rst stream resp",
    ),
    column("h2_goaway_resp", None, "HTTP/2 counter: goaway resp"),
    column(
        "h2_open_connections",
        None,
        "HTTP/2 counter: open connections",
    ),
    column(
        "h2_backend_open_streams",
        None,
        "HTTP/2 counter: backend open streams",
    ),
    column(
        "h2_total_connections",
        None,
        "HTTP/2 counter: total connections",
    ),
    column(
        "h2_backend_total_streams",
        None,
        "HTTP/2 counter: backend total streams",
    ),
    column(
        "h1_open_connections",
        None,
        "HTTP/1 counter: open connections",
    ),
    column("h1_open_streams", None, "HTTP/1 counter: open streams"),
    column(
        "h1_total_connections",
        None,
        "HTTP/1 counter: total connections",
    ),
    column("h1_total_streams", None, "HTTP/1 counter: total streams"),
    column("h1_bytes_in", None, "HTTP/1 counter: bytes in"),
    column("h1_bytes_out", None, "HTTP/1 counter: bytes out"),
    column(
        "h1_spliced_bytes_in",
        None,
        "HTTP/1 counter: spliced bytes in",
    ),
    column(
        "h1_spliced_bytes_out",
        None,
        "HTTP/1 counter: spliced bytes out",
    ),
];
