//! Upgraded connections (WebSocket) through the binary: the `101` goes back with its upgrade
//! headers, bytes then flow both ways untouched, and `timeout tunnel` closes an idle tunnel.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;
use switchyard_tests::{free_port, get, Backend, ProxyProcess, TEST_DEFAULTS};

/// A server that accepts one upgrade per connection and then answers every chunk it reads in
/// upper case; a plain request (no `Upgrade`) gets a `400`.
fn upgrading_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let head = read_head(&mut stream);
                let lower = head.to_ascii_lowercase();
                if !(lower.contains("upgrade: websocket") && lower.contains("connection: upgrade"))
                {
                    let _ =
                        stream.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
                    return;
                }
                let _ = stream.write_all(
                    b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
                );
                let mut buffer = [0u8; 1024];
                while let Ok(n) = stream.read(&mut buffer) {
                    if n == 0 || stream.write_all(&buffer[..n].to_ascii_uppercase()).is_err() {
                        break;
                    }
                }
            });
        }
    });
    addr
}

/// Reads up to the end of an HTTP head.
fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// Opens a client connection and asks for a WebSocket upgrade; returns it and the answer head.
fn upgrade(proxy: &ProxyProcess) -> (TcpStream, String) {
    let mut stream = TcpStream::connect(proxy.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .write_all(
            b"GET /chat HTTP/1.1\r\nHost: chat.example\r\nConnection: Upgrade\r\n\
              Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n",
        )
        .unwrap();
    let head = read_head(&mut stream);
    (stream, head)
}

fn proxy_for(server: SocketAddr, extra: &str) -> ProxyProcess {
    let port = free_port();
    let config = format!(
        "{TEST_DEFAULTS}\nfrontend www\n    bind 127.0.0.1:{port}\n    default_backend chat\n\
         backend chat\n{extra}    server ws {server}\n"
    );
    ProxyProcess::start(&config, port)
}

#[test]
fn a_websocket_upgrade_is_tunnelled_both_ways() {
    let proxy = proxy_for(upgrading_server(), "");
    let (mut stream, head) = upgrade(&proxy);
    let lower = head.to_ascii_lowercase();
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    assert!(lower.contains("upgrade: websocket"), "{head}");
    assert!(lower.contains("connection: upgrade"), "{head}");
    for message in ["hello", "again"] {
        stream.write_all(message.as_bytes()).unwrap();
        let mut answer = [0u8; 5];
        stream.read_exact(&mut answer).unwrap();
        assert_eq!(answer, message.to_ascii_uppercase().as_bytes());
    }
    // A plain request through the same proxy is still plain HTTP (the server refuses it).
    assert_eq!(get(&proxy.url("/")).status, 400);
}

#[test]
fn timeout_tunnel_closes_an_idle_tunnel() {
    let proxy = proxy_for(upgrading_server(), "    timeout tunnel 300ms\n");
    let (mut stream, head) = upgrade(&proxy);
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    stream.write_all(b"ping").unwrap();
    let mut answer = [0u8; 4];
    stream.read_exact(&mut answer).unwrap();
    assert_eq!(&answer, b"PING");
    // Nothing moves for longer than the timeout: the proxy closes the client's side.
    let mut rest = [0u8; 1];
    let started = std::time::Instant::now();
    assert_eq!(stream.read(&mut rest).unwrap(), 0);
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[test]
fn a_refused_upgrade_is_an_ordinary_answer() {
    let web = Backend::start("web");
    let proxy = proxy_for(web.addr(), "");
    let (_stream, head) = upgrade(&proxy);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
}
