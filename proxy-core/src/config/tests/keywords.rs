//! Each supported keyword, read into the model.

use super::*;
use crate::model::*;
use std::time::Duration;

#[test]
fn global_keywords_fill_the_global_model() {
    let global = config_of(
        "global\n  maxconn 100\n  nbthread 4\n  user u\n  group g\n  pidfile /run/s.pid\n\
         \x20 log /dev/log len 1024 local1 notice err\n  stats socket ipv4@127.0.0.1:9999 level user\n\
         \x20 stats socket /tmp/s.sock mode 660 user haproxy gid 33 expose-fd listeners\n  stats timeout 2m\n",
    )
    .global;
    assert_eq!((global.maxconn, global.nbthread), (Some(100), Some(4)));
    assert_eq!(
        (global.user.as_deref(), global.group.as_deref()),
        (Some("u"), Some("g"))
    );
    assert_eq!(global.pidfile, Some(PathBuf::from("/run/s.pid")));
    let log = &global.logs[0];
    assert_eq!(
        (log.address.as_str(), log.facility.as_str()),
        ("/dev/log", "local1")
    );
    assert_eq!(
        (log.level.as_deref(), log.min_level.as_deref()),
        (Some("notice"), Some("err"))
    );
    assert_eq!(
        global.stats_sockets[0].addr,
        StatsSocketAddr::Tcp("127.0.0.1:9999".parse().unwrap())
    );
    assert_eq!(global.stats_sockets[0].level, StatsLevel::User);
    assert_eq!(
        global.stats_sockets[1].addr,
        StatsSocketAddr::Unix(PathBuf::from("/tmp/s.sock"))
    );
    assert_eq!(global.stats_sockets[1].mode, Some(0o660));
    assert_eq!(global.stats_sockets[1].level, StatsLevel::Operator);
    assert_eq!(
        global.stats_sockets[1].user,
        Some(Account::Name("haproxy".into()))
    );
    assert_eq!(global.stats_sockets[1].group, Some(Account::Id(33)));
    assert_eq!(global.stats_sockets[0].user, None);
    assert_eq!(global.stats_timeout, Some(Duration::from_secs(120)));
}

#[test]
fn bad_global_values_are_refused() {
    let errors = errors_of("global\n  log stdout format raw local0\n  log 127.0.0.1 local9\n  stats socket /s mode 999\n  uid 0\n  nbproc 2\n  stats socket /s uid root\n");
    assert_eq!(
        errors,
        [
            "t.cfg:2: 'log': 'format' is not supported yet (in 'global' section)",
            "t.cfg:3: 'log': unknown facility 'local9' (in 'global' section)",
            "t.cfg:4: 'stats socket': invalid mode '999' (expected octal, e.g. 600) (in 'global' section)",
            "t.cfg:5: 'uid' is not supported yet (in 'global' section)",
            "t.cfg:6: 'nbproc' was removed from HAProxy; use 'nbthread' (in 'global' section)",
            "t.cfg:7: 'stats socket': 'uid' expects a number, got 'root' (in 'global' section)",
        ]
    );
}

#[test]
fn binds_accept_every_any_address_form_and_lists() {
    let config = config_of(
        "frontend f\n  bind *:80\n  bind :::81\n  bind [::]:82,127.0.0.1:83\n  bind :84\n",
    );
    let addrs: Vec<String> = config.frontends[0]
        .binds
        .iter()
        .map(|b| b.addr.to_string())
        .collect();
    assert_eq!(
        addrs,
        [
            "0.0.0.0:80",
            "[::]:81",
            "[::]:82",
            "127.0.0.1:83",
            "0.0.0.0:84"
        ]
    );
    assert_eq!(config.frontends[0].binds[2].spec, "[::]:82");
}

#[test]
fn frontend_settings_are_read() {
    let config = config_of(&proxies(
        "  maxconn 500\n  backlog 700\n  timeout http-request 10s\n  timeout http-keep-alive 2s\n  option httpclose\n  log-format \"%ci %r\"",
        "",
    ));
    let front = &config.frontends[0];
    assert_eq!(front.maxconn, Some(500));
    assert_eq!(front.backlog, Some(700));
    assert_eq!(front.timeouts.http_request, Some(Duration::from_secs(10)));
    assert_eq!(front.timeouts.http_keep_alive, Some(Duration::from_secs(2)));
    assert_eq!(front.timeouts.client, Some(Duration::from_secs(30)));
    assert_eq!(front.http.conn_mode, ConnMode::Close);
    assert_eq!(front.logging.format.as_deref(), Some("%ci %r"));
}

#[test]
fn no_option_turns_an_inherited_option_off() {
    let config = config_of(
        "defaults\n  mode http\n  option http-server-close\n  option redispatch\n  option httplog\n\
         frontend f\n  bind :80\n  no option http-server-close\n  no option httplog\n  default_backend b\n\
         backend b\n  no option redispatch\n",
    );
    assert_eq!(config.frontends[0].http.conn_mode, ConnMode::KeepAlive);
    assert!(!config.frontends[0].logging.httplog);
    assert_eq!(config.backends[0].redispatch, None);
    assert_eq!(config.backends[0].http.conn_mode, ConnMode::ServerClose);
}

#[test]
fn every_balance_algorithm_is_read() {
    let cases = [
        ("roundrobin", Balance::RoundRobin),
        ("static-rr", Balance::StaticRr),
        ("leastconn", Balance::LeastConn),
        ("first", Balance::First),
        ("source", Balance::Source),
        ("uri", Balance::Uri(UriHashOptions::default())),
        (
            "uri whole len 8 depth 2",
            Balance::Uri(UriHashOptions {
                whole: true,
                len: Some(8),
                depth: Some(2),
            }),
        ),
        (
            "url_param userid",
            Balance::UrlParam {
                name: "userid".into(),
            },
        ),
        (
            "hdr(Host)",
            Balance::Hdr {
                name: "host".into(),
            },
        ),
        ("random", Balance::Random { draws: 2 }),
        ("random(3)", Balance::Random { draws: 3 }),
    ];
    for (text, expected) in cases {
        let config = config_of(&proxies("", &format!("  balance {text}")));
        assert_eq!(config.backends[0].balance, expected, "balance {text}");
    }
}

#[test]
fn hash_types_are_read_and_bad_ones_refused() {
    let config = config_of(&proxies("", "  hash-type consistent crc32 avalanche"));
    let expected = HashType {
        method: HashMethod::Consistent,
        function: HashFunction::Crc32,
        avalanche: true,
    };
    assert_eq!(config.backends[0].hash_type, expected);
    let config = config_of(&proxies("", "  hash-type map-based avalanche"));
    assert!(config.backends[0].hash_type.avalanche);
    let config = config_of(&proxies("", "  hash-type consistent"));
    let haproxy_default = HashType {
        method: HashMethod::Consistent,
        function: HashFunction::Sdbm,
        avalanche: true,
    };
    assert_eq!(config.backends[0].hash_type, haproxy_default);
    let config = config_of(&proxies("", "  hash-type consistent sdbm"));
    assert!(!config.backends[0].hash_type.avalanche);
    assert_eq!(
        errors_of(&proxies("", "  hash-type ring")),
        ["t.cfg:11: 'hash-type': unknown method 'ring' (expected map-based or consistent) (in 'backend b' section)"]
    );
}

#[test]
fn every_server_option_is_read() {
    let config = config_of(&proxies(
        "",
        "  server s2 127.0.0.1:9002 weight 0 check inter 3s fastinter 1s downinter 10s rise 4 fall 5 port 8081 addr 127.0.0.2 backup disabled maxconn 10 maxqueue 20 id 9",
    ));
    let server = &config.backends[0].servers[0];
    assert_eq!(
        (server.name.as_str(), server.id, server.weight),
        ("s2", 9, 0)
    );
    assert_eq!(server.addr_spec, "127.0.0.1:9002");
    assert!(server.backup && server.disabled);
    assert_eq!((server.maxconn, server.maxqueue), (Some(10), Some(20)));
    let check = &server.check;
    assert!(check.enabled);
    assert_eq!(
        (check.inter, check.fastinter, check.downinter),
        (
            Duration::from_secs(3),
            Some(Duration::from_secs(1)),
            Some(Duration::from_secs(10))
        )
    );
    assert_eq!((check.rise, check.fall, check.port), (4, 5, Some(8081)));
    assert_eq!(check.addr, Some("127.0.0.2".parse().unwrap()));
    assert_eq!(config.backends[0].servers[1].id, 1);
}

#[test]
fn a_server_host_name_is_resolved_and_kept_as_written() {
    let config = config_of(&proxies("", "  server local localhost:9002"));
    let server = &config.backends[0].servers[0];
    assert!(server.addr.ip().is_loopback());
    assert_eq!(server.addr_spec, "localhost:9002");
}

#[test]
fn default_server_applies_only_to_later_servers() {
    let config = config_of("backend b\n  server a 127.0.0.1:9001\n  default-server weight 5 check\n  server c 127.0.0.1:9002\n");
    let servers = &config.backends[0].servers;
    assert_eq!((servers[0].weight, servers[0].check.enabled), (1, false));
    assert_eq!((servers[1].weight, servers[1].check.enabled), (5, true));
}

#[test]
fn httpchk_forms_are_read() {
    let check_of = |option: &str| {
        config_of(&proxies("", option)).backends[0]
            .health_check
            .clone()
            .unwrap()
    };
    let plain = check_of("  option httpchk");
    assert_eq!(
        (
            plain.method.as_str(),
            plain.uri.as_str(),
            plain.version.as_str()
        ),
        ("OPTIONS", "/", "HTTP/1.0")
    );
    assert_eq!(check_of("  option httpchk /ping").uri, "/ping");
    let old = check_of(r#"  option httpchk HEAD /health "HTTP/1.1\r\nHost:\ www.example.com""#);
    assert_eq!(
        (old.method.as_str(), old.version.as_str()),
        ("HEAD", "HTTP/1.1")
    );
    assert_eq!(
        old.headers,
        [("Host".to_string(), "www.example.com".to_string())]
    );
    let rules = check_of("  option httpchk\n  http-check send meth GET uri /h ver HTTP/1.1 hdr Host x\n  http-check expect ! rstatus ^5").rules;
    assert_eq!(
        rules,
        [
            HttpCheckRule::Send {
                method: Some("GET".into()),
                uri: Some("/h".into()),
                version: Some("HTTP/1.1".into()),
                headers: vec![("Host".into(), "x".into())]
            },
            HttpCheckRule::Expect {
                negated: true,
                kind: "rstatus".into(),
                pattern: "^5".into()
            },
        ]
    );
}

#[test]
fn backend_options_are_read() {
    let config = config_of(&proxies("", "  retries 0\n  option redispatch -1\n  option allbackups\n  option forwardfor except 10.0.0.0/8 header X-Client if-none\n  timeout queue 5s\n  timeout check 1s"));
    let back = &config.backends[0];
    assert_eq!(
        (back.retries, back.redispatch, back.allbackups),
        (0, Some(-1), true)
    );
    let forward = back.http.forwardfor.clone().unwrap();
    assert_eq!(
        (
            forward.header.as_str(),
            forward.except.as_deref(),
            forward.if_none
        ),
        ("X-Client", Some("10.0.0.0/8"), true)
    );
    assert_eq!(
        (back.timeouts.queue, back.timeouts.check),
        (Some(Duration::from_secs(5)), Some(Duration::from_secs(1)))
    );
}

#[test]
fn stats_page_settings_are_read() {
    let config = config_of(&proxies(
        "  acl local src 127.0.0.1\n  stats enable\n  stats refresh 5s\n  stats realm Stats\n  stats auth admin:secret\n  stats hide-version\n  stats admin if local",
        "",
    ));
    let page = config.frontends[0].stats.clone().unwrap();
    assert_eq!(page.uri, "/haproxy?stats");
    assert_eq!(page.refresh, Some(Duration::from_secs(5)));
    assert_eq!(page.realm.as_deref(), Some("Stats"));
    assert_eq!(page.auth, [("admin".to_string(), "secret".to_string())]);
    assert!(page.hide_version);
    let admin = page.admin.unwrap();
    assert!(!admin.negated);
    assert!(
        matches!(&admin.any_of[..], [terms] if matches!(&terms[..], [AclTerm::Named { name, .. }] if name == "local"))
    );
}

#[test]
fn acls_with_several_lines_form_one_acl_with_every_criterion() {
    let config = config_of(&proxies(
        "  acl a path /x\n  acl a path_beg -i /api\n  acl a path_end .js\n  acl a path_sub admin\n  acl a path_reg ^/v[0-9]+/\n  acl a path_dir img\n\
         \x20 acl a url /u\n  acl a url_beg /u\n  acl a method GET POST\n  acl a src 10.0.0.0/8 ::1\n  acl a hdr(Host) -i example.com\n\
         \x20 acl a hdr_beg(host) www.\n  acl a hdr_end(host) .com\n  acl a hdr_sub(user-agent) bot\n  acl a hdr_reg(host) ^a\n  acl a hdr_dom(host) example\n\
         \x20 acl a url_param(id) 42\n  acl a urlp(id) -m beg 4\n  acl a hdr(x-debug) -m found\n  use_backend b if a",
        "",
    ));
    let acl = &config.frontends[0].acls[0];
    assert_eq!(acl.patterns.len(), 19);
    let fetch_matchers: Vec<(Fetch, Matcher)> = acl
        .patterns
        .iter()
        .map(|p| (p.fetch.clone(), p.matcher))
        .collect();
    assert_eq!(fetch_matchers[1], (Fetch::Path, Matcher::Begin));
    assert!(acl.patterns[1].ignore_case);
    assert_eq!(fetch_matchers[4], (Fetch::Path, Matcher::Regex));
    assert_eq!(fetch_matchers[9], (Fetch::Src, Matcher::Ip));
    assert_eq!(
        fetch_matchers[10],
        (Fetch::Hdr("host".into()), Matcher::Exact)
    );
    assert_eq!(
        fetch_matchers[15],
        (Fetch::Hdr("host".into()), Matcher::Domain)
    );
    assert_eq!(
        fetch_matchers[17],
        (Fetch::UrlParam("id".into()), Matcher::Begin)
    );
    assert_eq!(
        fetch_matchers[18],
        (Fetch::Hdr("x-debug".into()), Matcher::Found)
    );
    assert_eq!(acl.patterns[8].values, ["GET", "POST"]);
}

#[test]
fn conditions_combine_negation_and_or_and_anonymous_acls() {
    let config = config_of(&proxies(
        "  acl api path_beg /api\n  acl admin path_beg /admin\n  use_backend b if api !admin || ! METH_GET { src 127.0.0.1 } or HTTP_1.1\n  use_backend b unless TRUE",
        "",
    ));
    let rules = &config.frontends[0].use_backends;
    let condition = rules[0].condition.clone().unwrap();
    let named = |negated: bool, name: &str| AclTerm::Named {
        negated,
        name: name.into(),
    };
    let inline = AclTerm::Inline {
        negated: false,
        pattern: Pattern {
            fetch: Fetch::Src,
            matcher: Matcher::Ip,
            ignore_case: false,
            values: vec!["127.0.0.1".into()],
        },
    };
    assert_eq!(
        condition,
        Condition {
            negated: false,
            any_of: vec![
                vec![named(false, "api"), named(true, "admin")],
                vec![named(true, "METH_GET"), inline],
                vec![named(false, "HTTP_1.1")]
            ],
        }
    );
    assert!(rules[1].condition.as_ref().unwrap().negated);
}

#[test]
fn malformed_conditions_are_refused() {
    let errors = errors_of(&proxies("  use_backend b if\n  use_backend b if TRUE ||\n  use_backend b if { path_beg /x\n  use_backend b if TRUE then", ""));
    assert_eq!(
        errors,
        [
            "t.cfg:8: 'use_backend': missing condition after 'if' (in 'frontend f' section)",
            "t.cfg:9: 'use_backend': condition after 'if' ends without an ACL (in 'frontend f' section)",
            "t.cfg:10: 'use_backend': missing '}' after '{' (braces need spaces around them) (in 'frontend f' section)",
            "t.cfg:11: 'use_backend': unknown ACL 'then' in condition (ACLs must be declared before use) (in 'frontend f' section)",
        ]
    );
}

#[test]
fn http_request_and_response_rules_are_read_in_order() {
    let config = config_of(&proxies(
        "  acl h path /h\n  http-request set-header X-A a%[src]\n  http-request add-header X-B %[url_param(id)]\n  http-request del-header X-C\n\
         \x20 http-request deny deny_status 429 if h\n  http-request deny\n  http-request return status 204 content-type text/plain string \"no content\" unless h\n\
         \x20 http-response set-header X-D d\n  http-response add-header X-E %[method]\n  http-response del-header Server if h",
        "",
    ));
    let front = &config.frontends[0];
    let actions: Vec<RequestAction> = front
        .request_rules
        .iter()
        .map(|r| r.action.clone())
        .collect();
    assert_eq!(
        actions,
        [
            RequestAction::Header(HeaderAction::Set {
                name: "X-A".into(),
                value: LogFormat {
                    parts: vec![FormatPart::Text("a".into()), FormatPart::Sample(Fetch::Src)]
                }
            }),
            RequestAction::Header(HeaderAction::Add {
                name: "X-B".into(),
                value: LogFormat {
                    parts: vec![FormatPart::Sample(Fetch::UrlParam("id".into()))]
                }
            }),
            RequestAction::Header(HeaderAction::Del { name: "X-C".into() }),
            RequestAction::Deny { status: 429 },
            RequestAction::Deny { status: 403 },
            RequestAction::Return {
                status: 204,
                content_type: Some("text/plain".into()),
                body: Some("no content".into())
            },
        ]
    );
    assert!(
        front.request_rules[3].condition.is_some() && front.request_rules[4].condition.is_none()
    );
    assert!(front.request_rules[5].condition.as_ref().unwrap().negated);
    assert_eq!(front.response_rules.len(), 3);
    assert_eq!(
        front.response_rules[0].action,
        HeaderAction::Set {
            name: "X-D".into(),
            value: LogFormat::literal("d")
        }
    );
    assert!(front.response_rules[2].condition.is_some());
}

#[test]
fn a_listen_keeps_its_rules_on_the_frontend_side_only() {
    let config = config_of("listen l\n  bind :80\n  acl a path /a\n  http-request deny if a\n  server s 127.0.0.1:9001\n");
    assert_eq!(config.frontends[0].request_rules.len(), 1);
    assert!(config.backends[0].request_rules.is_empty() && config.backends[0].acls.is_empty());
}

#[test]
fn the_predefined_acls_are_usable_and_cannot_be_redefined() {
    let names = PREDEFINED_ACLS.join(" ");
    config_of(&proxies(&format!("  use_backend b if {names}"), ""));
    assert_eq!(
        errors_of(&proxies("  acl TRUE path /", "")),
        ["t.cfg:8: 'acl': 'TRUE' is a predefined ACL and cannot be redefined (in 'frontend f' section)"]
    );
}

#[test]
fn redirect_lines_and_actions_parse_with_haproxy_s_options() {
    let config = load_ok(&proxies(
        "  redirect prefix /v2 code 308 drop-query append-slash if { path_beg /v1 }\n  \
         http-request redirect scheme https",
        "",
    ))
    .config;
    let rules = &config.frontends[0].request_rules;
    let crate::model::RequestAction::Redirect(last) = &rules[1].action else {
        panic!("{rules:?}");
    };
    assert_eq!(
        (last.code, last.drop_query, last.append_slash),
        (308, true, true)
    );
    assert!(rules[1].condition.is_some(), "the redirect line runs last");
    let errors = errors_of(&proxies(
        "  redirect scheme https code 200\n  redirect to /x\n  \
         http-request redirect location /x set-cookie a=1",
        "",
    ));
    assert_eq!(
        errors,
        [
            "t.cfg:8: 'redirect': invalid code '200' (301, 302, 303, 307, 308) (in 'frontend f' section)",
            "t.cfg:9: 'redirect': unknown redirect type 'to' (location, prefix, scheme) (in 'frontend f' section)",
            "t.cfg:10: 'http-request redirect': 'set-cookie' is not supported yet (in 'frontend f' section)",
        ]
    );
}
