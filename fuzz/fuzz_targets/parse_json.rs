//! Fuzzes the json front end with raw bytes: no input may panic; non-UTF-8 is one located
//! error; any graph produced must analyse, round-trip through .dag, JSON and DOT, and draw
//! as Mermaid (see common.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("common.rs");

fuzz_target!(|data: &[u8]| {
    exercise_bytes(data, fanout::lang::Format::Json);
});
