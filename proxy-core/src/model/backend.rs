//! Backends: pools of servers and how requests are spread over them.

use super::{
    Acl, HealthCheck, HttpOptions, Logging, RequestRule, ResponseRule, RetryOn, ServerCheck,
    Timeouts,
};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

/// A `backend` (or the server half of a `listen` section).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backend {
    /// The proxy name (unique among backends).
    pub name: String,
    /// `balance`: the algorithm. Default is `roundrobin`.
    pub balance: Balance,
    /// `hash-type`: how hash-based algorithms map keys to servers. Default is map-based sdbm.
    pub hash_type: HashType,
    /// `server` lines, in declaration order, with `default-server` settings applied.
    pub servers: Vec<Server>,
    /// Timeouts (the server-side ones apply).
    pub timeouts: Timeouts,
    /// `retries`: how many times a failed connection attempt is tried again. Default is 3.
    pub retries: u32,
    /// `retry-on`: which failures are retried. Default is `conn-failure` only.
    pub retry_on: RetryOn,
    /// `option redispatch [<interval>]`: retries may go to another server. `Some(n)`: every n-th
    /// retry is redispatched (HAProxy's interval; 1 = each retry). Default is off.
    pub redispatch: Option<i32>,
    /// `option allbackups`: use every backup server at once, not only the first one.
    pub allbackups: bool,
    /// Named ACLs (used by the backend's `http-request` rules).
    pub acls: Vec<Acl>,
    /// `http-request` rules, in order, applied after the frontend's.
    pub request_rules: Vec<RequestRule>,
    /// `http-response` rules, in order, applied before the frontend's.
    pub response_rules: Vec<ResponseRule>,
    /// HTTP options.
    pub http: HttpOptions,
    /// `option httpchk` and `http-check` lines. `None`: checks are TCP connects.
    pub health_check: Option<HealthCheck>,
    /// Logging settings.
    pub logging: Logging,
}

/// A load-balancing algorithm (`balance ...`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Balance {
    /// `roundrobin`: weighted round robin, smoothly interleaved, weights changeable at run time.
    RoundRobin,
    /// `static-rr`: weighted round robin over a fixed table.
    StaticRr,
    /// `leastconn`: the server with the fewest connections per weight; ties go round robin.
    LeastConn,
    /// `first`: the first server (by id) with a free connection slot.
    First,
    /// `source`: a hash of the client's IP address.
    Source,
    /// `uri [whole] [len N] [depth N]`: a hash of the request URI.
    Uri(UriHashOptions),
    /// `url_param <name>`: a hash of a query-string parameter's value.
    UrlParam {
        /// The parameter name.
        name: String,
    },
    /// `hdr(<name>)`: a hash of a request header's value.
    Hdr {
        /// The header name (lower-case).
        name: String,
    },
    /// `random [(<draws>)]`: the least loaded of `draws` random servers (power of N choices).
    Random {
        /// How many servers are drawn. Default is 2.
        draws: u32,
    },
}

/// The options of `balance uri`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UriHashOptions {
    /// `whole`: hash the query string too.
    pub whole: bool,
    /// `len N`: hash only the first N bytes. `None`: all.
    pub len: Option<u32>,
    /// `depth N`: hash only the first N directories. `None`: all.
    pub depth: Option<u32>,
}

/// `hash-type <method> [<function>] [<modifier>]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HashType {
    /// How keys are mapped to servers.
    pub method: HashMethod,
    /// The hash function applied to the key bytes.
    pub function: HashFunction,
    /// `avalanche`: mix the hash with a full integer hash before the lookup.
    pub avalanche: bool,
}

/// `map-based` or `consistent`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum HashMethod {
    /// `map-based`: hash modulo the total weight. Fast; a change of servers remaps most keys.
    #[default]
    MapBased,
    /// `consistent`: a ring of weight x 16 points per server; removing a server remaps only its keys.
    Consistent,
}

/// The hash function of `hash-type`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum HashFunction {
    /// `sdbm` (the default).
    #[default]
    Sdbm,
    /// `djb2`.
    Djb2,
    /// `wt6`.
    Wt6,
    /// `crc32`.
    Crc32,
}

/// A `server <name> <addr>:<port> [options]` line, with `default-server` applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Server {
    /// The name (unique within its backend).
    pub name: String,
    /// `id`: the numeric id. Default is the 1-based declaration position (HAProxy assigns the
    /// lowest free id). Consistent hashing places a server's points by this id.
    pub id: u32,
    /// Where requests go.
    pub addr: SocketAddr,
    /// The address as written, e.g. `web1.local:8080`, for messages and `show servers state`.
    pub addr_spec: String,
    /// `weight`: 0 to 256. Default is 1.
    pub weight: u32,
    /// `backup`: only used when no active server is usable.
    pub backup: bool,
    /// `disabled`: starts in maintenance.
    pub disabled: bool,
    /// `maxconn`: the most requests sent to this server at once; others wait in the queue.
    /// `None`: no limit.
    pub maxconn: Option<u32>,
    /// `maxqueue`: the most requests waiting for this server. `None`: no limit.
    pub maxqueue: Option<u32>,
    /// Health check settings; `check.enabled` is the `check` keyword.
    pub check: ServerCheck,
}
