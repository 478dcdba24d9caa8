//! The fuzz targets' committed seed corpus (fuzz/corpus/<target>/) runs through the same
//! checks as the targets themselves (fuzz/fuzz_targets/common.rs), under plain `cargo test`:
//! the cheap part of fuzzing that belongs in `npm test`.

include!("../fuzz/fuzz_targets/common.rs");

use fanout::lang::Format;

#[test]
fn every_seed_of_every_target_passes_the_fuzz_checks() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let targets = [
        ("parse_dag", Format::Dag),
        ("parse_json", Format::Json),
        ("parse_stg", Format::Stg),
        ("parse_dot", Format::Dot),
    ];
    for (target, format) in targets {
        let dir = root.join(target);
        let mut seeds: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        seeds.sort();
        assert!(seeds.len() >= 3, "{target}: {} seeds", seeds.len());
        let mut graphs = 0;
        for seed in &seeds {
            let data = std::fs::read(seed).unwrap();
            exercise_bytes(&data, format);
            graphs += usize::from(!fanout::lang::parse_bytes(&data, format).has_errors());
        }
        // Each corpus holds both valid graphs (to reach the round trips) and broken ones.
        assert!(
            graphs >= 1 && graphs < seeds.len(),
            "{target}: {graphs} of {} parse",
            seeds.len()
        );
    }
}
