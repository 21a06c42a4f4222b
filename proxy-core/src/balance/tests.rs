//! Behaviour of every algorithm through [`super::build`]: shares, order, backups, avoid, full.

use super::test_support::{backend, names, plain_request, states};
use super::{build, build_seeded};
use crate::model::{Balance, HashMethod, HashType};
use crate::runtime::{AdminState, ServerId};
use http::HeaderMap;
use std::collections::HashMap;

fn shares(picks: &[String]) -> HashMap<&str, usize> {
    let mut counts = HashMap::new();
    for name in picks {
        *counts.entry(name.as_str()).or_insert(0) += 1;
    }
    counts
}

#[test]
fn weights_1_2_3_4_give_exact_shares_over_100_roundrobin_picks() {
    let backend = backend(Balance::RoundRobin, &[1, 2, 3, 4]);
    let servers = states(&backend);
    let picks = names(build(&backend, &servers).as_ref(), &servers, 100);
    let counts = shares(&picks);
    assert_eq!(
        [counts["s1"], counts["s2"], counts["s3"], counts["s4"]],
        [10, 20, 30, 40]
    );
    assert!(
        picks.windows(2).all(|pair| pair[0] != pair[1]),
        "no server twice in a row: {picks:?}"
    );
}

#[test]
fn roundrobin_follows_haproxys_order() {
    let backend = backend(Balance::RoundRobin, &[3, 3, 1, 1]);
    let servers = states(&backend);
    let picks = names(build(&backend, &servers).as_ref(), &servers, 8);
    assert_eq!(picks, ["s1", "s2", "s1", "s2", "s3", "s1", "s2", "s4"]);
}

#[test]
fn static_rr_walks_the_interleaved_table() {
    let backend = backend(Balance::StaticRr, &[1, 2, 3, 4]);
    let servers = states(&backend);
    let picks = names(build(&backend, &servers).as_ref(), &servers, 10);
    assert_eq!(
        picks,
        ["s1", "s2", "s4", "s3", "s4", "s2", "s3", "s4", "s3", "s4"]
    );
}

#[test]
fn weight_0_drained_and_maintenance_servers_are_never_picked() {
    let backend = backend(Balance::RoundRobin, &[1, 0, 1, 1, 1]);
    let servers = states(&backend);
    servers[2].set_admin_state(AdminState::Drain);
    servers[3].set_admin_state(AdminState::Maint);
    let picks = names(build(&backend, &servers).as_ref(), &servers, 6);
    assert!(
        picks.iter().all(|name| name == "s1" || name == "s5"),
        "{picks:?}"
    );
}

#[test]
fn a_server_going_down_is_skipped_before_the_snapshot_is_rebuilt() {
    let backend = backend(Balance::RoundRobin, &[1, 1]);
    let servers = states(&backend);
    let balancer = build(&backend, &servers);
    servers[0].set_up(false);
    assert_eq!(names(balancer.as_ref(), &servers, 3), ["s2", "s2", "s2"]);
}

#[test]
fn no_usable_server_gives_none() {
    let backend = backend(Balance::LeastConn, &[1, 1]);
    let servers = states(&backend);
    servers.iter().for_each(|s| s.set_up(false));
    assert_eq!(
        names(build(&backend, &servers).as_ref(), &servers, 1),
        ["-"]
    );
}

fn with_backups(allbackups: bool) -> Vec<String> {
    let mut backend = backend(Balance::RoundRobin, &[1, 1, 1, 1]);
    backend.servers[2].backup = true;
    backend.servers[3].backup = true;
    backend.allbackups = allbackups;
    let servers = states(&backend);
    let before = names(build(&backend, &servers).as_ref(), &servers, 4);
    assert_eq!(
        before,
        ["s1", "s2", "s1", "s2"],
        "backups idle while actives are up"
    );
    servers[0].set_up(false);
    servers[1].set_admin_state(AdminState::Maint);
    names(build(&backend, &servers).as_ref(), &servers, 4)
}

#[test]
fn only_the_first_backup_takes_over_when_all_actives_are_down() {
    assert_eq!(with_backups(false), ["s3", "s3", "s3", "s3"]);
}

#[test]
fn allbackups_balances_over_every_backup() {
    assert_eq!(with_backups(true), ["s3", "s4", "s3", "s4"]);
}

#[test]
fn avoid_goes_to_another_server_unless_it_is_the_only_one() {
    let backend = backend(Balance::RoundRobin, &[1, 1]);
    let servers = states(&backend);
    let balancer = build(&backend, &servers);
    let headers = HeaderMap::new();
    let ctx = plain_request(&headers);
    for _ in 0..4 {
        assert_eq!(balancer.pick(&ctx, Some(ServerId(0))), Some(ServerId(1)));
    }
    servers[1].set_up(false);
    assert_eq!(balancer.pick(&ctx, Some(ServerId(0))), Some(ServerId(0)));
}

#[test]
fn full_servers_are_skipped_and_none_when_all_are_full() {
    let mut backend = backend(Balance::StaticRr, &[1, 1]);
    backend.servers.iter_mut().for_each(|s| s.maxconn = Some(1));
    let servers = states(&backend);
    let balancer = build(&backend, &servers);
    let _slot = servers[0].try_acquire().unwrap();
    assert_eq!(names(balancer.as_ref(), &servers, 3), ["s2", "s2", "s2"]);
    let _other = servers[1].try_acquire().unwrap();
    assert_eq!(names(balancer.as_ref(), &servers, 1), ["-"]);
}

#[test]
fn leastconn_ties_rotate_over_idle_servers() {
    let backend = backend(Balance::LeastConn, &[1, 1, 1]);
    let servers = states(&backend);
    let picks = names(build(&backend, &servers).as_ref(), &servers, 6);
    assert_eq!(picks, ["s1", "s2", "s3", "s1", "s2", "s3"]);
}

#[test]
fn leastconn_picks_the_fewest_requests_per_weight() {
    let backend = backend(Balance::LeastConn, &[1, 3]);
    let servers = states(&backend);
    let balancer = build(&backend, &servers);
    let _a = servers[0].try_acquire().unwrap();
    let _b = servers[1].try_acquire().unwrap();
    let _c = servers[1].try_acquire().unwrap();
    // s1: (1+1)/1 = 2 per weight; s2: (2+1)/3 = 1 per weight.
    assert_eq!(names(balancer.as_ref(), &servers, 2), ["s2", "s2"]);
}

#[test]
fn first_fills_the_lowest_id_until_it_is_full() {
    let mut backend = backend(Balance::First, &[1, 1, 1]);
    backend.servers.iter_mut().for_each(|s| s.maxconn = Some(2));
    backend.servers[0].id = 9;
    let servers = states(&backend);
    let balancer = build(&backend, &servers);
    let mut slots = Vec::new();
    let mut picks = Vec::new();
    for _ in 0..5 {
        let name = names(balancer.as_ref(), &servers, 1).remove(0);
        let index = servers.iter().position(|s| *s.name == *name).unwrap();
        slots.push(servers[index].try_acquire().unwrap());
        picks.push(name);
    }
    assert_eq!(picks, ["s2", "s2", "s3", "s3", "s1"]);
}

#[test]
fn random_2_sends_to_the_less_loaded_of_two_draws() {
    let backend = backend(Balance::Random { draws: 2 }, &[1, 1]);
    let servers = states(&backend);
    let balancer = build_seeded(&backend, &servers, 7);
    let _busy = servers[0].try_acquire().unwrap();
    let picks = names(balancer.as_ref(), &servers, 200);
    let counts = shares(&picks);
    // s1 wins only when both draws land on it: about a quarter of the picks.
    assert!((20..80).contains(&counts["s1"]), "{counts:?}");
}

#[test]
fn random_with_the_same_seed_repeats_its_choices() {
    let backend = backend(Balance::Random { draws: 1 }, &[1, 2, 3]);
    let servers = states(&backend);
    let first = names(build_seeded(&backend, &servers, 42).as_ref(), &servers, 50);
    let again = names(build_seeded(&backend, &servers, 42).as_ref(), &servers, 50);
    assert_eq!(first, again);
    assert_eq!(shares(&first).len(), 3, "every server is drawn: {first:?}");
}

#[test]
fn a_missing_header_falls_back_to_round_robin() {
    let backend = backend(
        Balance::Hdr {
            name: "x-user".into(),
        },
        &[1, 1, 1],
    );
    let servers = states(&backend);
    let picks = names(build(&backend, &servers).as_ref(), &servers, 3);
    assert_eq!(picks, ["s1", "s2", "s3"]);
}

#[test]
fn the_same_header_value_always_goes_to_the_same_server() {
    let mut backend = backend(
        Balance::Hdr {
            name: "x-user".into(),
        },
        &[1, 1, 1, 1],
    );
    backend.hash_type = HashType {
        method: HashMethod::Consistent,
        avalanche: true,
        ..HashType::default()
    };
    let servers = states(&backend);
    let balancer = build(&backend, &servers);
    let mut headers = HeaderMap::new();
    headers.insert("x-user", "alice".parse().unwrap());
    let ctx = plain_request(&headers);
    let chosen = balancer.pick(&ctx, None);
    assert!(chosen.is_some());
    assert!((0..10).all(|_| balancer.pick(&ctx, None) == chosen));
}

#[test]
fn source_without_a_client_address_falls_back_to_round_robin() {
    let backend = backend(Balance::Source, &[1, 1]);
    let servers = states(&backend);
    let picks = names(build(&backend, &servers).as_ref(), &servers, 4);
    assert_eq!(picks, ["s1", "s2", "s1", "s2"]);
}
