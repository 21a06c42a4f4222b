//! The rise/fall state machine of one server, pure: no sockets, no clock.
//!
//! HAProxy keeps one `health` counter per check, from 0 to `rise + fall - 1`: the server is UP
//! while `health >= rise`. A passed check adds one, and reaching `rise` jumps to the top (fully
//! UP); a failed check takes one away, and dropping below `rise` falls to 0 (fully DOWN). A
//! server starts at `rise`, so it is UP but one failure away from DOWN until its first passed
//! check. In between, the stats show the progress: `UP 2/3`, `UP 1/3` (going down), `DOWN 1/2`
//! (going up). HAProxy equivalent: `set_server_check_status()` and `srv_getinter()` in
//! `src/check.c`.

use crate::model::ServerCheck;
use std::time::Duration;

/// The health counter of one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RiseFall {
    health: u32,
    rise: u32,
    fall: u32,
}

/// What one check result did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Step {
    /// The failure counted in `chkfail` (a failure of a server not already fully DOWN).
    pub(crate) counted_failure: bool,
    /// The server changed state: `Some(true)` it went UP, `Some(false)` it went DOWN.
    pub(crate) changed: Option<bool>,
}

impl RiseFall {
    /// A server's counter at start: UP, at `rise` (`rise` and `fall` are at least 1).
    pub(crate) fn new(rise: u32, fall: u32) -> RiseFall {
        let rise = rise.max(1);
        RiseFall {
            health: rise,
            rise,
            fall: fall.max(1),
        }
    }

    fn top(&self) -> u32 {
        self.rise + self.fall - 1
    }

    /// Whether the server counts as UP.
    pub(crate) fn is_up(&self) -> bool {
        self.health >= self.rise
    }

    /// Applies one check result.
    pub(crate) fn record(&mut self, passed: bool) -> Step {
        let was_up = self.is_up();
        let mut counted_failure = false;
        if passed {
            if self.health < self.top() {
                self.health += 1;
                if self.health >= self.rise {
                    self.health = self.top();
                }
            }
        } else if self.health > 0 {
            counted_failure = true;
            self.health -= 1;
            if self.health < self.rise {
                self.health = 0;
            }
        }
        let changed = (self.is_up() != was_up).then_some(self.is_up());
        Step {
            counted_failure,
            changed,
        }
    }

    /// `on-error sudden-death`: an UP server is left one failure away from DOWN.
    pub(crate) fn sudden_death(&mut self) {
        if self.health > self.rise {
            self.health = self.rise + 1;
        }
    }

    /// `on-error mark-down`: the next failure takes the server DOWN, whatever its health.
    pub(crate) fn next_failure_is_fatal(&mut self) {
        self.health = self.rise;
    }

    /// The transitional progress the `status` column shows: `(n, fall)` for `UP n/fall` (going
    /// down) or `(n, rise)` for `DOWN n/rise` (going up); `None` when settled.
    pub(crate) fn progress(&self) -> Option<(u32, u32)> {
        if self.is_up() {
            (self.health < self.top()).then(|| (self.health - self.rise + 1, self.fall))
        } else {
            (self.health > 0).then_some((self.health, self.rise))
        }
    }

    /// The delay before the next check: `inter` when fully UP, `downinter` when fully DOWN,
    /// `fastinter` while changing (each defaulting to `inter`).
    pub(crate) fn interval(&self, check: &ServerCheck) -> Duration {
        if self.health == self.top() {
            check.inter
        } else if self.health == 0 {
            check.downinter.unwrap_or(check.inter)
        } else {
            check.fastinter.unwrap_or(check.inter)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(machine: &RiseFall) -> String {
        let word = if machine.is_up() { "UP" } else { "DOWN" };
        match machine.progress() {
            Some((n, m)) => format!("{word} {n}/{m}"),
            None => word.to_string(),
        }
    }

    /// The statuses after each result, starting from a fresh counter.
    fn run(rise: u32, fall: u32, results: &[bool]) -> Vec<String> {
        let mut machine = RiseFall::new(rise, fall);
        results
            .iter()
            .map(|&passed| {
                machine.record(passed);
                status(&machine)
            })
            .collect()
    }

    #[test]
    fn a_first_failed_check_takes_a_fresh_server_down_at_once() {
        let machine = RiseFall::new(2, 3);
        assert_eq!(status(&machine), "UP 1/3");
        assert_eq!(run(2, 3, &[false]), ["DOWN"]);
    }

    #[test]
    fn fall_3_shows_up_2_3_then_up_1_3_then_down() {
        assert_eq!(
            run(2, 3, &[true, false, false, false]),
            ["UP", "UP 2/3", "UP 1/3", "DOWN"]
        );
    }

    #[test]
    fn rise_2_shows_down_1_2_then_up() {
        assert_eq!(run(2, 3, &[false, true, true]), ["DOWN", "DOWN 1/2", "UP"]);
    }

    #[test]
    fn a_pass_between_failures_restores_full_health() {
        assert_eq!(
            run(2, 3, &[true, false, false, true, false]),
            ["UP", "UP 2/3", "UP 1/3", "UP", "UP 2/3"]
        );
    }

    #[test]
    fn failures_of_a_down_server_are_not_counted_again() {
        let mut machine = RiseFall::new(2, 3);
        let first = machine.record(false);
        assert_eq!(
            first,
            Step {
                counted_failure: true,
                changed: Some(false)
            }
        );
        let again = machine.record(false);
        assert_eq!(
            again,
            Step {
                counted_failure: false,
                changed: None
            }
        );
    }

    #[test]
    fn sudden_death_leaves_one_failure_before_down() {
        let mut machine = RiseFall::new(2, 5);
        machine.record(true);
        machine.sudden_death();
        assert_eq!(machine.record(false).changed, None);
        assert_eq!(status(&machine), "UP 1/5");
        assert_eq!(machine.record(false).changed, Some(false));
    }

    #[test]
    fn mark_down_makes_the_next_failure_fatal() {
        let mut machine = RiseFall::new(2, 5);
        machine.record(true);
        machine.next_failure_is_fatal();
        assert_eq!(machine.record(false).changed, Some(false));
    }

    #[test]
    fn intervals_follow_inter_fastinter_downinter() {
        let check = ServerCheck {
            inter: Duration::from_secs(2),
            fastinter: Some(Duration::from_millis(500)),
            downinter: Some(Duration::from_secs(5)),
            ..ServerCheck::default()
        };
        let mut machine = RiseFall::new(2, 3);
        assert_eq!(machine.interval(&check), Duration::from_millis(500));
        machine.record(true);
        assert_eq!(machine.interval(&check), Duration::from_secs(2));
        machine.record(false);
        assert_eq!(machine.interval(&check), Duration::from_millis(500));
        machine.record(false);
        machine.record(false);
        assert_eq!(machine.interval(&check), Duration::from_secs(5));
    }

    #[test]
    fn rise_1_fall_1_flips_on_every_result() {
        assert_eq!(run(1, 1, &[false, true, false]), ["DOWN", "UP", "DOWN"]);
    }
}
