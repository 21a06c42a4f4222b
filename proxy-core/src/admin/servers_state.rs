//! `show servers state [<backend>]`: HAProxy's server-state format (version line `1`, a `#`
//! header, one space-separated line per server), as `server-state-file` tooling reads it.

use super::commands::Reply;
use super::session::State;
use super::Shared;
use crate::runtime::{AdminState, BackendState, CheckStatus, ServerState};

/// The columns of `show servers state`, after its format version line `1`.
const SERVERS_STATE_HEADER: &str = "# be_id be_name srv_id srv_name srv_addr srv_op_state \
srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status \
srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id \
srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr \
srv_agent_addr srv_agent_port";

/// `show servers state [<backend>]`.
pub(crate) fn servers_state(shared: &Shared, _: &mut State, words: &[&str]) -> Reply {
    let backends: Vec<_> = match words.get(3) {
        Some(name) => match shared.runtime.backend(name) {
            Some(backend) => vec![backend],
            None => return Reply::line("Can't find backend."),
        },
        None => shared.runtime.backends().to_vec(),
    };
    let mut out = format!("1\n{SERVERS_STATE_HEADER}\n");
    for backend in backends {
        for server in backend.servers() {
            out.push_str(&server_state_line(&backend, &server));
        }
    }
    Reply::Text(out)
}

/// One server's line, with HAProxy's numeric codes.
fn server_state_line(backend: &BackendState, server: &ServerState) -> String {
    let check = &server.model().check;
    let checked = server.checks_enabled();
    let info = server.check_info();
    let (check_status, check_result) = if checked {
        check_codes(info.check_status)
    } else {
        (0, 0)
    };
    // HAProxy's SRV_ST_RUNNING / SRV_ST_STOPPED and SRV_ADMF_FMAINT / SRV_ADMF_FDRAIN.
    let op_state = if server.is_up() { 2 } else { 0 };
    let admin_state = match server.admin_state() {
        AdminState::Ready => 0,
        AdminState::Maint => 1,
        AdminState::Drain => 8,
    };
    // CHK_ST_CONFIGURED, plus CHK_ST_ENABLED while checks run.
    let check_state = match (server.checked, checked) {
        (true, true) => 6,
        (true, false) => 2,
        _ => 0,
    };
    let check_port = check.port.unwrap_or(0);
    let check_addr = check.addr.map_or_else(|| "-".to_owned(), |a| a.to_string());
    let health = if server.checked {
        info.health(server.is_up(), check.rise, check.fall)
    } else {
        0
    };
    let addr = server.addr();
    format!(
        "{} {} {} {} {} {op_state} {admin_state} {} {} {} {check_status} {check_result} {health} {check_state} 0 0 0 - {} - 0 {check_port} {check_addr} - 0\n",
        backend.iid(),
        backend.name(),
        server.puid,
        server.name,
        addr.ip(),
        server.weight(),
        server.initial_weight(),
        info.lastchg(tokio::time::Instant::now()).as_secs(),
        addr.port(),
    )
}

/// HAProxy's `HCHK_STATUS_*` number and `CHK_RES_*` result of a check status.
fn check_codes(status: CheckStatus) -> (u8, u8) {
    const FAILED: u8 = 2;
    const PASSED: u8 = 3;
    match status {
        CheckStatus::Init => (1, 0),
        CheckStatus::Hana => (4, FAILED),
        CheckStatus::L4Ok => (6, PASSED),
        CheckStatus::L4Timeout => (7, FAILED),
        CheckStatus::L4Conn => (8, FAILED),
        CheckStatus::L7Timeout => (12, FAILED),
        CheckStatus::L7Response => (13, FAILED),
        CheckStatus::L7Ok => (15, PASSED),
        CheckStatus::L7Status => (17, FAILED),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_state_header_is_haproxy_s() {
        let fixture = include_str!("../../../tests/fixtures/haproxy-2.6/servers_state.txt");
        assert_eq!(fixture.lines().nth(1), Some(SERVERS_STATE_HEADER));
    }

    #[test]
    fn check_codes_are_haproxy_s_numbers() {
        // The reference capture: web1 passed its HTTP check (15, 3), web2 was refused (8, 2).
        assert_eq!(check_codes(CheckStatus::L7Ok), (15, 3));
        assert_eq!(check_codes(CheckStatus::L4Conn), (8, 2));
    }
}
