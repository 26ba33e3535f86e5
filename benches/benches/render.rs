//! `cargo bench -p platform-benches`: platform-core's checks, the full render and the reports of the unit tests' platform.

use criterion::{criterion_group, criterion_main, Criterion};

use platform_core::check_platform;
use platform_core::render::{render, RenderOptions};
use platform_core::report::{cost, graph};
use std::hint::black_box;

// The unit tests' own platform (its `crate::model` and `crate::schema` paths resolve through these re-exports).
mod model {
    pub use platform_core::model::*;
}
mod schema {
    pub use platform_core::schema::*;
}
#[path = "../../platform-core/src/fixture.rs"]
mod fixture;

fn benches(c: &mut Criterion) {
    let platform = fixture::platform();
    let options = RenderOptions { environment_suffix: "bench".into(), account_id: Some("111122223333".into()) };
    c.bench_function("check_platform", |b| b.iter(|| check_platform(black_box(&platform), "2026-11-25").is_ok()));
    c.bench_function("render (checks + every artifact, serialized)", |b| {
        b.iter(|| {
            let checked = check_platform(black_box(&platform), "2026-11-25").expect("valid");
            render(&checked, &options).expect("renders")
        })
    });
    let checked = check_platform(&platform, "2026-11-25").expect("valid");
    c.bench_function("graph (mermaid)", |b| b.iter(|| graph::mermaid(&graph::topology(black_box(&checked)))));
    c.bench_function("cost estimate", |b| b.iter(|| cost::estimate(black_box(&checked), "2026-11-25").unwrap()));
}

criterion_group!(render_benches, benches);
criterion_main!(render_benches);
