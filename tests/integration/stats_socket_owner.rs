//! `stats socket ... user|uid ... group|gid`: the socket file gets the owner and group asked for,
//! and an unknown account stops the start with a message naming it.

use std::os::unix::fs::MetadataExt;
use switchyard_core::{accounts, config, Proxy};
use switchyard_tests::{free_port, runtime, TEST_DEFAULTS};

fn proxy_with_socket(path: &std::path::Path, options: &str) -> Proxy {
    let port = free_port();
    let text = format!(
        "global\n    stats socket {} mode 660 level admin {options}\n{TEST_DEFAULTS}\n\
         frontend fe\n    bind 127.0.0.1:{port}\n",
        path.display()
    );
    Proxy::from_config(config::load_str("t.cfg", &text).unwrap().config).unwrap()
}

#[test]
fn the_socket_file_gets_the_requested_owner_and_group() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("admin.sock");
    // Only root may give a file away (asked by name here); anyone may name their own ids.
    let mine = std::fs::metadata(dir.path()).unwrap();
    let (options, uid, gid) = if mine.uid() == 0 {
        let nobody = accounts::user_id("nobody").expect("Debian has 'nobody'");
        let nogroup = accounts::group_id("nogroup").expect("Debian has 'nogroup'");
        ("user nobody group nogroup".to_string(), nobody, nogroup)
    } else {
        let ids = format!("uid {} gid {}", mine.uid(), mine.gid());
        (ids, mine.uid(), mine.gid())
    };
    let proxy = proxy_with_socket(&path, &options);
    let _listeners = runtime().block_on(proxy.bind()).unwrap();
    let socket = std::fs::metadata(&path).unwrap();
    assert_eq!((socket.uid(), socket.gid()), (uid, gid));
    assert_eq!(socket.mode() & 0o777, 0o660);
}

#[test]
fn an_unknown_socket_owner_is_a_start_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let proxy = proxy_with_socket(&dir.path().join("admin.sock"), "user no-such-user-sy");
    let error = runtime().block_on(proxy.bind()).unwrap_err();
    assert!(error.is_bind(), "{error}");
    assert!(
        error
            .to_string()
            .contains("user 'no-such-user-sy' not found"),
        "{error}"
    );
}
