//! The last step: proxy drafts become frontends and backends, names are checked for duplicates,
//! backend references are resolved, and missing timeouts are warned about.

use super::super::diag::{Diags, Span};
use super::super::sections::{Section, SectionKind};
use super::super::units::suggestion;
use super::draft::{LogEntry, ProxyDraft};
use crate::model::limits::assign_ids;
use crate::model::{Backend, Config, Frontend, HealthCheck, LogTarget, Logging, Server};

/// Fills `config` from the proxy drafts, in declaration order.
pub(super) fn finish(config: &mut Config, proxies: Vec<(&Section, ProxyDraft)>, diags: &mut Diags) {
    check_duplicates(&proxies, diags);
    let backend_names: Vec<&str> = proxies
        .iter()
        .filter(|(_, draft)| draft.is_backend())
        .map(|(section, _)| section.name.as_deref().unwrap_or_default())
        .collect();
    for (section, draft) in &proxies {
        if draft.is_frontend() {
            check_references(section, draft, &backend_names, diags);
        }
        warn_missing_settings(section, draft, diags);
    }
    for (_, mut draft) in proxies {
        let logging = logging(&draft, &config.global.logs);
        if draft.is_backend() {
            config
                .backends
                .push(backend(&draft, logging.clone(), diags));
        }
        if draft.is_frontend() {
            if draft.kind == SectionKind::Listen && draft.default_backend.is_none() {
                if let Some(span) = draft.span.clone() {
                    draft.default_backend = Some((draft.name.clone(), span));
                }
            }
            config.frontends.push(frontend(draft, logging));
        }
    }
}

fn check_duplicates(proxies: &[(&Section, ProxyDraft)], diags: &mut Diags) {
    for (index, (section, draft)) in proxies.iter().enumerate() {
        let clash = proxies[..index].iter().find(|(earlier, other)| {
            earlier.name == section.name
                && ((draft.is_frontend() && other.is_frontend())
                    || (draft.is_backend() && other.is_backend()))
        });
        if let Some((earlier, _)) = clash {
            let message = format!(
                "{section} has the same name as {earlier} declared at {}:{}",
                earlier.span.file, earlier.span.line
            );
            diags.error(&section.span, message);
        }
    }
}

fn check_references(section: &Section, draft: &ProxyDraft, backends: &[&str], diags: &mut Diags) {
    let mut check = |keyword: &str, name: &str, span: &Span| {
        if !backends.contains(&name) {
            let hint = suggestion(name, backends.iter().copied());
            let message =
                format!("'{keyword}': no backend named '{name}' (in {section} section){hint}");
            diags.error(span, message);
        }
    };
    if let Some((name, span)) = &draft.default_backend {
        check("default_backend", name, span);
    }
    for (rule, span) in &draft.use_backends {
        check("use_backend", &rule.backend, span);
    }
}

/// HAProxy warns when a proxy lacks the timeouts its side needs; so do we. It also runs proxies
/// without `mode http` in TCP mode, which Switchyard does not have.
fn warn_missing_settings(section: &Section, draft: &ProxyDraft, diags: &mut Diags) {
    let timeouts = &draft.timeouts;
    let mut missing = Vec::new();
    if draft.is_frontend() && timeouts.client.is_none() {
        missing.push("client");
    }
    if draft.is_backend() && timeouts.connect.is_none() {
        missing.push("connect");
    }
    if draft.is_backend() && timeouts.server.is_none() {
        missing.push("server");
    }
    if !missing.is_empty() {
        let list = missing
            .iter()
            .map(|m| format!("'timeout {m}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let message = format!("missing timeouts for {section}: set {list}; without them, stalled connections are kept forever");
        diags.warn(&section.span, message);
    }
    if !draft.mode_http {
        let message = format!("{section} has no 'mode http' (HAProxy would run it in TCP mode); Switchyard serves it as HTTP");
        diags.warn(&section.span, message);
    }
    if draft.is_frontend() && !draft.bind_written {
        diags.error(
            &section.span,
            format!("{section} has no 'bind' line (declare it as a backend if that was meant)"),
        );
    }
    if !draft.check_rules.is_empty() && draft.httpchk.is_none() && draft.is_backend() {
        diags.warn(
            &section.span,
            format!("'http-check' rules of {section} are ignored without 'option httpchk'"),
        );
    }
}

fn logging(draft: &ProxyDraft, global: &[LogTarget]) -> Logging {
    let targets = draft
        .logs
        .iter()
        .flat_map(|entry| match entry {
            LogEntry::Global => global.to_vec(),
            LogEntry::Target(target) => vec![target.clone()],
        })
        .collect();
    Logging {
        targets,
        httplog: draft.httplog,
        dontlognull: draft.dontlognull,
        format: draft.log_format.clone(),
    }
}

/// The `http-request` rules of a proxy, then its `redirect` lines, in HAProxy's order.
fn request_rules(draft: &ProxyDraft) -> Vec<crate::model::RequestRule> {
    draft
        .request_rules
        .iter()
        .chain(&draft.redirects)
        .cloned()
        .collect()
}

fn backend(draft: &ProxyDraft, logging: Logging, diags: &mut Diags) -> Backend {
    let explicit: Vec<Option<u32>> = draft.servers.iter().map(|s| s.options.id).collect();
    let (ids, duplicates) = assign_ids(&explicit);
    for index in duplicates {
        let server = &draft.servers[index];
        let message = format!(
            "server '{}': id {} is already used by another server of backend '{}'",
            server.name, ids[index], draft.name
        );
        diags.error(&server.span, message);
    }
    let servers = draft
        .servers
        .iter()
        .zip(ids)
        .map(|(server, id)| Server {
            name: server.name.clone(),
            id,
            addr: server.addr,
            addr_spec: server.addr_spec.clone(),
            ..server.options.preset.clone()
        })
        .collect();
    let health_check = draft.httpchk.clone().map(|check| HealthCheck {
        rules: draft.check_rules.clone(),
        ..check
    });
    // A listen section's rules run once, on its frontend side.
    let own_rules = draft.kind == SectionKind::Backend;
    Backend {
        name: draft.name.clone(),
        balance: draft.balance.clone(),
        hash_type: draft.hash_type,
        servers,
        timeouts: draft.timeouts,
        retries: draft.retries,
        retry_on: draft.retry_on.clone(),
        redispatch: draft.redispatch,
        allbackups: draft.allbackups,
        acls: if own_rules {
            draft.acls.clone()
        } else {
            Vec::new()
        },
        request_rules: if own_rules {
            request_rules(draft)
        } else {
            Vec::new()
        },
        response_rules: if own_rules {
            draft.response_rules.clone()
        } else {
            Vec::new()
        },
        http: draft.http.clone(),
        health_check,
        logging,
    }
}

fn frontend(draft: ProxyDraft, logging: Logging) -> Frontend {
    let request_rules = request_rules(&draft);
    Frontend {
        name: draft.name,
        binds: draft.binds,
        maxconn: draft.maxconn,
        backlog: draft.backlog,
        timeouts: draft.timeouts,
        acls: draft.acls,
        request_rules,
        response_rules: draft.response_rules,
        use_backends: draft
            .use_backends
            .into_iter()
            .map(|(rule, _)| rule)
            .collect(),
        default_backend: draft.default_backend.map(|(name, _)| name),
        http: draft.http,
        logging,
        stats: draft.stats,
    }
}
