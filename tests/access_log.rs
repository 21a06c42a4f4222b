//! Access logs of the real binary: `option httplog` lines sent to a UDP syslog server and a
//! Unix datagram socket, and a `log-format` line on stderr, checked field by field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::UdpSocket;
use std::os::unix::net::UnixDatagram;
use std::time::{Duration, Instant};
use switchyard_tests::{free_port, get, Backend, ProxyProcess, TEST_DEFAULTS};

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
    let deadline = Instant::now() + Duration::from_secs(5);
    let lines = loop {
        let stderr = proxy.stderr();
        let lines: Vec<String> = stderr
            .lines()
            .filter(|l| l.starts_with("access "))
            .map(str::to_owned)
            .collect();
        if lines.len() == 2 || Instant::now() > deadline {
            break lines;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(
        lines.first().map(String::as_str),
        Some("access 127.0.0.1 GET /a HTTP/1.1 pool/web1 200 \"GET /a HTTP/1.1\" %")
    );
    assert_eq!(lines.len(), 2);
}
