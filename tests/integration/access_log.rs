//! Access logs of the real binary: `option httplog` lines sent to a UDP syslog server and a
//! Unix datagram socket, and a `log-format` line on stderr, checked field by field.

use std::io::{Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::os::unix::net::UnixDatagram;
use std::time::{Duration, Instant};
use switchyard_tests::{
    free_port, get, raw_exchange, Backend, ProxyProcess, RawBackend, TEST_DEFAULTS,
};

/// The lines of `proxy`'s stderr that start with `prefix`, once `count` of them have come (or
/// after 5 s).
fn stderr_lines(proxy: &ProxyProcess, prefix: &str, count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let stderr = proxy.stderr();
        let lines: Vec<String> = stderr
            .lines()
            .filter(|l| l.starts_with(prefix))
            .map(str::to_owned)
            .collect();
        if lines.len() >= count || Instant::now() > deadline {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn receive(socket: impl Fn(&mut [u8]) -> std::io::Result<usize>) -> String {
    let mut buffer = [0u8; 2048];
    let n = socket(&mut buffer).expect("a log line within the timeout");
    String::from_utf8(buffer[..n].to_vec()).unwrap()
}

#[test]
fn httplog_lines_reach_udp_syslog_and_a_unix_socket_field_by_field() {
    let web = Backend::start("web1");
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let unix_path = dir.path().join("log.sock");
    let unix = UnixDatagram::bind(&unix_path).unwrap();
    unix.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let port = free_port();
    let config = format!(
        "global\n    log udp@{} local0\n\n{TEST_DEFAULTS}    log global\n    option httplog\n\
         \nfrontend fe\n    bind 127.0.0.1:{port}\n    log {} local1 info\n    stats uri /stats\n\
         \x20   default_backend pool\n\n\
         backend pool\n{}",
        udp.local_addr().unwrap(),
        unix_path.display(),
        web.server_line(""),
    );
    let proxy = ProxyProcess::start(&config, port);
    let reply = get(&proxy.url("/hello?x=1"));
    assert_eq!(reply.status, 200);

    let line = receive(|b| udp.recv(b));
    // <PRI>: local0 (16) * 8 + info (6).
    let (header, message) = line.split_once(": ").unwrap();
    assert!(header.starts_with("<134>"), "{line}");
    assert!(
        header.ends_with(&format!("switchyard[{}]", proxy.pid())),
        "{line}"
    );
    let fields: Vec<&str> = message.split(' ').collect();
    let (ip, client_port) = fields[0].split_once(':').unwrap();
    assert_eq!(ip, "127.0.0.1");
    assert!(client_port.parse::<u16>().is_ok());
    assert!(
        fields[1].starts_with('[') && fields[1].ends_with(']'),
        "{message}"
    );
    assert_eq!(
        fields[1].len(),
        "[22/Nov/2026:00:31:04.123]".len(),
        "{message}"
    );
    assert_eq!(fields[2], "fe");
    assert_eq!(fields[3], "pool/web1");
    let timers: Vec<i64> = fields[4].split('/').map(|t| t.parse().unwrap()).collect();
    assert_eq!(timers.len(), 5, "TR/Tw/Tc/Tr/Ta");
    assert!(
        timers.iter().all(|t| *t >= 0) && timers[4] >= timers[3],
        "{message}"
    );
    assert_eq!(fields[5], "200");
    assert_eq!(
        fields[6],
        reply.body.len().to_string(),
        "bytes of the body sent"
    );
    assert_eq!(&fields[7..10], ["-", "-", "----"]);
    let conns: Vec<u64> = fields[10].split('/').map(|c| c.parse().unwrap()).collect();
    assert_eq!(conns.len(), 5, "ac/fc/bc/sc/rc");
    assert!(conns[0] >= 1 && conns[1] >= 1 && conns[4] == 0, "{message}");
    assert_eq!(fields[11], "0/0");
    assert_eq!(fields[12..].join(" "), "\"GET /hello?x=1 HTTP/1.1\"");

    // The frontend's own target (facility local1 = 17) gets the same line.
    let unix_line = receive(|b| unix.recv(b));
    assert!(unix_line.starts_with("<142>"), "{unix_line}");
    assert_eq!(unix_line.split_once(": ").unwrap().1, message);

    // The statistics page answers itself: HAProxy logs it as `<STATS>`, with no connect time.
    assert_eq!(get(&proxy.url("/stats;csv")).status, 200);
    let line = receive(|b| udp.recv(b));
    let fields: Vec<&str> = line.split_once(": ").unwrap().1.split(' ').collect();
    assert_eq!(fields[3], "fe/<STATS>", "{line}");
    assert_eq!(fields[4].split('/').nth(2), Some("-1"), "Tc: {line}");
}

#[test]
fn log_format_lines_on_stderr_use_the_common_variables() {
    let web = Backend::start("web1");
    let port = free_port();
    let config = format!(
        "{TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{port}\n    log stderr local0\n    \
         log-format \"access %ci %HM %HU %HV %b/%s %ST %{{+Q}}r %%\"\n    default_backend pool\n\n\
         backend pool\n{}",
        web.server_line(""),
    );
    let proxy = ProxyProcess::start(&config, port);
    assert_eq!(get(&proxy.url("/a")).status, 200);
    assert_eq!(get(&proxy.url("/b")).status, 200);
    let lines = stderr_lines(&proxy, "access ", 2);
    assert_eq!(
        lines.first().map(String::as_str),
        Some("access 127.0.0.1 GET /a HTTP/1.1 pool/web1 200 \"GET /a HTTP/1.1\" %")
    );
    assert_eq!(lines.len(), 2);
}

#[test]
fn a_response_body_cut_short_is_logged_with_who_cut_it() {
    const CUT: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly ten b";
    let closing = RawBackend::start(CUT);
    let stalling = RawBackend::stalling(CUT);
    let size = 32 << 20;
    let flood = format!(
        "HTTP/1.1 200 OK\r\ncontent-length: {size}\r\n\r\n{}",
        "x".repeat(size)
    );
    let flooding = RawBackend::start(Box::leak(flood.into_bytes().into_boxed_slice()));
    let port = free_port();
    let config = format!(
        "{TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{port}\n    log stderr local0\n    \
         log-format \"end %HU %tsc\"\n    use_backend closing if {{ path /closing }}\n    \
         use_backend stalling if {{ path /stalling }}\n    default_backend flooding\n\n\
         backend closing\n{}\nbackend stalling\n    timeout server 300ms\n{}\n\
         backend flooding\n{}",
        closing.server_line("c"),
        stalling.server_line("s"),
        flooding.server_line("f"),
    );
    let proxy = ProxyProcess::start(&config, port);
    let wait = Duration::from_secs(2);
    for path in ["/closing", "/stalling"] {
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");
        let answer = raw_exchange(proxy.addr(), request.as_bytes(), wait);
        assert!(answer.ends_with("only ten b"), "{answer}");
    }
    // The client reads the head and leaves while the body is still coming.
    let mut client = TcpStream::connect(proxy.addr()).unwrap();
    client
        .write_all(b"GET /flood HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    client.read_exact(&mut [0u8; 64]).unwrap();
    drop(client);

    let mut lines = stderr_lines(&proxy, "end ", 3);
    lines.sort();
    assert_eq!(
        lines,
        ["end /closing SD--", "end /flood CD--", "end /stalling sD--"]
    );
}

#[test]
fn an_upload_the_client_stops_sending_after_the_answer_began_is_logged_as_the_clients_timeout() {
    // The server answers as soon as the head and the first bytes of the upload arrive.
    let answering =
        RawBackend::stalling(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly ten b");
    let port = free_port();
    let config = format!(
        "{TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{port}\n    timeout client 300ms\n    \
         log stderr local0\n    log-format \"end %HU %tsc\"\n    default_backend answering\n\n\
         backend answering\n    timeout server 10s\n{}",
        answering.server_line("a"),
    );
    let proxy = ProxyProcess::start(&config, port);
    let upload = b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc";
    let answer = raw_exchange(proxy.addr(), upload, Duration::from_secs(5));
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("only ten b"), "{answer}");
    assert_eq!(stderr_lines(&proxy, "end ", 1), ["end /upload cD--"]);
}
