//! The share-link fuzz body (fuzz/fuzz_targets/share_link_check.rs) under plain `cargo test`:
//! arbitrary bytes, and near-misses of real links (truncated, one character changed).
use proptest::prelude::*;

include!("../fuzz/fuzz_targets/share_link_check.rs");

fn link(text: &str) -> String {
    let json = serde_json::json!({ "text": text, "settings": { "workers": 2 } }).to_string();
    format!("v1/{}", lz_str::compress_to_encoded_uri_component(&json))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        exercise_share(&data);
    }

    #[test]
    fn near_misses(text in "[ -~\n]{0,200}", cut in 0usize..400, at in 0usize..400, c in 0u8..128) {
        let l = link(&text);
        exercise_share(l.as_bytes());
        exercise_share(&l.as_bytes()[..cut.min(l.len())]);
        let mut changed = l.clone().into_bytes();
        let i = 3 + at % (changed.len() - 3);
        changed[i] = c;
        exercise_share(&changed);
    }
}

#[test]
fn real_links_open() {
    let l = link("a \"<svg onload=alert(1)>\" : cpu 1ms");
    assert_eq!(
        fanout::share::decode(&l).unwrap().text,
        "a \"<svg onload=alert(1)>\" : cpu 1ms"
    );
    exercise_share(l.as_bytes());
}
