//! ACLs and the conditions (`if`/`unless`) that combine them.

use serde::{Deserialize, Serialize};

/// A named ACL: `acl <name> <criterion> [flags] <values...>`. Several `acl` lines with one name
/// form one ACL that matches when any of them matches (HAProxy's rule).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acl {
    /// The name conditions refer to.
    pub name: String,
    /// The tests, any of which makes the ACL true.
    pub patterns: Vec<Pattern>,
}

/// One criterion with its values, e.g. `path_beg /api /static` or `hdr(host) -i example.com`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pattern {
    /// What is taken from the request.
    pub fetch: Fetch,
    /// How it is compared with the values.
    pub matcher: Matcher,
    /// `-i`: compare ignoring ASCII case.
    pub ignore_case: bool,
    /// The values; the pattern matches when any value matches. For `Matcher::Ip` each value is
    /// an address or a CIDR network; for `Matcher::Reg` each value is a regular expression.
    pub values: Vec<String>,
}

/// A sample fetch: the part of the request an ACL looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fetch {
    /// `path`: the request path, without the query string.
    Path,
    /// `url`: the request target as received.
    Url,
    /// `method`: the request method.
    Method,
    /// `src`: the client's IP address.
    Src,
    /// `hdr(<name>)`: the value(s) of a request header (name stored lower-case).
    Hdr(String),
    /// `url_param(<name>)` / `urlp(<name>)`: a query-string parameter's value.
    UrlParam(String),
    /// `ssl_fc`: whether the client's connection is TLS. In an ACL it matches when it is; in a
    /// log-format string it is `1` or `0`.
    SslFc,
}

/// How fetched values are compared with an ACL's values (HAProxy's `-m` match methods).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Matcher {
    /// `str`: equal.
    Exact,
    /// `beg`: starts with.
    Begin,
    /// `end`: ends with.
    End,
    /// `sub`: contains.
    Substring,
    /// `reg`: matches the regular expression.
    Regex,
    /// `dir`: contains the value as a `/`-delimited segment run.
    Dir,
    /// `dom`: contains the value as a `.`-delimited label run.
    Domain,
    /// `ip`: the address is in one of the networks.
    Ip,
    /// `found`: the sample exists.
    Found,
    /// `len`: the sample's length equals one of the values.
    Len,
}

/// `if <cond>` or `unless <cond>`: alternatives (`||` / `or`) of terms that must all hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    /// `unless`: the condition is true when the expression is false.
    pub negated: bool,
    /// OR of ANDs: true when every term of any alternative is true.
    pub any_of: Vec<Vec<AclTerm>>,
}

/// One term of a condition: a named ACL or an anonymous one (`{ path_beg /api }`), maybe negated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AclTerm {
    /// A named ACL of the same proxy (or a predefined one such as `TRUE`, `METH_GET`).
    Named {
        /// `!name`: true when the ACL is false.
        negated: bool,
        /// The ACL's name.
        name: String,
    },
    /// An anonymous ACL written between braces.
    Inline {
        /// `!{ ... }`: true when the pattern is false.
        negated: bool,
        /// The test.
        pattern: Pattern,
    },
}
