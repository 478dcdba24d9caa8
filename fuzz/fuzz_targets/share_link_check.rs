// Shared by the share_link fuzz target and tests/share_never_panics.rs (which `include!`s
// this file, so the fuzz body also runs under a plain `cargo test`).

/// Checks what must hold for any input to the share-link decoder (`fanout::share`):
/// `decode` never panics; on the 6-bit values the input spells, `measure` agrees with lz-str's
/// own decompressor (same length when the stream is whole, a failure exactly when lz-str
/// fails); and a link that opens, written again, opens to the same graph and settings.
pub fn exercise_share(data: &[u8]) {
    use fanout::share::{decode, measure, Problem};
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-";
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(shared) = decode(text) {
            let json = serde_json::json!({
                "text": shared.text,
                "settings": {
                    "workers": shared.settings.workers,
                    "mode": shared.settings.mode,
                    "policy": shared.settings.policy,
                    "seed": shared.settings.seed,
                },
            });
            let again = format!("v1/{}", lz_str::compress_to_encoded_uri_component(&json.to_string()));
            assert_eq!(decode(&again).as_ref(), Ok(&shared), "{again}");
        }
    }
    // The bytes as a stream of 6-bit values: the bounded walk and the library must agree.
    let values: Vec<u8> = data.iter().map(|b| b & 63).collect();
    if values.len() > 4096 {
        return; // keep the library's unbounded expansion affordable
    }
    let payload: String = values.iter().map(|&v| ALPHABET[v as usize] as char).collect();
    let library = lz_str::decompress_from_encoded_uri_component(&payload);
    match measure(&values, usize::MAX) {
        Ok(n) => assert_eq!(library.map(|w| w.len()), Some(n), "{payload}"),
        Err(Problem::Truncated | Problem::Corrupted) => {
            // lz-str returns an empty text for an empty input; otherwise it fails too.
            assert!(values.is_empty() || library.is_none(), "{payload}");
        }
        Err(p) => panic!("unlimited measure gave {p:?}"),
    }
}
