//! Property tests: weights, usability and the consistent ring's stability hold for any input.

use super::consistent::Ring;
use super::group::Group;
use super::roundrobin::steady_cycle;
use super::test_support::{backend, names, states};
use super::{build_seeded, PickCtx};
use crate::model::{Balance, HashMethod, HashType, UriHashOptions};
use crate::runtime::AdminState;
use http::HeaderMap;
use proptest::prelude::*;

fn any_balance() -> impl Strategy<Value = Balance> {
    prop_oneof![
        Just(Balance::RoundRobin),
        Just(Balance::StaticRr),
        Just(Balance::LeastConn),
        Just(Balance::First),
        Just(Balance::Source),
        Just(Balance::Uri(UriHashOptions::default())),
        Just(Balance::UrlParam { name: "id".into() }),
        Just(Balance::Hdr {
            name: "host".into()
        }),
        (1u32..4).prop_map(|draws| Balance::Random { draws }),
    ]
}

proptest! {
    #[test]
    fn roundrobin_cycle_gives_each_server_exactly_its_weight(
        weights in prop::collection::vec(0u32..=64, 1..7)
    ) {
        let cycle = steady_cycle(&weights);
        for (index, &weight) in weights.iter().enumerate() {
            let count = cycle.iter().filter(|&&slot| slot as usize == index).count();
            prop_assert_eq!(count, weight as usize, "server {} in {:?}", index, cycle);
        }
    }

    #[test]
    fn roundrobin_picks_repeat_the_cycle(weights in prop::collection::vec(1u32..=20, 1..6)) {
        let backend = backend(Balance::RoundRobin, &weights);
        let servers = states(&backend);
        let period: u32 = weights.iter().sum();
        let picks = names(build_seeded(&backend, &servers, 0).as_ref(), &servers, 3 * period as usize);
        let (first, rest) = picks.split_at(period as usize);
        prop_assert_eq!(first, &rest[..period as usize]);
        prop_assert_eq!(first, &rest[period as usize..]);
    }

    #[test]
    fn no_algorithm_picks_an_unusable_server(
        balance in any_balance(),
        weights in prop::collection::vec(0u32..=8, 1..7),
        down in prop::collection::vec(any::<bool>(), 7),
        consistent in any::<bool>(),
        key in "[a-z0-9/]{0,12}",
    ) {
        let mut backend = backend(balance, &weights);
        if consistent {
            backend.hash_type = HashType { method: HashMethod::Consistent, avalanche: true, ..HashType::default() };
        }
        let servers = states(&backend);
        for (server, &is_down) in servers.iter().zip(&down) {
            if is_down {
                server.set_admin_state(AdminState::Maint);
            }
        }
        let balancer = build_seeded(&backend, &servers, 1);
        let mut headers = HeaderMap::new();
        headers.insert("host", key.parse().unwrap());
        let uri = format!("/{key}?id={key}");
        let ctx = PickCtx { client_ip: Some([10, 0, 0, key.len() as u8].into()), uri: &uri, headers: &headers };
        let any_usable = servers.iter().any(|s| s.is_usable());
        for _ in 0..20 {
            match balancer.pick(&ctx, None) {
                Some(id) => prop_assert!(servers[id.index()].is_usable(), "picked {:?}", id),
                None => prop_assert!(!any_usable),
            }
        }
    }

    #[test]
    fn map_based_hashing_picks_only_usable_servers(
        weights in prop::collection::vec(0u32..=8, 1..7),
        maint in 0usize..7,
        uris in prop::collection::vec("/[a-z]{0,10}", 1..30),
    ) {
        let backend = backend(Balance::Uri(UriHashOptions::default()), &weights);
        let servers = states(&backend);
        if let Some(server) = servers.get(maint) {
            server.set_admin_state(AdminState::Maint);
        }
        let balancer = build_seeded(&backend, &servers, 1);
        let headers = HeaderMap::new();
        for uri in &uris {
            let ctx = PickCtx { client_ip: None, uri, headers: &headers };
            if let Some(id) = balancer.pick(&ctx, None) {
                prop_assert!(servers[id.index()].is_usable());
            }
        }
    }

    #[test]
    fn consistent_ring_moves_only_removed_servers_keys(
        weights in prop::collection::vec(1u32..=8, 2..6),
        removed in 0usize..6,
        keys in prop::collection::vec(any::<u32>(), 1..200),
    ) {
        let removed = removed % weights.len();
        let backend = backend(Balance::Source, &weights);
        let servers = states(&backend);
        let owner = |ring: &Ring, group: &Group, key: u32| {
            let slot = ring.slots()[ring.nearest(key)] as usize;
            group.members()[slot].id
        };
        let all = Group::select(&backend, &servers);
        let before = Ring::build(&all);
        servers[removed].set_admin_state(AdminState::Maint);
        let rest = Group::select(&backend, &servers);
        let after = Ring::build(&rest);
        for key in keys {
            let was = owner(&before, &all, key);
            let now = owner(&after, &rest, key);
            if was.index() != removed {
                prop_assert_eq!(was, now, "key {} moved", key);
            } else {
                prop_assert_ne!(now.index(), removed);
            }
        }
    }
}
