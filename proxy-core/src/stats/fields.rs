//! The columns of HAProxy 2.6's `show stat`: names in CSV order, and the tags and value type
//! the `typed` and `json` forms give each.
//!
//! Column positions 0 to 102 are HAProxy's general statistics; `-` at 103 separates them from
//! the per-module columns (SSL, HTTP/2, HTTP/1), which Switchyard does not track and leaves empty.

/// Every column of `show stat`, in order.
pub(crate) const COLUMNS: [&str; 128] = [
    "pxname",
    "svname",
    "qcur",
    "qmax",
    "scur",
    "smax",
    "slim",
    "stot",
    "bin",
    "bout",
    "dreq",
    "dresp",
    "ereq",
    "econ",
    "eresp",
    "wretr",
    "wredis",
    "status",
    "weight",
    "act",
    "bck",
    "chkfail",
    "chkdown",
    "lastchg",
    "downtime",
    "qlimit",
    "pid",
    "iid",
    "sid",
    "throttle",
    "lbtot",
    "tracked",
    "type",
    "rate",
    "rate_lim",
    "rate_max",
    "check_status",
    "check_code",
    "check_duration",
    "hrsp_1xx",
    "hrsp_2xx",
    "hrsp_3xx",
    "hrsp_4xx",
    "hrsp_5xx",
    "hrsp_other",
    "hanafail",
    "req_rate",
    "req_rate_max",
    "req_tot",
    "cli_abrt",
    "srv_abrt",
    "comp_in",
    "comp_out",
    "comp_byp",
    "comp_rsp",
    "lastsess",
    "last_chk",
    "last_agt",
    "qtime",
    "ctime",
    "rtime",
    "ttime",
    "agent_status",
    "agent_code",
    "agent_duration",
    "check_desc",
    "agent_desc",
    "check_rise",
    "check_fall",
    "check_health",
    "agent_rise",
    "agent_fall",
    "agent_health",
    "addr",
    "cookie",
    "mode",
    "algo",
    "conn_rate",
    "conn_rate_max",
    "conn_tot",
    "intercepted",
    "dcon",
    "dses",
    "wrew",
    "connect",
    "reuse",
    "cache_lookups",
    "cache_hits",
    "srv_icur",
    "src_ilim",
    "qtime_max",
    "ctime_max",
    "rtime_max",
    "ttime_max",
    "eint",
    "idle_conn_cur",
    "safe_conn_cur",
    "used_conn_cur",
    "need_conn_est",
    "uweight",
    "agg_server_status",
    "agg_server_check_status",
    "agg_check_status",
    "-",
    "ssl_sess",
    "ssl_reused_sess",
    "ssl_failed_handshake",
    "h2_headers_rcvd",
    "h2_data_rcvd",
    "h2_settings_rcvd",
    "h2_rst_stream_rcvd",
    "h2_goaway_rcvd",
    "h2_detected_conn_protocol_errors",
    "h2_detected_strm_protocol_errors",
    "h2_rst_stream_resp",
    "h2_goaway_resp",
    "h2_open_connections",
    "h2_backend_open_streams",
    "h2_total_connections",
    "h2_backend_total_streams",
    "h1_open_connections",
    "h1_open_streams",
    "h1_total_connections",
    "h1_total_streams",
    "h1_bytes_in",
    "h1_bytes_out",
    "h1_spliced_bytes_in",
    "h1_spliced_bytes_out",
];

/// The typed-output tags (origin, nature, scope letters) and value type of the general columns
/// a row can fill, by position; `None` for the columns no row of Switchyard's fills.
pub(crate) const META: [Option<(&str, &str)>; 103] = [
    Some(("KNS", "str")), // pxname
    Some(("KNS", "str")), // svname
    Some(("MGP", "u32")), // qcur
    Some(("MMP", "u32")), // qmax
    Some(("MGP", "u32")), // scur
    Some(("MMP", "u32")), // smax
    Some(("CLP", "u32")), // slim
    Some(("MCP", "u64")), // stot
    Some(("MCP", "u64")), // bin
    Some(("MCP", "u64")), // bout
    Some(("MCP", "u64")), // dreq
    Some(("MCP", "u64")), // dresp
    Some(("MCP", "u64")), // ereq
    Some(("MCP", "u64")), // econ
    Some(("MCP", "u64")), // eresp
    Some(("MCP", "u64")), // wretr
    Some(("MCP", "u64")), // wredis
    Some(("SGP", "str")), // status
    Some(("MaP", "u32")), // weight
    Some(("SGP", "u32")), // act
    Some(("SGP", "u32")), // bck
    Some(("MCP", "u64")), // chkfail
    Some(("MCP", "u64")), // chkdown
    Some(("MAP", "u32")), // lastchg
    Some(("MCP", "u32")), // downtime
    None,                 // qlimit
    Some(("KGP", "u32")), // pid
    Some(("KGS", "u32")), // iid
    Some(("KGS", "u32")), // sid
    None,                 // throttle
    Some(("MCP", "u64")), // lbtot
    None,                 // tracked
    Some(("CGS", "u32")), // type
    Some(("MRP", "u32")), // rate
    Some(("CLP", "u32")), // rate_lim
    Some(("MMP", "u32")), // rate_max
    Some(("MOP", "str")), // check_status
    Some(("MOP", "u32")), // check_code
    Some(("MDP", "u64")), // check_duration
    Some(("MCP", "u64")), // hrsp_1xx
    Some(("MCP", "u64")), // hrsp_2xx
    Some(("MCP", "u64")), // hrsp_3xx
    Some(("MCP", "u64")), // hrsp_4xx
    Some(("MCP", "u64")), // hrsp_5xx
    Some(("MCP", "u64")), // hrsp_other
    Some(("MCP", "u64")), // hanafail
    Some(("MRP", "u32")), // req_rate
    Some(("MMP", "u32")), // req_rate_max
    Some(("MCP", "u64")), // req_tot
    Some(("MCP", "u64")), // cli_abrt
    Some(("MCP", "u64")), // srv_abrt
    Some(("MCP", "u64")), // comp_in
    Some(("MCP", "u64")), // comp_out
    Some(("MCP", "u64")), // comp_byp
    Some(("MCP", "u64")), // comp_rsp
    Some(("MAP", "s32")), // lastsess
    Some(("MOP", "str")), // last_chk
    None,                 // last_agt
    Some(("MaP", "u32")), // qtime
    Some(("MaP", "u32")), // ctime
    Some(("MaP", "u32")), // rtime
    Some(("MaP", "u32")), // ttime
    None,                 // agent_status
    None,                 // agent_code
    None,                 // agent_duration
    Some(("MOP", "str")), // check_desc
    None,                 // agent_desc
    Some(("CGS", "u32")), // check_rise
    Some(("CGS", "u32")), // check_fall
    Some(("CGS", "u32")), // check_health
    None,                 // agent_rise
    None,                 // agent_fall
    None,                 // agent_health
    Some(("CGS", "str")), // addr
    None,                 // cookie
    Some(("CGS", "str")), // mode
    Some(("CGS", "str")), // algo
    Some(("MRP", "u32")), // conn_rate
    Some(("MMP", "u32")), // conn_rate_max
    Some(("MCP", "u64")), // conn_tot
    Some(("MCP", "u64")), // intercepted
    Some(("MCP", "u64")), // dcon
    Some(("MCP", "u64")), // dses
    Some(("MCP", "u64")), // wrew
    Some(("MCP", "u64")), // connect
    Some(("MCP", "u64")), // reuse
    Some(("MCP", "u64")), // cache_lookups
    Some(("MCP", "u64")), // cache_hits
    Some(("MGP", "u32")), // srv_icur
    None,                 // src_ilim
    Some(("MMP", "u32")), // qtime_max
    Some(("MMP", "u32")), // ctime_max
    Some(("MMP", "u32")), // rtime_max
    Some(("MMP", "u32")), // ttime_max
    Some(("MCP", "u64")), // eint
    Some(("MGP", "u32")), // idle_conn_cur
    Some(("MGP", "u32")), // safe_conn_cur
    Some(("MGP", "u32")), // used_conn_cur
    Some(("MGP", "u32")), // need_conn_est
    Some(("MaP", "u32")), // uweight
    Some(("MGP", "u32")), // agg_server_status
    Some(("MGP", "u32")), // agg_server_check_status
    Some(("MGP", "u32")), // agg_check_status
];
