//! The wasm layer of the threaded build: a rayon pool on wasm threads sharing one memory,
//! in headless Chromium (the test server sends the cross-origin isolation headers).
//! Built with the threads recipe of scripts/build-wasm.mjs; run by `npm test`.
#![cfg(all(target_arch = "wasm32", feature = "threads"))]

use fanout::wasm::{build_info, run_threads, start_thread_pool};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &key.into()).unwrap_or_else(|_| panic!("no `{key}` in {v:?}"))
}

#[wasm_bindgen_test]
async fn independent_tasks_run_in_parallel_on_two_threads() {
    assert_eq!(get(&build_info(), "threads"), JsValue::TRUE);
    // Measured before the pool starts, as the engine does: the pool's new threads compiling
    // the module beside a measurement would make `cpu 30ms` mean far less work.
    assert!(fanout::wasm::calibrate_cpu() > 0.0);
    assert_eq!(start_thread_pool(2).await.unwrap(), 2);
    let text = (1..=6)
        .map(|i| format!("t{i} : cpu 30ms\n"))
        .collect::<String>();
    // Collects the packed progress batches (5 numbers per event, the third is the state)
    // and the task ids that come with the first batch.
    let events = js_sys::Array::new();
    let ids = js_sys::Array::new();
    let collect = js_sys::Function::new_with_args(
        "events, idsSeen, batch, ids",
        "for (let i = 0; i < batch.length; i += 5) events.push(batch[i + 2]); if (ids) idsSeen.push(...ids)",
    )
    .bind2(&JsValue::NULL, &events, &ids)
    .unchecked_into::<js_sys::Function>();
    let r = js_sys::JSON::parse(
        &run_threads(&text, &collect, JsValue::UNDEFINED)
            .unwrap()
            .as_string()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(fanout::wasm::PROGRESS_FIELDS, 5);
    let ids: Vec<String> = ids.iter().map(|v| v.as_string().unwrap()).collect();
    assert_eq!(
        ids,
        ["t1", "t2", "t3", "t4", "t5", "t6"],
        "ids once, by task index"
    );
    let states = |s: f64| events.iter().filter(|e| e.as_f64() == Some(s)).count();
    assert_eq!(states(0.0), 6, "each task reported running");
    assert_eq!(states(1.0), 6, "each task reported done");
    let tasks = js_sys::Array::from(&get(&r, "tasks"));
    assert_eq!(tasks.length(), 6);
    let mut lanes = std::collections::BTreeSet::new();
    for t in tasks.iter() {
        lanes.insert(get(&t, "worker").as_f64().unwrap() as u32);
    }
    assert_eq!(lanes.len(), 2, "both threads ran tasks");
    // In parallel: the two lanes' measured bars overlap in time, so together they last much
    // longer than the run (2× at best, 1× if the pool ran one task at a time). A ratio in one
    // run: on a machine busy with other work every bar stretches alike, while an absolute
    // bound on the makespan fails there (it did, at 200-222 ms, with the cores taken by
    // other builds and by V8 compiling this test's large module in the background). The best
    // of up to three runs: a VM's host can take one thread's core for tens of ms (CI saw
    // 1.43× once), which no run of a pool that runs one task at a time can make up for.
    let overlap = |r: &JsValue| {
        let makespan = get(r, "makespan_ms").as_f64().unwrap();
        let busy: f64 = js_sys::Array::from(&get(r, "tasks"))
            .iter()
            .map(|t| get(&t, "end_ms").as_f64().unwrap() - get(&t, "start_ms").as_f64().unwrap())
            .sum();
        (busy / makespan, busy, makespan)
    };
    let mut best = overlap(&r);
    for _ in 1..3 {
        if best.0 > 1.5 {
            break;
        }
        let next = js_sys::JSON::parse(
            &run_threads(
                &text,
                &js_sys::Function::new_no_args(""),
                JsValue::UNDEFINED,
            )
            .unwrap()
            .as_string()
            .unwrap(),
        )
        .unwrap();
        let o = overlap(&next);
        if o.0 > best.0 {
            best = o;
        }
    }
    let (ratio, busy, makespan) = best;
    assert!(
        ratio > 1.5,
        "6 × 30 ms on 2 threads, best of three: {busy:.1} ms of bars in a {makespan:.1} ms run, overlapping only {ratio:.2}×"
    );
    // A second run on the same pool works too (each run ends its thread loops).
    let again = run_threads(
        "a : cpu 1ms\nb : io 1ms after a",
        &js_sys::Function::new_no_args(""),
        JsValue::UNDEFINED,
    )
    .unwrap();
    let again = js_sys::JSON::parse(&again.as_string().unwrap()).unwrap();
    assert_eq!(get(&again, "mode").as_string().as_deref(), Some("threads"));
}
