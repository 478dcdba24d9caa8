//! Property test of the kernels' cost model: for random kernel arguments (and a random
//! calibration), the analysis's work is the sum of the modelled durations of the parts.

use fanout::analysis::analyze;
use fanout::graph::kernel::{set_calibration, CalibrationSource, KernelCalibration, KernelWork};
use fanout::lang::parse_dag;
use proptest::prelude::*;

fn kernel_args() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..2_000_000, 0u64..3_000_000).prop_map(|(a, n)| format!("primes {a}..{}", a + n)),
        (1u32..300, 1u32..500).prop_map(|(s, i)| format!("mandelbrot {s} iter {i}")),
        (0u64..50_000_000).prop_map(|n| format!("hash {n}")),
        (0u64..2_000_000).prop_map(|n| format!("sort {n}")),
        Just("wordcount".to_string()),
        (0u64..10_000_000, any::<bool>())
            .prop_map(|(n, a)| format!("counter {n} {}", if a { "atomic" } else { "plain" })),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn analysis_work_is_the_sum_of_modelled_durations(
        kernels in prop::collection::vec((kernel_args(), 1u32..9), 1..5),
        factors in prop::collection::vec(0.1f64..20.0, 8),
    ) {
        let mut cal = KernelCalibration::DEFAULT;
        cal.source = CalibrationSource::Measured;
        for (class, f) in KernelCalibration::CLASSES.iter().zip(&factors) {
            cal.set(*class, *f);
        }
        set_calibration(cal);
        let mut src = String::new();
        let mut expected = 0u64;
        for (i, (args, parts)) in kernels.iter().enumerate() {
            src.push_str(&format!("k{i}[1..{parts}] : {args}\n"));
            let words: Vec<&str> = args.split_whitespace().collect();
            for p in 1..=*parts {
                let mut w = words[1..].to_vec();
                let part = format!("{p}/{parts}");
                if *parts > 1 {
                    w.extend(["part", part.as_str()]);
                }
                let k = KernelWork::parse(words[0], &w).unwrap();
                expected += k.modelled_us_with(&cal);
            }
        }
        let parsed = parse_dag(&src);
        let g = parsed.graph.unwrap_or_else(|| panic!("{src}: {:?}", parsed.diagnostics));
        let a = analyze(&g, 2);
        prop_assert_eq!(a.work_us, expected, "{}", src);
        prop_assert_eq!(a.kernel_calibration, Some(cal));
        // the span is the most expensive part (they are independent)
        let most = g.tasks.iter().map(|t| t.work.duration_us()).max().unwrap();
        prop_assert_eq!(a.span_us, most);
    }
}
