//! What Switchyard knows about HAProxy keywords it does not act on: tuning knobs it ignores with a
//! warning, cosmetic settings it accepts, behaviour it does not support yet (an error), and old
//! keywords HAProxy 2.6 itself rejects.

/// Why a known HAProxy keyword is not acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unhandled {
    /// Performance tuning: ignoring it changes no behaviour a client sees. A warning.
    Knob,
    /// Informational or process-management setting Switchyard has no use for. A warning.
    Ignored,
    /// Changes behaviour Switchyard does not implement yet. An error.
    Unsupported,
    /// Removed from HAProxy before 2.6; the text says what replaces it. An error.
    Removed(&'static str),
}

impl Unhandled {
    /// True when the configuration must be refused.
    pub(crate) fn is_error(self) -> bool {
        matches!(self, Unhandled::Unsupported | Unhandled::Removed(_))
    }

    /// The message for `keyword` found in `section` (e.g. `'backend b'`).
    pub(crate) fn message(self, keyword: &str, section: &str) -> String {
        match self {
            Unhandled::Knob => format!("'{keyword}' is a tuning knob Switchyard ignores"),
            Unhandled::Ignored => {
                format!("'{keyword}' is accepted but ignored by Switchyard (in {section} section)")
            }
            Unhandled::Unsupported => {
                format!("'{keyword}' is not supported yet (in {section} section)")
            }
            Unhandled::Removed(hint) => {
                format!("'{keyword}' was removed from HAProxy; {hint} (in {section} section)")
            }
        }
    }
}

/// Classifies a `global` keyword that has no model field.
pub(crate) fn global_keyword(keyword: &str) -> Option<Unhandled> {
    const KNOBS: &[&str] = &[
        "spread-checks",
        "max-spread-checks",
        "maxcompcpuusage",
        "maxcomprate",
        "maxzlibmem",
        "maxpipes",
        "maxsslconn",
        "maxsslrate",
        "ulimit-n",
        "cpu-map",
        "busy-polling",
        "noepoll",
        "nokqueue",
        "noevports",
        "nopoll",
        "nosplice",
        "nogetaddrinfo",
        "noreuseport",
        "strict-limits",
        "numa-cpu-mapping",
        "thread-groups",
        "fd-hard-limit",
    ];
    const IGNORED: &[&str] = &[
        "master-worker",
        "node",
        "description",
        "quiet",
        "zero-warning",
        "insecure-fork-wanted",
        "expose-experimental-directives",
        "ca-base",
        "hard-stop-after",
    ];
    const UNSUPPORTED: &[&str] = &[
        "uid",
        "gid",
        "maxsessrate",
        "maxconnrate",
        "log-tag",
        "log-send-hostname",
        "localpeer",
        "server-state-file",
        "server-state-base",
        "lua-load",
        "lua-prepend-path",
        "ssl-server-verify",
        "ssl-default-server-options",
        "ssl-default-server-ciphers",
        "ssl-default-server-ciphersuites",
        "ssl-dh-param-file",
        "setenv",
        "presetenv",
        "resetenv",
        "unsetenv",
        "h1-case-adjust",
        "h1-case-adjust-file",
        "unix-bind",
        "set-dumpable",
        "external-check",
        "grace",
        "description-file",
        "default-path",
        "httpclient.resolvers.id",
    ];
    if keyword.starts_with("tune.") || keyword.starts_with("profiling.") {
        return Some(Unhandled::Knob);
    }
    if keyword.starts_with("ssl-") {
        return Some(Unhandled::Unsupported);
    }
    classify(keyword, KNOBS, IGNORED, UNSUPPORTED).or(match keyword {
        "nbproc" => Some(Unhandled::Removed("use 'nbthread'")),
        "debug" => Some(Unhandled::Removed("use the command line to debug")),
        _ => None,
    })
}

/// Classifies a proxy keyword (first word of a line) that has no model field.
pub(crate) fn proxy_keyword(keyword: &str) -> Option<Unhandled> {
    const KNOBS: &[&str] = &["http-reuse", "max-keep-alive-queue", "rate-limit"];
    const IGNORED: &[&str] = &["description", "id", "log-tag", "grace"];
    const UNSUPPORTED: &[&str] = &[
        "stick-table",
        "stick",
        "cookie",
        "capture",
        "errorfiles",
        "errorloc",
        "errorloc302",
        "errorloc303",
        "http-error",
        "fullconn",
        "server-template",
        "tcp-request",
        "tcp-response",
        "tcp-check",
        "http-after-response",
        "monitor-uri",
        "monitor",
        "persist",
        "dispatch",
        "source",
        "unique-id-format",
        "unique-id-header",
        "compression",
        "filter",
        "email-alert",
        "dynamic-cookie-key",
        "force-persist",
        "ignore-persist",
        "load-server-state-from-file",
        "server-state-file-name",
        "http-send-name-header",
        "log-format-sd",
        "declare",
        "external-check",
        "use-server",
        "enabled",
        "disabled",
        "guid",
        "log-steps",
        "bind-process",
    ];
    const REMOVED: &[(&str, &str)] = &[
        ("contimeout", "use 'timeout connect'"),
        ("clitimeout", "use 'timeout client'"),
        ("srvtimeout", "use 'timeout server'"),
        ("reqadd", "use 'http-request add-header'"),
        ("reqdel", "use 'http-request del-header'"),
        ("reqrep", "use 'http-request replace-header'"),
        ("reqallow", "use 'http-request allow'"),
        ("reqdeny", "use 'http-request deny'"),
        ("rspadd", "use 'http-response add-header'"),
        ("rspdel", "use 'http-response del-header'"),
        ("rsprep", "use 'http-response replace-header'"),
        ("block", "use 'http-request deny'"),
        ("redisp", "use 'option redispatch'"),
        ("redispatch", "use 'option redispatch'"),
    ];
    if let Some((_, hint)) = REMOVED.iter().find(|(name, _)| *name == keyword) {
        return Some(Unhandled::Removed(hint));
    }
    classify(keyword, KNOBS, IGNORED, UNSUPPORTED)
}

/// Classifies an `option` name that has no model field.
pub(crate) fn option(name: &str) -> Option<Unhandled> {
    const KNOBS: &[&str] = &[
        "splice-auto",
        "splice-request",
        "splice-response",
        "tcp-smart-accept",
        "tcp-smart-connect",
        "http-no-delay",
        "tcpka",
        "clitcpka",
        "srvtcpka",
        "nolinger",
        "contstats",
        "socket-stats",
        "independent-streams",
        "http-pretend-keepalive",
    ];
    const IGNORED: &[&str] = &[
        "http-use-htx",
        "log-health-checks",
        "log-separate-errors",
        "http-ignore-probes",
        "dontlog-normal",
        "logasap",
    ];
    const UNSUPPORTED: &[&str] = &[
        "abortonclose",
        "accept-invalid-http-request",
        "accept-invalid-http-response",
        "checkcache",
        "disable-h2-upgrade",
        "external-check",
        "h1-case-adjust-bogus-client",
        "h1-case-adjust-bogus-server",
        "http-buffer-request",
        "http-restrict-req-hdr-names",
        "http-use-proxy-header",
        "httpslog",
        "ldap-check",
        "mysql-check",
        "originalto",
        "persist",
        "pgsql-check",
        "prefer-last-server",
        "redis-check",
        "smtpchk",
        "spop-check",
        "ssl-hello-chk",
        "tcp-check",
        "tcplog",
        "transparent",
        "idle-close-on-response",
    ];
    match name {
        "forceclose" => Some(Unhandled::Removed("use 'option httpclose'")),
        "http-tunnel" => Some(Unhandled::Removed("use 'option http-keep-alive'")),
        _ => classify(name, KNOBS, IGNORED, UNSUPPORTED),
    }
}

/// Classifies a `server`/`default-server` option that has no model field.
pub(crate) fn server_option(name: &str) -> Option<Unhandled> {
    const KNOBS: &[&str] = &[
        "pool-max-conn",
        "pool-purge-delay",
        "pool-low-conn",
        "max-reuse",
        "tfo",
        "tcp-ut",
        "no-tfo",
        "shard",
    ];
    const UNSUPPORTED: &[&str] = &[
        "ssl",
        "no-ssl",
        "verify",
        "verifyhost",
        "sni",
        "ca-file",
        "crt",
        "crl-file",
        "ciphers",
        "ciphersuites",
        "alpn",
        "npn",
        "proto",
        "check-ssl",
        "check-sni",
        "check-alpn",
        "check-proto",
        "check-send-proxy",
        "check-via-socks4",
        "cookie",
        "send-proxy",
        "send-proxy-v2",
        "send-proxy-v2-ssl",
        "send-proxy-v2-ssl-cn",
        "proxy-v2-options",
        "resolvers",
        "resolve-prefer",
        "resolve-net",
        "resolve-opts",
        "init-addr",
        "agent-check",
        "agent-port",
        "agent-inter",
        "agent-addr",
        "agent-send",
        "track",
        "on-marked-down",
        "on-marked-up",
        "redir",
        "source",
        "usesrc",
        "minconn",
        "namespace",
        "socks4",
        "ws",
        "ssl-reuse",
        "force-sslv3",
        "force-tlsv10",
        "force-tlsv11",
        "force-tlsv12",
        "force-tlsv13",
        "ssl-min-ver",
        "ssl-max-ver",
        "allow-0rtt",
        "non-stick",
        "stick",
        "set-proxy-v2-tlv-fmt",
        "check-reuse-pool",
        "log-proto",
        "curves",
        "sigalgs",
        "client-sigalgs",
    ];
    classify(name, KNOBS, &[], UNSUPPORTED)
}

fn classify(
    name: &str,
    knobs: &[&str],
    ignored: &[&str],
    unsupported: &[&str],
) -> Option<Unhandled> {
    if knobs.contains(&name) {
        Some(Unhandled::Knob)
    } else if ignored.contains(&name) {
        Some(Unhandled::Ignored)
    } else if unsupported.contains(&name) {
        Some(Unhandled::Unsupported)
    } else {
        None
    }
}
