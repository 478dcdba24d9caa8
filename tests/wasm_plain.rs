//! The wasm layer of the plain build, in headless Chromium, inside a dedicated worker (where
//! the playground runs it). Run by `npm test` through wasm-bindgen-test-runner.
#![cfg(target_arch = "wasm32")]

use fanout::wasm::{build_info, check, now_abs_ms, run_cpu, Engine};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &key.into()).unwrap()
}

#[wasm_bindgen_test]
fn the_plain_build_says_it_has_no_threads() {
    assert_eq!(get(&build_info(), "threads"), JsValue::FALSE);
}

#[wasm_bindgen_test]
fn check_returns_diagnostics_with_line_and_column() {
    let diags = js_sys::Array::from(&check("a : cpu 1ms\nb : cpu 1ms after nope\n", None).unwrap());
    assert_eq!(diags.length(), 1);
    let d = diags.get(0);
    assert_eq!(get(&d, "line").as_f64(), Some(2.0));
    assert_eq!(get(&d, "col").as_f64(), Some(19.0));
    assert!(get(&d, "message").as_string().unwrap().contains("nope"));
    assert_eq!(
        js_sys::Array::from(&check("a : cpu 1ms", None).unwrap()).length(),
        0
    );
    assert!(
        check("a", Some("yaml".into())).is_err(),
        "an unknown format is refused"
    );
}

#[wasm_bindgen_test]
fn engine_rejects_a_cycle_with_diagnostics() {
    let err = Engine::new(
        "a : cpu 1 after b\nb : cpu 1 after a",
        2,
        0.0,
        JsValue::UNDEFINED,
    )
    .err()
    .expect("a cycle must be rejected");
    assert_eq!(
        get(&err, "name").as_string().as_deref(),
        Some("InvalidGraph")
    );
    let diags = js_sys::Array::from(&get(&err, "diagnostics"));
    assert!(get(&diags.get(0), "message")
        .as_string()
        .unwrap()
        .contains("cycle"));
}

#[wasm_bindgen_test]
fn engine_hands_out_a_chain_in_order() {
    let mut e = Engine::new(
        "a : cpu 1\nb : cpu 1 after a\nc : io 1 timeout 5ms after b",
        2,
        1000.0,
        JsValue::UNDEFINED,
    )
    .unwrap();
    let mut t = 1000.0;
    for expected in 0..3 {
        let d = e.next(t).expect("the next task of the chain");
        assert_eq!(d[0], expected as f64, "task");
        assert!(
            e.next(t).is_none(),
            "only one task of a chain is ready at a time"
        );
        let worker = d[1] as usize;
        assert_eq!(
            e.finished(expected, worker, t, t + 1.0, None).unwrap(),
            1,
            "ok"
        );
        t += 1.0;
        if expected == 2 {
            assert_eq!(
                (d[2], d[3], d[4]),
                (1.0, 1000.0, 5000.0),
                "io, 1 ms, timeout 5 ms"
            );
        }
    }
    assert!(e.is_done());
    let r = js_sys::JSON::parse(&e.result("workers", None).unwrap()).unwrap();
    assert_eq!(get(&r, "makespan_ms").as_f64(), Some(3.0));
    assert_eq!(js_sys::Array::from(&get(&r, "tasks")).length(), 3);
}

#[wasm_bindgen_test]
fn engine_hands_out_kernels_and_their_values_reach_the_result() {
    let mut e = Engine::new(
        "p[1..2] : primes 0..100\ns : cpu 0ms reduce sum after p[*]",
        2,
        0.0,
        JsValue::UNDEFINED,
    )
    .unwrap();
    let (a, b) = (e.next(0.0).unwrap(), e.next(0.0).unwrap());
    assert_eq!((a[2], b[2]), (2.0, 2.0), "kernel tasks");
    let k = e
        .kernel_json(a[0] as usize)
        .expect("a kernel task has a spec");
    let v = fanout::wasm::run_kernel_json(&k).unwrap();
    let k2 = e
        .kernel_json(b[0] as usize)
        .expect("a kernel task has a spec");
    let v2 = fanout::wasm::run_kernel_json(&k2).unwrap();
    assert_eq!(v + v2, 25.0, "primes below 100, in two parts");
    assert!(fanout::wasm::run_kernel_json("{\"kernel\":1}").is_err());
    e.finished(a[0] as usize, a[1] as usize, 0.0, 1.0, Some(v))
        .unwrap();
    e.finished(b[0] as usize, b[1] as usize, 0.0, 1.0, Some(v2))
        .unwrap();
    let s = e.next(1.0).unwrap();
    e.finished(s[0] as usize, s[1] as usize, 1.0, 2.0, None)
        .unwrap();
    let r = js_sys::JSON::parse(&e.result("workers", None).unwrap()).unwrap();
    assert_eq!(get(&get(&r, "result"), "s").as_f64(), Some(25.0));
}

#[wasm_bindgen_test]
fn run_cpu_does_calibrated_work_for_about_the_duration() {
    assert!(fanout::wasm::calibrate_cpu() > 0.0);
    let t0 = now_abs_ms();
    run_cpu(20_000.0);
    let took = now_abs_ms() - t0;
    assert!((14.0..2000.0).contains(&took), "took {took} ms");
}

#[wasm_bindgen_test]
fn parse_gives_the_structure_by_id() {
    let p = fanout::wasm::parse("a : cpu 2ms\nb : cpu 3ms after a\n");
    let tasks = js_sys::Array::from(&get(&p, "tasks"));
    assert_eq!(tasks.length(), 2);
    let b = tasks.get(1);
    assert_eq!(get(&b, "id").as_string().as_deref(), Some("b"));
    assert_eq!(get(&b, "duration_us").as_f64(), Some(3000.0));
    assert_eq!(
        js_sys::Array::from(&get(&b, "deps"))
            .get(0)
            .as_string()
            .as_deref(),
        Some("a")
    );
    let bad = fanout::wasm::parse("a : cpu 2ms after zz");
    assert_eq!(js_sys::Array::from(&get(&bad, "tasks")).length(), 0);
    assert_eq!(js_sys::Array::from(&get(&bad, "diagnostics")).length(), 1);
}

#[wasm_bindgen_test]
fn analyze_gives_work_span_and_the_critical_path() {
    let out = fanout::wasm::analyze(
        "a : cpu 10ms\nb : cpu 30ms after a\nc : cpu 5ms after a\nd : cpu 1ms after b, c",
        4,
        None,
    )
    .unwrap();
    let a = get(&out, "analysis");
    assert_eq!(get(&a, "work_ms").as_f64(), Some(46.0));
    assert_eq!(get(&a, "span_ms").as_f64(), Some(41.0));
    let path: Vec<String> = js_sys::Array::from(&get(&a, "critical_path"))
        .iter()
        .map(|v| v.as_string().unwrap())
        .collect();
    assert_eq!(path, ["a", "b", "d"]);
    assert_eq!(js_sys::Array::from(&get(&a, "bounds")).length(), 4);
    let bad = fanout::wasm::analyze("a : cpu 1ms after a", 2, None).unwrap();
    assert!(get(&bad, "analysis").is_null());
}

#[wasm_bindgen_test]
fn convert_reads_stg_and_writes_dag_and_json() {
    let stg = "2\n0 0 0\n1 5 1 0\n2 7 1 0\n3 0 2 1 2\n";
    let out = fanout::wasm::convert(stg, "stg", "dag").unwrap();
    let dag = get(&out, "text").as_string().unwrap();
    assert!(dag.contains("cpu 7ms"), "{dag}");
    let json = get(&fanout::wasm::convert(&dag, "dag", "json").unwrap(), "text")
        .as_string()
        .unwrap();
    assert!(json.contains("\"tasks\""), "{json}");
}
