//! Frontend listeners through the real binary: several `bind` lines (IPv4 and IPv6) serving one
//! frontend, and `maxconn`, which holds connections over the limit in the accept backlog instead
//! of refusing or resetting them.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;
use switchyard_tests::{free_port, get, Backend, ProxyProcess, TEST_DEFAULTS};

const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: test\r\n\r\n";

/// Sends one keep-alive request on `stream` and returns its answer (see [`read_answer`]).
fn exchange(stream: &mut TcpStream, wait: Duration) -> String {
    stream.write_all(REQUEST).unwrap();
    read_answer(stream, wait)
}

/// Reads until the response body (the server's name, `web`) has arrived, or `wait` passes
/// with nothing new. Returns what was read.
fn read_answer(stream: &mut TcpStream, wait: Duration) -> String {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut received = Vec::new();
    let mut buffer = [0u8; 1024];
    while !String::from_utf8_lossy(&received).ends_with("web") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => received.extend_from_slice(&buffer[..n]),
        }
    }
    String::from_utf8_lossy(&received).into_owned()
}

#[test]
fn every_bind_line_serves_the_same_frontend_on_ipv4_and_ipv6() {
    let web = Backend::start("web");
    let (first, second) = (free_port(), free_port());
    let ipv6 = std::net::TcpListener::bind("[::1]:0").is_ok();
    let ipv6_port = free_port();
    let ipv6_bind = if ipv6 {
        format!("    bind [::1]:{ipv6_port}\n")
    } else {
        String::new()
    };
    let config = format!(
        "{TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{first}\n    bind 127.0.0.1:{second}\n\
         {ipv6_bind}    default_backend be\n\nbackend be\n{}",
        web.server_line("")
    );
    let _proxy = ProxyProcess::start(&config, first);
    for port in [first, second] {
        let reply = get(&format!("http://127.0.0.1:{port}/"));
        assert_eq!((reply.status, reply.server()), (200, Some("web")));
    }
    if ipv6 {
        let addr: SocketAddr = format!("[::1]:{ipv6_port}").parse().unwrap();
        let mut stream = TcpStream::connect(addr).unwrap();
        let answer = exchange(&mut stream, Duration::from_secs(5));
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
    assert_eq!(web.hits(), if ipv6 { 3 } else { 2 });
}

#[test]
fn frontend_maxconn_holds_extra_connections_in_the_backlog_until_a_slot_frees() {
    let web = Backend::start("web");
    let port = free_port();
    let config = format!(
        "{TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{port}\n    maxconn 1\n\
         \x20   default_backend be\n\nbackend be\n{}",
        web.server_line("")
    );
    let proxy = ProxyProcess::start(&config, port);

    let mut first = TcpStream::connect(proxy.addr()).unwrap();
    let answer = exchange(&mut first, Duration::from_secs(5));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // The first connection stays open (keep-alive), so the second waits: connected by the
    // kernel, neither answered nor reset.
    let mut second = TcpStream::connect(proxy.addr()).unwrap();
    let waiting = exchange(&mut second, Duration::from_millis(500));
    assert_eq!(
        waiting, "",
        "a connection over maxconn must wait, not be served"
    );

    drop(first);
    let answer = read_answer(&mut second, Duration::from_secs(5));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(web.hits(), 2);
}

/// The accept backlog of the socket listening on `port`, as `ss` shows it (`Send-Q`).
fn listen_backlog(port: u16) -> u32 {
    let out = std::process::Command::new("ss")
        .args(["-Hltn", &format!("sport = :{port}")])
        .output()
        .expect("ss (iproute2) is needed");
    let text = String::from_utf8_lossy(&out.stdout);
    let send_q = text.split_whitespace().nth(2).expect("a listening socket");
    send_q.parse().unwrap()
}

#[test]
fn the_listen_backlog_is_backlog_else_the_frontends_maxconn_else_the_global_one() {
    let web = Backend::start("web");
    let (port, other, set) = (free_port(), free_port(), free_port());
    let config = format!(
        "global\n    maxconn 3000\n\n{TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{port}\n\
         \x20   maxconn 2000\n    default_backend be\n\nfrontend other\n    bind 127.0.0.1:{other}\n\
         \x20   default_backend be\n\nfrontend set\n    bind 127.0.0.1:{set}\n    maxconn 2000\n\
         \x20   backlog 700\n    default_backend be\n\nbackend be\n{}",
        web.server_line("")
    );
    let _proxy = ProxyProcess::start(&config, port);
    // As HAProxy: a burst of new connections larger than the backlog would have the kernel
    // drop the end of their handshakes, and their first requests wait for it to be retried.
    assert_eq!(listen_backlog(port), 2000);
    assert_eq!(listen_backlog(other), 3000);
    assert_eq!(listen_backlog(set), 700);
}
