//! Loading a 1,000-server configuration with `config::load_str`: lexing, sections and
//! validation into the model (HAProxy: `readcfgfile()` plus `check_config_validity()`).
//!
//! Run with `cargo bench --bench config_parse`. This is the cost of a start or a reload.

// criterion's macros write undocumented functions; a bench stops at the first surprise.
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use switchyard_core::config::load_str;
use switchyard_tests::generate::large_config;

fn config_parse(c: &mut Criterion) {
    let text = large_config(1000);
    let servers: usize = load_str("bench.cfg", &text)
        .unwrap()
        .config
        .backends
        .iter()
        .map(|b| b.servers.len())
        .sum();
    assert_eq!(
        servers, 1000,
        "the generated configuration has 1,000 servers"
    );
    let mut group = c.benchmark_group("config");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("load_str/1000_servers", |b| {
        b.iter(|| black_box(load_str("bench.cfg", black_box(&text)).is_ok()))
    });
    group.finish();
}

criterion_group!(benches, config_parse);
criterion_main!(benches);
