//! Fuzzes the dot front end: any bytes that are UTF-8 must parse without panicking, and any
//! graph produced must analyse and round-trip (see common.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("common.rs");

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        exercise(text, fanout::lang::Format::Dot);
    }
});
