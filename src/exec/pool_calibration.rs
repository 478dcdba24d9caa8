//! Calibrating the kernels where their tasks run: on a run pool's own workers.
//!
//! The page measures a calibration in its engine's instance before any pool starts
//! (`crate::work::kernels::calibrate_kernels`): each class's sample, repeated back to back
//! inside one call. A task runs differently: one call, dispatched to a pool worker that had
//! been waiting. On the project's 2-core VM the same sample run as a task took 10-20 % longer
//! than the calibration priced it, in both wasm builds (`npm run bench` times each kernel
//! beside its sample). So once its pool is warm, a run engine runs the samples as tasks
//! ([`pool_calibration_text`]) and prices kernels from what they took there
//! ([`calibration_from_runs`]): the speed the runs' tasks will get, measured the way they
//! are measured.

use crate::graph::kernel::{CalibrationSource, KernelCalibration};
use crate::graph::{Graph, Work};
use crate::trace::{Status, TaskRecord};
use crate::work::kernels::CALIBRATION_SAMPLES;

/// Samples that take less than this (ms, median) keep the base calibration's figure: the
/// clock is coarsened to 0.1 ms in a page that is not cross-origin isolated, and `wordcount`
/// takes about 0.01 ms.
pub const MIN_SAMPLE_MS: f64 = 0.5;

/// The graph a pool calibrates on: each class's calibration sample once, in a chain, so one
/// runs at a time with the machine's other cores idle (the calibration is "on one idle
/// core", as the model's units are). Task `cal{i}` is sample `i` of [`CALIBRATION_SAMPLES`].
pub fn pool_calibration_text() -> String {
    let mut text = String::new();
    for (i, (_, name, args)) in CALIBRATION_SAMPLES.iter().enumerate() {
        text += &format!("cal{i} : {name} {args}");
        if i > 0 {
            text += &format!(" after cal{}", i - 1);
        }
        text.push('\n');
    }
    text
}

/// The calibration that `runs` measured: records (in graph order) of runs of `graph`, the
/// graph of [`pool_calibration_text`]. Each class's figure is the median, over the runs but
/// the first (a fresh pool's first calls may still run in V8's baseline tier), of its ok
/// attempts' measured duration per cost unit. A class with no such attempt, or whose median
/// sample took less than [`MIN_SAMPLE_MS`], keeps `base`'s figure. The result's source is
/// [`CalibrationSource::Pool`] and its setting `base`'s.
pub fn calibration_from_runs(
    graph: &Graph,
    runs: &[Vec<TaskRecord>],
    base: KernelCalibration,
) -> KernelCalibration {
    let mut cal = base;
    cal.source = CalibrationSource::Pool;
    for (i, task) in graph.tasks.iter().enumerate() {
        let Work::Kernel(k) = &task.work else {
            continue;
        };
        let units = k.cost_units();
        if units <= 0.0 {
            continue;
        }
        let mut took: Vec<f64> = runs
            .iter()
            .skip(usize::from(runs.len() > 1))
            .filter_map(|tasks| tasks.get(i))
            .flat_map(|rec| rec.attempts.iter())
            .filter(|a| a.status == Status::Ok)
            .map(|a| a.duration_ms)
            .filter(|ms| ms.is_finite() && *ms >= 0.0)
            .collect();
        if took.is_empty() {
            continue;
        }
        took.sort_by(f64::total_cmp);
        let median = took[took.len() / 2];
        if median < MIN_SAMPLE_MS {
            continue;
        }
        cal.set(k.cost_class(), median * 1e6 / units);
    }
    cal
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::kernel::CostClass;
    use crate::lang::parse_dag;
    use crate::trace::Attempt;

    fn records(graph: &Graph, ms: impl Fn(usize) -> f64) -> Vec<TaskRecord> {
        graph
            .tasks
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let a = Attempt {
                    worker: 0,
                    start_ms: 0.0,
                    end_ms: ms(i),
                    duration_ms: ms(i),
                    status: Status::Ok,
                    reason: None,
                };
                TaskRecord {
                    id: t.id.clone(),
                    worker: 0,
                    start_ms: 0.0,
                    end_ms: ms(i),
                    status: Status::Ok,
                    ready_ms: None,
                    unblocked_ms: None,
                    attempts: vec![a],
                    value: None,
                }
            })
            .collect()
    }

    #[test]
    fn the_text_is_every_sample_in_a_chain() {
        let g = parse_dag(&pool_calibration_text()).graph.unwrap();
        assert_eq!(g.tasks.len(), CALIBRATION_SAMPLES.len());
        for (i, (t, (class, ..))) in g.tasks.iter().zip(CALIBRATION_SAMPLES).enumerate() {
            let Work::Kernel(k) = &t.work else {
                panic!("{} is a kernel", t.id);
            };
            assert_eq!(k.cost_class(), class);
            assert_eq!(t.deps.len(), usize::from(i > 0), "one at a time");
        }
    }

    #[test]
    fn each_class_is_the_median_of_the_runs_after_the_first() {
        let g = parse_dag(&pool_calibration_text()).graph.unwrap();
        let units: Vec<f64> = g
            .tasks
            .iter()
            .map(|t| match &t.work {
                Work::Kernel(k) => k.cost_units(),
                _ => 0.0,
            })
            .collect();
        // Run r takes (r + 1) ns per unit for every sample; the first run (a cold pool) is
        // far slower and left out, so the median of runs 1..=3 is run 2's: 3 ns per unit.
        let runs: Vec<Vec<TaskRecord>> = (0..4)
            .map(|r| {
                let per_unit = if r == 0 { 50.0 } else { (r + 1) as f64 };
                records(&g, |i| units[i] * per_unit / 1e6)
            })
            .collect();
        let base = KernelCalibration::DEFAULT;
        let cal = calibration_from_runs(&g, &runs, base);
        assert_eq!(cal.source, CalibrationSource::Pool);
        assert_eq!(cal.setting, base.setting);
        for (class, ..) in CALIBRATION_SAMPLES {
            let ms = units[CALIBRATION_SAMPLES
                .iter()
                .position(|(c, ..)| *c == class)
                .unwrap()]
                * 3.0
                / 1e6;
            if ms >= MIN_SAMPLE_MS {
                assert!(
                    (cal.ns_per_unit(class) - 3.0).abs() < 1e-9,
                    "{class:?}: {}",
                    cal.ns_per_unit(class)
                );
            } else {
                assert_eq!(
                    cal.ns_per_unit(class),
                    base.ns_per_unit(class),
                    "{class:?} is too short to time"
                );
            }
        }
        assert_eq!(
            cal.ns_per_unit(CostClass::Panic),
            base.ns_per_unit(CostClass::Panic)
        );
        // wordcount's sample takes far below the clock's resolution: it keeps the base's.
        assert_eq!(
            cal.ns_per_unit(CostClass::Wordcount),
            base.ns_per_unit(CostClass::Wordcount)
        );
    }

    #[test]
    fn failed_attempts_and_missing_runs_keep_the_base() {
        let g = parse_dag(&pool_calibration_text()).graph.unwrap();
        let mut run = records(&g, |_| 5.0);
        for r in &mut run {
            r.attempts[0].status = Status::Failed;
        }
        let base = KernelCalibration::DEFAULT;
        let cal = calibration_from_runs(&g, &[run.clone(), run], base);
        assert_eq!(
            cal.ns_per_unit(CostClass::Primes),
            base.ns_per_unit(CostClass::Primes)
        );
        let cal = calibration_from_runs(&g, &[], base);
        assert_eq!(
            cal.ns_per_unit(CostClass::Sort),
            base.ns_per_unit(CostClass::Sort)
        );
    }
}
