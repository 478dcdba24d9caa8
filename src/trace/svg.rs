//! A Gantt chart of a run as a standalone SVG document: one lane per worker, one bar per
//! attempt, a time axis. It is the static picture an embed shows before its engine starts
//! (and on a page without scripts), so it must be true: bars are exactly the attempts of the
//! given run, at their times, on their workers.
//!
//! Guarantees: the output is well-formed SVG with a `viewBox` (it scales to any width); every
//! piece of text from the graph (task ids) is XML-escaped, so ids with markup in them show as
//! text; colours are presentation attributes (no `style` attributes, no scripts), each element
//! also carries a class (`fo-lane`, `fo-bar fo-<status>`, `fo-axis`, `fo-label`) that a page's
//! stylesheet may override (for a dark theme); at most [`MAX_BARS`] bars are drawn.

use super::{RunResult, Status};
use std::fmt::Write;

/// Bars drawn at most; a run with more attempts says so under the axis.
pub const MAX_BARS: usize = 5000;

const LEFT: f64 = 64.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 8.0;
const LANE_H: f64 = 24.0;
const AXIS_H: f64 = 28.0;

/// Escapes `&`, `<`, `>`, `"` and `'` for XML text and attribute values; drops characters
/// XML 1.0 does not allow (control characters other than tab, newline and return).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn fill(status: Status) -> (&'static str, &'static str, &'static str) {
    // (class, fill, text colour): the playground's state colours (www/app/states.js).
    match status {
        Status::Ok => ("ok", "#1a7f5f", "#ffffff"),
        Status::Failed => ("failed", "#b3261e", "#ffffff"),
        Status::Timeout => ("timeout", "#e07b1a", "#1d1f24"),
        Status::Cancelled => ("cancelled", "#6b5fa5", "#ffffff"),
        Status::Skipped => ("skipped", "#9aa0ab", "#1d1f24"),
        Status::Rejected => ("rejected", "#7a3e9d", "#ffffff"),
    }
}

/// A round tick step (1, 2 or 5 × 10^k) giving at most `max_ticks` ticks over `span`.
fn tick_step(span: f64, max_ticks: usize) -> f64 {
    if span <= 0.0 || !span.is_finite() {
        return 1.0;
    }
    let raw = span / max_ticks.max(1) as f64;
    let pow = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * pow >= raw {
            return m * pow;
        }
    }
    10.0 * pow
}

fn fmt_ms(ms: f64) -> String {
    if ms >= 1000.0 {
        let s = ms / 1000.0;
        if (s - s.round()).abs() < 1e-9 {
            format!("{s:.0} s")
        } else {
            format!("{s:.1} s")
        }
    } else if (ms - ms.round()).abs() < 1e-9 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// Renders `run` as an SVG document `width` user units wide (at least 200); `title` is
/// the accessible name (escaped). Lanes: `run.workers` (at least one).
pub fn render(run: &RunResult, width: f64, title: &str) -> String {
    let width = if width.is_finite() {
        width.max(200.0)
    } else {
        640.0
    };
    let lanes = run.workers.clamp(1, 256);
    let plot_w = width - LEFT - RIGHT;
    let height = TOP + lanes as f64 * LANE_H + AXIS_H;
    let span = if run.makespan_ms.is_finite() && run.makespan_ms > 0.0 {
        run.makespan_ms
    } else {
        1.0
    };
    let x = |t: f64| LEFT + (t.clamp(0.0, span) / span) * plot_w;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="fo-gantt" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{t}" font-family="system-ui, sans-serif" font-size="11"><title>{t}</title>"#,
        t = escape(title)
    );
    for w in 0..lanes {
        let y = TOP + w as f64 * LANE_H;
        let _ = write!(
            out,
            r##"<rect class="fo-lane" x="{LEFT}" y="{y}" width="{plot_w}" height="{LANE_H}" fill="{}"/><text class="fo-label" x="{lx}" y="{ty}" text-anchor="end" dominant-baseline="middle" fill="#4d5361">worker {w}</text>"##,
            if w % 2 == 1 { "#f6f7fa" } else { "#eef0f5" },
            lx = LEFT - 6.0,
            ty = y + LANE_H / 2.0,
        );
    }
    let mut drawn = 0usize;
    let mut total = 0usize;
    for t in &run.tasks {
        for a in &t.attempts {
            total += 1;
            if drawn >= MAX_BARS || a.worker >= lanes {
                continue;
            }
            drawn += 1;
            let (class, bar, ink) = fill(a.status);
            let (x0, x1) = (x(a.start_ms), x(a.end_ms));
            let w = (x1 - x0).max(1.0);
            let y = TOP + a.worker as f64 * LANE_H + 3.0;
            let id = escape(&t.id);
            let _ = write!(
                out,
                r#"<g class="fo-bar fo-{class}"><title>{id}: worker {wk}, {s} → {e} ({class})</title><rect x="{x0:.2}" y="{y}" width="{w:.2}" height="{h}" rx="3" fill="{bar}"/>"#,
                wk = a.worker,
                s = fmt_ms(a.start_ms),
                e = fmt_ms(a.end_ms),
                h = LANE_H - 6.0,
            );
            // The id inside the bar when it fits (about 6.5 units per character).
            if w >= 6.5 * t.id.chars().count() as f64 + 8.0 {
                let _ = write!(
                    out,
                    r#"<text x="{tx:.2}" y="{ty}" dominant-baseline="middle" fill="{ink}">{id}</text>"#,
                    tx = x0 + 4.0,
                    ty = y + (LANE_H - 6.0) / 2.0,
                );
            }
            out.push_str("</g>");
        }
    }
    // The time axis.
    let axis_y = TOP + lanes as f64 * LANE_H;
    let _ = write!(
        out,
        r##"<line class="fo-axis" x1="{LEFT}" y1="{axis_y}" x2="{x2}" y2="{axis_y}" stroke="#9298a6"/>"##,
        x2 = LEFT + plot_w
    );
    let step = tick_step(span, ((plot_w / 90.0) as usize).max(2));
    let mut tick = 0.0;
    while tick <= span + step * 1e-9 {
        let tx = x(tick);
        let _ = write!(
            out,
            r##"<line class="fo-axis" x1="{tx:.2}" y1="{axis_y}" x2="{tx:.2}" y2="{y2}" stroke="#9298a6"/><text class="fo-label" x="{tx:.2}" y="{ly}" text-anchor="middle" fill="#4d5361">{l}</text>"##,
            y2 = axis_y + 4.0,
            ly = axis_y + 16.0,
            l = fmt_ms(tick),
        );
        tick += step;
    }
    if drawn < total {
        let _ = write!(
            out,
            r##"<text class="fo-label" x="{width}" y="{ly}" text-anchor="end" fill="#4d5361">{drawn} of {total} attempts drawn</text>"##,
            ly = height - 2.0
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{Attempt, TaskRecord};

    fn run_of(tasks: Vec<(&str, usize, f64, f64)>) -> RunResult {
        RunResult {
            mode: "simulated".into(),
            workers: 2,
            makespan_ms: tasks.iter().map(|t| t.3).fold(0.0, f64::max),
            sequential_ms: 0.0,
            policy: String::new(),
            seed: 0,
            lower_bound_ms: 0.0,
            work_ms: 0.0,
            span_ms: 0.0,
            result: Default::default(),
            tasks: tasks
                .into_iter()
                .map(|(id, worker, start_ms, end_ms)| TaskRecord {
                    id: id.into(),
                    worker,
                    start_ms,
                    end_ms,
                    status: Status::Ok,
                    ready_ms: None,
                    unblocked_ms: None,
                    attempts: vec![Attempt {
                        worker,
                        start_ms,
                        end_ms,
                        duration_ms: end_ms - start_ms,
                        status: Status::Ok,
                        reason: None,
                    }],
                    value: None,
                })
                .collect(),
            metrics: None,
            counter: None,
            cpu_share: None,
            kernel_share: None,
            steals: None,
            batches: None,
            pool: None,
            breakers: Vec::new(),
            deadlocks: Vec::new(),
            groups: Vec::new(),
            kernel_calibration: None,
            dispatch_ms: None,
        }
    }

    #[test]
    fn one_bar_per_attempt_at_its_time() {
        let svg = render(
            &run_of(vec![("a", 0, 0.0, 50.0), ("b", 1, 0.0, 100.0)]),
            476.0,
            "t",
        );
        assert_eq!(svg.matches("<g class=\"fo-bar fo-ok\">").count(), 2);
        // plot width 400: a ends at x = 64 + 200.
        assert!(
            svg.contains(r#"<rect x="64.00" y="11" width="200.00""#),
            "{svg}"
        );
        assert!(svg.contains(">worker 1<"));
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
    }

    #[test]
    fn ids_are_escaped() {
        let svg = render(
            &run_of(vec![("<img src=x onerror=alert(1)>", 0, 0.0, 500.0)]),
            640.0,
            "<b>",
        );
        assert!(!svg.contains("<img"));
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("&lt;img src=x onerror=alert(1)&gt;"));
    }

    #[test]
    fn empty_and_odd_runs_do_not_panic() {
        let mut r = run_of(vec![]);
        r.workers = 0;
        r.makespan_ms = f64::NAN;
        let svg = render(&r, f64::INFINITY, "");
        assert!(svg.contains("worker 0"));
        let mut r = run_of(vec![("a", 7, 0.0, 1.0)]); // a worker beyond the lanes
        r.workers = 1;
        assert!(!render(&r, 100.0, "").contains("fo-bar"));
    }
}
