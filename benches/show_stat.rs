//! `show stat` for 1,000 servers: the CSV (and JSON) text the stats socket and the stats page
//! serve (HAProxy: `stats_dump_stat_to_buffer()`), rendered from the live counters.
//!
//! Run with `cargo bench --bench show_stat`. Monitoring scrapes this every few seconds, so it
//! must stay cheap next to the data path sharing the CPU.

// criterion's macros write undocumented functions; a bench stops at the first surprise.
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use switchyard_core::config::load_str;
use switchyard_core::runtime::Runtime;
use switchyard_core::stats::{show_stat, StatFilter, StatFormat};
use switchyard_tests::generate::large_config;

fn render(c: &mut Criterion) {
    let config = load_str("bench.cfg", &large_config(1000)).unwrap().config;
    let runtime = Runtime::from_model(&config).unwrap();
    let filter = StatFilter::default();
    let csv = show_stat(&runtime, &filter, StatFormat::Csv);
    // One header line, the frontend, ten backends and their 1,000 servers.
    assert_eq!(csv.lines().count(), 1 + 1 + 10 + 1000);
    let mut group = c.benchmark_group("show_stat");
    for (name, format) in [("csv", StatFormat::Csv), ("json", StatFormat::Json)] {
        group.bench_function(format!("{name}/1000_servers"), |b| {
            b.iter(|| black_box(show_stat(&runtime, &filter, format)))
        });
    }
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
