//! `fanout run FILE`: runs the graph for real on OS threads with the same scheduler as the
//! browser, and prints a summary or the RunResult JSON.

use super::input::{load_graph, FormatOpt};
use super::{emit, FAILED};
use fanout::exec::native::run_native;

/// Run a graph for real on OS threads
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Run a graph for real: every task does its work (cpu tasks spin a core, io \
tasks sleep, kernels compute their value) on a pool of OS threads, scheduled by the same core \
as the browser's Web Workers. Prints a summary, or the RunResult as JSON.",
    after_help = "Examples:\n  fanout run pipeline.dag\n  fanout run pipeline.dag --workers 2 \
--json\n\nExit status: 0 ok, 1 the graph has errors or the run failed, 2 usage or I/O error."
)]
pub struct Args {
    /// The graph file (`-` reads standard input)
    #[arg(value_name = "FILE")]
    file: String,
    #[command(flatten)]
    format: FormatOpt,
    /// Number of worker threads [default: the number of cores]
    #[arg(long, short = 'w', value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    workers: Option<u16>,
    /// Print the RunResult as JSON instead of a summary
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> u8 {
    let (name, graph) = match load_graph(&a.file, a.format) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let workers = a.workers.map(usize::from).unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    match run_native(graph, workers) {
        Ok(r) if a.json => emit(&(serde_json::to_string_pretty(&r).unwrap_or_default() + "\n")),
        Ok(r) => {
            let mut text = format!(
                "ran {} tasks on {} workers (native threads): makespan {:.1} ms, {:.1} ms of work, speedup {:.2}x\n",
                r.tasks.len(),
                r.workers,
                r.makespan_ms,
                r.sequential_ms,
                if r.makespan_ms > 0.0 { r.sequential_ms / r.makespan_ms } else { 0.0 }
            );
            if let Some(s) = &r.cpu_share {
                text += &share_sentence(s);
                text.push('\n');
            }
            if let Some(s) = &r.kernel_share {
                text += &kernel_share_sentence(s);
                text.push('\n');
            }
            if let Some(m) = &r.metrics {
                text += &format!(
                    "  work and speedup are modelled{}; measured: {:.1} ms of work, speedup {:.2}x\n",
                    if r.kernel_calibration.is_some() {
                        " (kernels calibrated on this machine before the run)"
                    } else {
                        ""
                    },
                    m.measured_work_ms,
                    m.measured_speedup
                );
            }
            emit(&text)
        }
        Err(e) => {
            eprintln!("{name}: error: the run failed: {e}");
            FAILED
        }
    }
}

/// "the workers got N % of the time they asked for", with the thread CPU clock's figure
/// where there is one, and a word on what a low share means.
fn share_sentence(s: &fanout::metrics::CpuShare) -> String {
    let pct = |x: f64| (x * 100.0).round().min(100.0);
    let mut out = format!(
        "the workers got {}% of the time they asked for ({:.1} ms of calibrated work took {:.1} ms",
        pct(s.share),
        s.asked_ms,
        s.took_ms
    );
    if let Some(cpu) = s.cpu_ms {
        out += &format!(
            "; the thread CPU clock counted {cpu:.1} ms, {}%",
            pct(cpu / s.took_ms.max(1e-9))
        );
    }
    out.push(')');
    if s.share < 0.9 {
        out += ": something else on this machine had their cores for the rest";
    }
    out
}

/// "the kernel tasks ran at N % of their modelled speed", and, below the model's error
/// ([`fanout::metrics::KERNEL_SHARE_MACHINE_BELOW`]), that the machine made them slow; above
/// it ([`fanout::metrics::KERNEL_SHARE_FAST_ABOVE`]), that their calibration priced them slow.
fn kernel_share_sentence(s: &fanout::metrics::CpuShare) -> String {
    let mut out = format!(
        "the kernel tasks ran at {}% of their modelled speed ({:.1} ms modelled took {:.1} ms)",
        (s.share * 100.0).round(),
        s.asked_ms,
        s.took_ms
    );
    if s.share < fanout::metrics::KERNEL_SHARE_MACHINE_BELOW {
        out += ": more than the model's error, so this machine gave them less speed than when it calibrated them (other load on it, or a lower clock)";
    } else if s.share > fanout::metrics::KERNEL_SHARE_FAST_ABOVE {
        out += ": faster than the model's error allows, so the calibration priced them slower than they ran (the machine was busier, or at a lower clock, when it calibrated them)";
    }
    out
}

#[cfg(test)]
mod tests {
    use super::kernel_share_sentence;
    use fanout::metrics::CpuShare;

    fn share(share: f64) -> String {
        kernel_share_sentence(&CpuShare {
            share,
            asked_ms: 4.0 * share,
            took_ms: 4.0,
            attempts: 8,
            workers: vec![],
            least: None,
            cpu_ms: None,
        })
    }

    #[test]
    fn kernel_share_names_the_side_of_the_model_error_it_is_on() {
        assert!(share(0.7)
            .contains("more than the model's error, so this machine gave them less speed"));
        assert!(share(1.5).contains(
            "faster than the model's error allows, so the calibration priced them slower"
        ));
        let within = share(1.0);
        assert!(within.starts_with("the kernel tasks ran at 100% of their modelled speed"));
        assert!(!within.contains("error"), "{within}");
    }
}
