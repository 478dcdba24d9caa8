//! Fuzzes the share-link decoder (`fanout::share`, the format of www/shared/share-link.js):
//! no input panics it, its bounded walk agrees with lz-string's decompressor, and what opens
//! round-trips (see share_link_check.rs). Seeds: fuzz/corpus/share_link/.
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("share_link_check.rs");

fuzz_target!(|data: &[u8]| exercise_share(data));
