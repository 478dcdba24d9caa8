//! The one time base shared by every worker: `performance.timeOrigin + performance.now()`.

use wasm_bindgen::JsCast;
use web_sys::Performance;

thread_local! {
    static PERFORMANCE: Performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .expect("this global scope has no `performance`")
        .unchecked_into();
}

/// Milliseconds since the Unix epoch, with sub-millisecond resolution, comparable across
/// the page and all of its workers (each has its own `timeOrigin`, which this adds back).
pub fn now_abs_ms() -> f64 {
    PERFORMANCE.with(|p| p.time_origin() + p.now())
}
