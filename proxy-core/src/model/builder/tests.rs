use super::*;
use crate::model::{Backend, Balance, Config, Fetch, Frontend, Matcher, Pattern, Server};
use std::time::Duration;

fn addr(port: u16) -> std::net::SocketAddr {
    std::net::SocketAddr::from(([127, 0, 0, 1], port))
}

#[test]
fn the_builder_and_the_file_give_the_same_model() {
    let text = "\
frontend www
    bind 127.0.0.1:8080
    timeout client 30s
    acl is_api path_beg /api
    use_backend api if is_api
    default_backend web

backend web
    balance leastconn
    retries 2
    option redispatch
    timeout connect 5s
    timeout server 30s
    server a 127.0.0.1:9001 weight 2
    server b 127.0.0.1:9002 backup check inter 1s rise 3 fall 2

backend api
    timeout connect 5s
    timeout server 30s
    server c 127.0.0.1:9003 maxconn 10
";
    let from_file = crate::config::load_str("test.cfg", text).unwrap().config;
    let from_code = Config::builder()
        .frontend(
            Frontend::builder("www")
                .bind(addr(8080))
                .timeout_client(Duration::from_secs(30))
                .acl(
                    "is_api",
                    Pattern::new(Fetch::Path, Matcher::Begin, ["/api"]),
                )
                .use_backend_if("api", "is_api")
                .default_backend("web"),
        )
        .backend(
            Backend::builder("web")
                .balance(Balance::LeastConn)
                .retries(2)
                .redispatch(1)
                .timeout_connect(Duration::from_secs(5))
                .timeout_server(Duration::from_secs(30))
                .server_with(Server::builder("a", addr(9001)).weight(2))
                .server_with(
                    Server::builder("b", addr(9002))
                        .backup(true)
                        .check()
                        .inter(Duration::from_secs(1))
                        .rise(3)
                        .fall(2),
                ),
        )
        .backend(
            Backend::builder("api")
                .timeout_connect(Duration::from_secs(5))
                .timeout_server(Duration::from_secs(30))
                .server_with(Server::builder("c", addr(9003)).maxconn(10)),
        )
        .build()
        .unwrap();
    assert_eq!(from_code, from_file);
}

#[test]
fn a_weight_above_256_is_refused() {
    let error = Backend::builder("app")
        .server_with(Server::builder("a", addr(1)).weight(300))
        .build()
        .unwrap_err();
    assert!(matches!(
        error,
        BuildError::OutOfRange {
            field: "weight",
            value: 300,
            ..
        }
    ));
    assert_eq!(
        error.to_string(),
        "weight of 'a' is 300; it must be between 0 and 256"
    );
}

#[test]
fn two_servers_with_one_name_are_refused() {
    let error = Backend::builder("app")
        .server("a", addr(1))
        .server("a", addr(2))
        .build()
        .unwrap_err();
    assert_eq!(error.to_string(), "two servers are named 'a'");
}

#[test]
fn explicit_ids_are_kept_and_the_others_fill_the_gaps() {
    let backend = Backend::builder("app")
        .server("a", addr(1))
        .server_with(Server::builder("b", addr(2)).id(1))
        .build()
        .unwrap();
    let ids: Vec<u32> = backend.servers.iter().map(|s| s.id).collect();
    assert_eq!(ids, [2, 1]);
}

#[test]
fn a_route_to_a_missing_backend_is_refused() {
    let error = Config::builder()
        .frontend(Frontend::builder("www").default_backend("nowhere"))
        .build()
        .unwrap_err();
    assert_eq!(
        error,
        BuildError::UnknownBackend {
            frontend: "www".into(),
            backend: "nowhere".into()
        }
    );
}

#[test]
fn a_name_with_a_space_is_refused() {
    let error = Backend::builder("my app").build().unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid character ' ' in backend name 'my app'"
    );
}
