//! The check loop of one server: probe at the interval the state machine asks for, apply
//! passive-observation alarms, publish the check fields, change the server's state, log and count
//! each transition, and ramp the weight up after a recovery (`slowstart`).
//!
//! HAProxy equivalent: `process_chk()` and `__health_adjust()` in `src/check.c`,
//! `srv_set_stopped()`/`srv_set_running()` and `server_recalc_eweight()` in `src/server.c`.

use super::machine::RiseFall;
use super::probe::{Probe, ProbeResult};
use crate::model::{OnError, ServerCheck};
use crate::runtime::{BackendState, CheckStatus, ServerState};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::{sleep_until, Instant};

/// The shortest step of a `slowstart` ramp, as in HAProxy.
const MIN_RAMP_STEP: Duration = Duration::from_secs(1);

/// One server's checker. [`Checker::run`] returns once the server is removed.
#[derive(Debug)]
pub(crate) struct Checker {
    pub(crate) backend: Arc<BackendState>,
    pub(crate) server: Arc<ServerState>,
    pub(crate) settings: ServerCheck,
    pub(crate) probe: Probe,
}

/// The state of a running check loop.
struct Running {
    machine: RiseFall,
    /// When the current `slowstart` ramp began, and when its next step is due.
    ramp: Option<(Instant, Instant)>,
    /// The server's checks epoch the machine follows.
    epoch: u64,
}

impl Checker {
    /// Checks the server until it is removed from its backend, the first time after
    /// `first_delay`.
    pub(crate) async fn run(self: Arc<Self>, first_delay: Duration) {
        let mut state = Running {
            machine: RiseFall::new(self.settings.rise, self.settings.fall),
            ramp: None,
            epoch: self.server.checks_epoch(),
        };
        let mut next = Instant::now() + first_delay;
        while !self.server.is_removed() {
            let ramp_step = state.ramp.map(|(_, step)| step);
            tokio::select! {
                () = sleep_until(next) => {
                    let epoch = self.server.checks_epoch();
                    if epoch != state.epoch {
                        // `disable health` made the server UP; checks start over from there.
                        state.epoch = epoch;
                        state.machine = RiseFall::new(self.settings.rise, self.settings.fall);
                    }
                    if !self.server.checks_enabled() {
                        next = Instant::now() + self.settings.inter;
                        continue;
                    }
                    let result = self.probe.run(self.server.addr()).await;
                    let passed = result.status.passed();
                    self.apply(&mut state, passed, result);
                    next = Instant::now() + state.machine.interval(&self.settings);
                }
                desc = self.server.observer().alarm() => {
                    self.apply_alarm(&mut state, desc);
                    if let Some(fast) = self.settings.fastinter {
                        next = next.min(Instant::now() + fast);
                    }
                }
                () = sleep_until(ramp_step.unwrap_or(next)), if ramp_step.is_some() => {
                    self.step_ramp(&mut state);
                }
            }
        }
    }

    /// Applies `on-error` once `error-limit` consecutive errors were observed.
    fn apply_alarm(&self, state: &mut Running, desc: String) {
        self.server.lock_check().hanafail += 1;
        tracing::info!("Server {}/{} {desc}", self.backend.name(), self.server.name);
        match self.settings.on_error {
            OnError::FastInter => return,
            OnError::FailCheck => {}
            OnError::SuddenDeath => state.machine.sudden_death(),
            OnError::MarkDown => state.machine.next_failure_is_fatal(),
        }
        let result = ProbeResult {
            status: CheckStatus::Hana,
            code: None,
            desc,
            duration: Duration::ZERO,
        };
        self.apply(state, false, result);
    }

    /// Applies one result: check fields, state machine, and the server's state on a change.
    fn apply(&self, state: &mut Running, passed: bool, result: ProbeResult) {
        let step = state.machine.record(passed);
        if passed {
            self.server.observer().clear();
        }
        let duration = (result.status != CheckStatus::Hana).then_some(result.duration);
        {
            let mut info = self.server.lock_check();
            info.check_status = result.status;
            info.check_code = result.code;
            info.check_duration = duration;
            info.check_desc.clone_from(&result.desc);
            info.progress = state.machine.progress();
            if step.counted_failure {
                info.chkfail += 1;
            }
            if let Some(up) = step.changed {
                info.record_change(up, Instant::now());
                // With the progress, so that the status never shows one without the other; the
                // backend's selection follows below.
                self.server.set_up(up);
            }
        }
        metrics::counter!(
            "switchyard_health_checks_total",
            "backend" => self.backend.name().to_string(),
            "server" => self.server.name.clone(),
            "result" => result.status.as_str(),
        )
        .increment(1);
        match step.changed {
            Some(up) => self.change_state(state, up, &result),
            None if step.counted_failure || passed && state.machine.progress().is_some() => {
                tracing::debug!(
                    "Health check for server {}/{} {}{}, status: {}",
                    self.backend.name(),
                    self.server.name,
                    if passed { "succeeded" } else { "failed" },
                    describe(&result),
                    self.server.status()
                );
            }
            None => {}
        }
    }

    fn change_state(&self, state: &mut Running, up: bool, result: &ProbeResult) {
        let ramping = up && self.settings.slowstart.is_some();
        let now = Instant::now();
        state.ramp = ramping.then(|| (now, now + self.ramp_step()));
        self.server.set_ramp(if ramping { 0 } else { 1000 });
        self.backend.set_up(self.server.id, up);
        metrics::counter!(
            "switchyard_server_state_changes_total",
            "backend" => self.backend.name().to_string(),
            "server" => self.server.name.clone(),
            "state" => if up { "UP" } else { "DOWN" },
        )
        .increment(1);
        let servers = self.backend.servers();
        let count = |backup: bool| {
            servers
                .iter()
                .filter(|s| s.backup == backup && s.is_usable())
                .count()
        };
        let (active, backup) = (count(false), count(true));
        let on_backup = if active == 0 && backup > 0 {
            " Running on backup."
        } else {
            ""
        };
        let who = format!(
            "{}Server {}/{}",
            if self.server.backup { "Backup " } else { "" },
            self.backend.name(),
            self.server.name
        );
        let queued = self.backend.queued();
        if up {
            tracing::info!(
                "{who} is UP{}. {active} active and {backup} backup servers online.{on_backup} 0 sessions requeued, {queued} total in queue.",
                describe(result)
            );
        } else {
            tracing::warn!(
                "{who} is DOWN{}. {active} active and {backup} backup servers left.{on_backup} {} sessions active, 0 requeued, {queued} remaining in queue.",
                describe(result),
                self.server.inflight()
            );
            if !self.backend.has_usable_server() {
                tracing::error!("backend {} has no server available!", self.backend.name());
            }
        }
    }

    fn ramp_step(&self) -> Duration {
        self.settings
            .slowstart
            .map_or(MIN_RAMP_STEP, |s| (s / 20).max(MIN_RAMP_STEP))
    }

    fn step_ramp(&self, state: &mut Running) {
        let (Some((start, _)), Some(slowstart)) = (state.ramp, self.settings.slowstart) else {
            return;
        };
        let thousandths = ramp_thousandths(start.elapsed(), slowstart);
        state.ramp = (thousandths < 1000).then(|| (start, Instant::now() + self.ramp_step()));
        self.server.set_ramp(thousandths);
        self.backend.refresh_selection();
    }
}

/// How far a ramp of `slowstart` is after `elapsed`, in thousandths of the full weight.
fn ramp_thousandths(elapsed: Duration, slowstart: Duration) -> u32 {
    let done = elapsed.as_millis().saturating_mul(1000) / slowstart.as_millis().max(1);
    u32::try_from(done.min(1000)).unwrap_or(1000)
}

/// `, reason: ..., code: N, info: "...", check duration: Nms` as HAProxy writes it.
fn describe(result: &ProbeResult) -> String {
    let mut text = format!(", reason: {}", result.status.description());
    if let Some(code) = result.code {
        text.push_str(&format!(", code: {code}"));
    }
    if !result.desc.is_empty() {
        text.push_str(&format!(", info: \"{}\"", result.desc.escape_default()));
    }
    if result.status != CheckStatus::Hana {
        text.push_str(&format!(
            ", check duration: {}ms",
            result.duration.as_millis()
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ramp_grows_linearly_and_stops_at_full_weight() {
        let slowstart = Duration::from_secs(10);
        assert_eq!(ramp_thousandths(Duration::ZERO, slowstart), 0);
        assert_eq!(ramp_thousandths(Duration::from_secs(5), slowstart), 500);
        assert_eq!(ramp_thousandths(Duration::from_secs(30), slowstart), 1000);
    }

    #[test]
    fn transitions_are_described_in_haproxys_words() {
        let result = ProbeResult {
            status: CheckStatus::L7Status,
            code: Some(500),
            desc: "Internal Server Error".into(),
            duration: Duration::from_millis(1),
        };
        assert_eq!(
            describe(&result),
            ", reason: Layer7 wrong status, code: 500, info: \"Internal Server Error\", check duration: 1ms"
        );
    }
}
