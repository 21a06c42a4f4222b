//! `Balancer::pick` for every algorithm over 4, 64 and 1024 servers: the time the data path
//! spends choosing a server for one request (HAProxy: `assign_server()`).
//!
//! Run with `cargo bench --bench pick`. Servers are idle and all usable (the common case), and
//! for the load-comparing algorithms also all busy (their worst case). The zero-allocation
//! guarantee is checked by `tests/pick_allocations.rs`.

// criterion's macros write undocumented functions.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;
use switchyard_tests::balancers::PickBench;
use switchyard_tests::generate::BALANCE_ALGORITHMS;

const SERVER_COUNTS: [usize; 3] = [4, 64, 1024];

/// One benchmark group `pick/<name>` with a run per server count.
fn bench_sizes(c: &mut Criterion, name: &str, make: impl Fn(usize) -> PickBench) {
    let mut group = c.benchmark_group(format!("pick/{name}"));
    for servers in SERVER_COUNTS {
        let bench = make(servers);
        group.bench_with_input(BenchmarkId::from_parameter(servers), &bench, |b, bench| {
            b.iter(|| black_box(bench.pick()))
        });
    }
    group.finish();
}

fn pick(c: &mut Criterion) {
    for &(name, balance, hash_type) in BALANCE_ALGORITHMS {
        bench_sizes(c, name, |servers| {
            PickBench::new(balance, hash_type, servers)
        });
    }
    // The algorithms that compare loads, when no server is idle (no scan can stop early).
    for name in ["leastconn", "random"] {
        bench_sizes(c, &format!("{name}-all-busy"), |servers| {
            PickBench::new(name, None, servers).busy(2)
        });
    }
}

criterion_group!(benches, pick);
criterion_main!(benches);
