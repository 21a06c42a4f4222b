//! Addresses: `bind` lines and the `<host>:<port>` of servers and stats sockets. Host names are
//! resolved once, at load, with the system resolver (HAProxy's `init-addr libc` default).

use super::super::diag::Span;
use super::super::lexer::Line;
use super::super::units::parse_int;
use super::draft::ProxyDraft;
use super::Ctx;
use crate::model::{Bind, BindTls, StatsSocketAddr};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

/// `bind <addr>:<port>[,<addr>:<port>...] [options]`.
pub(super) fn apply_bind(line: &Line, draft: &mut ProxyDraft, ctx: &mut Ctx<'_>) {
    let span = &line.span;
    draft.bind_written = true;
    let Some(specs) = line.words.get(1) else {
        ctx.bad_arg(
            span,
            "bind",
            "expects an address, e.g. '*:80' or '127.0.0.1:8080'",
        );
        return;
    };
    let tls = bind_options(line, ctx);
    for spec in specs.split(',') {
        if let Some(addr) = ctx.check(span, "bind", listen_addr(spec)) {
            draft.binds.push(Bind {
                addr,
                spec: spec.to_string(),
                tls: tls.clone(),
            });
        }
    }
}

/// Bind options. TLS termination (`ssl crt <file>`, `alpn`, `ciphers`, `ciphersuites`, the
/// version and ticket options, starting from the global `ssl-default-bind-*`) is returned; the few options that
/// only tune the socket are ignored with a warning; the rest change behaviour (PROXY protocol,
/// client certificates, ...) and are refused.
fn bind_options(line: &Line, ctx: &mut Ctx<'_>) -> Option<BindTls> {
    const KNOBS_WITH_VALUE: &[&str] = &[
        "backlog", "process", "thread", "nice", "tcp-ut", "name", "id",
    ];
    const KNOBS: &[&str] = &["defer-accept", "tfo", "v4v6", "v6only", "transparent"];
    let span = &line.span;
    let mut ssl = false;
    let mut certificates = Vec::new();
    let mut tls = ctx.tls_defaults.clone();
    let mut options = line.words.iter().skip(2);
    while let Some(option) = options.next() {
        let keyword = format!("bind ... {option}");
        match option.as_str() {
            "ssl" => ssl = true,
            "crt" => match options.next() {
                Some(path) => certificates.push(path),
                None => ctx.bad_arg(span, &keyword, "expects a PEM file"),
            },
            "alpn" => match options.next() {
                Some(protocols) => check_alpn(span, protocols, ctx),
                None => ctx.bad_arg(span, &keyword, "expects a list like 'http/1.1'"),
            },
            knob if KNOBS_WITH_VALUE.contains(&knob) => {
                options.next();
                ctx.unhandled(span, &keyword, super::Unhandled::Knob);
            }
            knob if KNOBS.contains(&knob) => ctx.unhandled(span, &keyword, super::Unhandled::Knob),
            "ciphers" | "ciphersuites" => match options.next() {
                Some(list) => super::tls::apply_list(&mut tls, &keyword, list, span, ctx),
                None => ctx.bad_arg(span, &keyword, "expects a colon-separated list"),
            },
            _ => match tls.apply_option(option, &mut options) {
                Some(Ok(())) => {}
                Some(Err(problem)) => ctx.bad_arg(span, &keyword, problem),
                None => {
                    // Any other option changes behaviour, and its arguments cannot be told
                    // apart from the next option: one error for the line is enough.
                    ctx.unsupported(span, &keyword);
                    return None;
                }
            },
        }
    }
    match (ssl, certificates.as_slice()) {
        (false, []) => None,
        (true, [certificate]) => {
            let path = tls.crt_path(certificate);
            if path.is_dir() {
                ctx.unsupported(span, "bind ... crt <directory>");
                return None;
            }
            if let Err(error) = std::fs::metadata(&path) {
                let problem = format!("cannot read '{}': {error}", path.display());
                ctx.bad_arg(span, "bind ... crt", problem);
                return None;
            }
            ctx.check(span, "bind ... ssl", tls.resolve(path))
        }
        (true, []) => {
            ctx.bad_arg(span, "bind ... ssl", "needs 'crt <file>' on the same line");
            None
        }
        (_, [_, _, ..]) => {
            ctx.unsupported(span, "bind ... crt (several certificates, chosen by SNI)");
            None
        }
        (false, [_]) => {
            ctx.bad_arg(span, "bind ... crt", "needs 'ssl' on the same line");
            None
        }
    }
}

/// `alpn <protocols>`: HTTP/1.1 is what Switchyard speaks; `h2` is left out of the offer with a
/// warning (clients fall back to HTTP/1.1), any other protocol is refused.
fn check_alpn(span: &Span, protocols: &str, ctx: &mut Ctx<'_>) {
    for protocol in protocols.split(',') {
        match protocol {
            "http/1.1" | "http/1.0" => {}
            "h2" => {
                let message = format!(
                    "'bind ... alpn h2': HTTP/2 is not supported yet; TLS clients are offered \
                     http/1.1 only (in {} section)",
                    ctx.section
                );
                ctx.warn(span, message);
            }
            other => ctx.bad_arg(
                span,
                "bind ... alpn",
                format!("protocol '{other}' is not supported (http/1.1 is)"),
            ),
        }
    }
}

/// A listening address: `*:80`, `:80`, `0.0.0.0:80`, `[::]:80`, `:::80`, `ipv4@127.0.0.1:80`.
pub(super) fn listen_addr(spec: &str) -> Result<SocketAddr, String> {
    let (host, port) = split_host_port(spec)?;
    let port = port.ok_or_else(|| format!("address '{spec}' needs a port, e.g. '{spec}:80'"))?;
    let port = parse_port(spec, port)?;
    match host {
        "" | "*" => Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port)),
        _ => resolve(host, port),
    }
}

/// A server address: `<host>:<port>`, the port required.
pub(super) fn server_addr(spec: &str) -> Result<SocketAddr, String> {
    let (host, port) = split_host_port(spec)?;
    let port =
        port.ok_or_else(|| format!("server address '{spec}' needs a port (e.g. '{spec}:80')"))?;
    if port.starts_with(['+', '-']) {
        return Err(format!(
            "relative port '{port}' in '{spec}' is not supported yet"
        ));
    }
    let port = parse_port(spec, port)?;
    match host {
        "" | "*" => Err(format!("server address '{spec}' needs a host")),
        _ => resolve(host, port),
    }
}

/// A `stats socket` address: a Unix path, or `ipv4@`/`ipv6@`/bare `<ip>:<port>`.
pub(super) fn stats_socket_addr(spec: &str) -> Result<StatsSocketAddr, String> {
    if let Some(path) = spec.strip_prefix("unix@") {
        return Ok(StatsSocketAddr::Unix(PathBuf::from(path)));
    }
    if spec.starts_with('/') || !spec.contains(':') {
        return Ok(StatsSocketAddr::Unix(PathBuf::from(spec)));
    }
    listen_addr(spec).map(StatsSocketAddr::Tcp)
}

/// Splits `[v6]:port`, `host:port`, `:::port` (the last colon starts the port), `host`.
fn split_host_port(spec: &str) -> Result<(&str, Option<&str>), String> {
    let spec_without_family = spec
        .strip_prefix("ipv4@")
        .or_else(|| spec.strip_prefix("ipv6@"))
        .unwrap_or(spec);
    if let Some((family, _)) = spec_without_family.split_once('@') {
        return Err(format!("'{family}@' addresses are not supported yet"));
    }
    if spec_without_family.starts_with('/') {
        return Err(format!("Unix socket address '{spec}' is not supported yet"));
    }
    if let Some(rest) = spec_without_family.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("missing ']' in address '{spec}'"))?;
        return match after {
            "" => Ok((host, None)),
            _ => after
                .strip_prefix(':')
                .map(|port| (host, Some(port)))
                .ok_or_else(|| format!("unexpected '{after}' after ']' in address '{spec}'")),
        };
    }
    Ok(match spec_without_family.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (spec_without_family, None),
    })
}

fn parse_port(spec: &str, port: &str) -> Result<u16, String> {
    if port.contains('-') {
        return Err(format!(
            "port range '{port}' in '{spec}' is not supported yet"
        ));
    }
    let port = parse_int(port, 1, u32::from(u16::MAX))
        .map_err(|_| format!("invalid port '{port}' in '{spec}' (expected 1 to 65535)"))?;
    u16::try_from(port).map_err(|_| format!("invalid port '{port}' in '{spec}'"))
}

/// An IP literal as is; a host name through the system resolver (first answer).
fn resolve(host: &str, port: u16) -> Result<SocketAddr, String> {
    if let Ok(ip) = host.parse::<Ipv4Addr>() {
        return Ok(SocketAddr::new(IpAddr::V4(ip), port));
    }
    if let Ok(ip) = host.parse::<Ipv6Addr>() {
        return Ok(SocketAddr::new(IpAddr::V6(ip), port));
    }
    if host.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(format!("invalid IPv4 address '{host}'"));
    }
    (host, port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .ok_or_else(|| format!("could not resolve host name '{host}'"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_any_address_form_listens_on_all_interfaces() {
        for spec in ["*:80", ":80", "0.0.0.0:80", "ipv4@*:80"] {
            assert_eq!(
                listen_addr(spec).unwrap(),
                "0.0.0.0:80".parse().unwrap(),
                "{spec}"
            );
        }
        for spec in ["[::]:80", ":::80", "ipv6@:::80"] {
            assert_eq!(
                listen_addr(spec).unwrap(),
                "[::]:80".parse().unwrap(),
                "{spec}"
            );
        }
    }

    #[test]
    fn specific_addresses_are_kept() {
        assert_eq!(
            listen_addr("127.0.0.1:8080").unwrap(),
            "127.0.0.1:8080".parse().unwrap()
        );
        assert_eq!(
            listen_addr("[::1]:8080").unwrap(),
            "[::1]:8080".parse().unwrap()
        );
    }

    #[test]
    fn ports_must_exist_and_be_in_range() {
        assert!(listen_addr("127.0.0.1")
            .unwrap_err()
            .contains("needs a port"));
        assert!(listen_addr("*:0").unwrap_err().contains("invalid port '0'"));
        assert!(listen_addr("*:65536").unwrap_err().contains("invalid port"));
        assert!(listen_addr("*:80-90").unwrap_err().contains("port range"));
    }

    #[test]
    fn server_addresses_resolve_localhost_and_reject_bad_ips() {
        assert_eq!(server_addr("localhost:9001").unwrap().port(), 9001);
        assert!(server_addr("localhost:9001").unwrap().ip().is_loopback());
        assert!(server_addr("300.1.1.1:80")
            .unwrap_err()
            .contains("invalid IPv4 address"));
        assert!(server_addr("10.0.0.1")
            .unwrap_err()
            .contains("needs a port"));
        assert!(server_addr("10.0.0.1:+1")
            .unwrap_err()
            .contains("relative port"));
    }

    #[test]
    fn stats_sockets_are_paths_or_tcp_addresses() {
        assert_eq!(
            stats_socket_addr("/run/haproxy.sock").unwrap(),
            StatsSocketAddr::Unix(PathBuf::from("/run/haproxy.sock"))
        );
        assert_eq!(
            stats_socket_addr("ipv4@127.0.0.1:9999").unwrap(),
            StatsSocketAddr::Tcp("127.0.0.1:9999".parse().unwrap())
        );
    }
}
