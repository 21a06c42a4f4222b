//! `Balancer::pick` allocates nothing, for every algorithm and backend size: the data path may
//! call it for every request. `allocation-counter` installs a global allocator in this test
//! binary that counts the allocations made on the measuring thread only.

use switchyard_tests::balancers::PickBench;
use switchyard_tests::generate::BALANCE_ALGORITHMS;

/// Picks measured per algorithm and size: enough to wrap every round-robin cycle of 4 servers
/// and to pass the lazily built parts of a first pick, if there were any.
const PICKS: usize = 2_000;

#[test]
fn every_balancer_picks_without_allocating() {
    let mut allocating = Vec::new();
    for &(name, balance, hash_type) in BALANCE_ALGORITHMS {
        for (servers, busy) in [(4, 0), (64, 0), (1024, 0), (64, 2)] {
            let bench = PickBench::new(balance, hash_type, servers).busy(busy);
            let mut picked = 0;
            let info = allocation_counter::measure(|| {
                for _ in 0..PICKS {
                    picked += usize::from(bench.pick().is_some());
                }
            });
            assert_eq!(
                picked, PICKS,
                "{name} over {servers} servers missed a server"
            );
            if info.count_total != 0 {
                allocating.push(format!(
                    "{name} over {servers} servers with {busy} requests each: {} allocations \
                     in {PICKS} picks",
                    info.count_total
                ));
            }
        }
    }
    assert!(allocating.is_empty(), "{allocating:#?}");
}

#[test]
fn the_counter_sees_an_allocation_when_there_is_one() {
    let info = allocation_counter::measure(|| {
        std::hint::black_box(vec![1u8; 16]);
    });
    assert_eq!(info.count_total, 1);
}
