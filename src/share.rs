//! Share links: the Rust decoder of the page's link format (docs/sharing.md), so the format
//! can be fuzzed (`fuzz/fuzz_targets/share_link.rs`) and checked natively.
//!
//! A link's fragment is `v1/PAYLOAD`: PAYLOAD is lz-string's URI-safe compression of the JSON
//! `{"text": "...", "settings": {"workers", "mode", "policy", "seed"}}`. The page's decoder is
//! `www/shared/share-link.js`; both read the vectors in `tests/data/share/vectors.json` and
//! must give the same answer for each (text, settings, or the kind of problem).
//!
//! [`decode`] never panics and never works beyond the limits: a payload over
//! [`MAX_LINK_CHARS`] is refused unread; [`measure`] then walks the bit stream once keeping only
//! entry lengths, and lz-string (the `lz-str` crate) decompresses only a whole, well-formed
//! stream that expands to at most [`MAX_DECODED_CHARS`].

use serde_json::Value;

/// The link format version written today; [`decode`] reads every version up to it.
pub const VERSION: u64 = 1;
/// Longest payload (characters after `v1/`, UTF-16 units as a browser counts) a link may have.
pub const MAX_LINK_CHARS: usize = 100_000;
/// Most UTF-16 code units a payload may expand to (the JSON text).
pub const MAX_DECODED_CHARS: usize = 1_000_000;
/// Most workers a link may ask for (the page's real-run maximum).
pub const MAX_WORKERS: u32 = 32;
/// Run modes a link may name.
pub const MODES: [&str; 5] = ["auto", "threads", "workers", "async", "simulated"];
/// Scheduling policies a link may name.
pub const POLICIES: [&str; 6] = [
    "critical-path",
    "fifo",
    "priority",
    "waves",
    "random",
    "work-stealing",
];
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;
/// lz-string's 6-bit URI-safe digits (its alphabet's 65th character, `$`, is never written).
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-";

/// The run settings a link carries; `None` = not given (the page's default or "as declared").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub workers: Option<u32>,
    pub mode: Option<String>,
    pub policy: Option<String>,
    pub seed: Option<u64>,
}

/// What a good link holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    pub text: String,
    pub settings: Settings,
}

/// Why a link cannot be opened; [`Problem::kind`] is the name the page uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// No `v<N>/` at the start.
    NotALink,
    /// Made by a later format version than [`VERSION`].
    FutureVersion(u64),
    /// The payload has this many characters, over [`MAX_LINK_CHARS`].
    TooLong(usize),
    /// The payload expands past [`MAX_DECODED_CHARS`].
    TooLarge,
    /// The payload ends before its stream does.
    Truncated,
    /// A character or code no link can have, or a stream that does not decode.
    Corrupted,
    /// It decodes, but not to `{ text, settings }`: what is wrong.
    NotAGraph(String),
}

impl Problem {
    /// The problem's name, as `decodeShare` reports it in `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Problem::NotALink => "not-a-link",
            Problem::FutureVersion(_) => "future-version",
            Problem::TooLong(_) => "too-long",
            Problem::TooLarge => "too-large",
            Problem::Truncated => "truncated",
            Problem::Corrupted => "corrupted",
            Problem::NotAGraph(_) => "not-a-graph",
        }
    }
}

/// Walks lz-string's bit stream over 6-bit `values` the way its decompressor reads it,
/// keeping only each dictionary entry's length. `Ok(n)`: the stream is whole and expands to
/// n UTF-16 units. `Err`: [`Problem::Truncated`] when the values end before the end code (the
/// decompressor also needs the value after a fully read one), [`Problem::Corrupted`] for a
/// code no entry has, [`Problem::TooLarge`] as soon as the expansion passes `limit`.
/// Linear in `values.len()`; never panics.
pub fn measure(values: &[u8], limit: usize) -> Result<usize, Problem> {
    struct Bits<'a> {
        values: &'a [u8],
        index: usize,
        position: u8,
    }
    impl Bits<'_> {
        fn bit(&mut self) -> Result<u32, Problem> {
            let res = self.values[self.index] & self.position;
            self.position >>= 1;
            if self.position == 0 {
                self.position = 32;
                self.index += 1;
                if self.index >= self.values.len() {
                    return Err(Problem::Truncated);
                }
            }
            Ok(u32::from(res != 0))
        }
        fn bits(&mut self, n: u32) -> Result<u32, Problem> {
            let mut res = 0;
            for i in 0..n {
                res |= self.bit()? << i;
            }
            Ok(res)
        }
    }
    if values.is_empty() {
        return Err(Problem::Truncated);
    }
    let mut r = Bits {
        values,
        index: 0,
        position: 32,
    };
    let mut lengths: Vec<usize> = vec![0, 0, 0];
    match r.bits(2)? {
        2 => return Ok(0),
        3 => return Err(Problem::Corrupted),
        first => {
            r.bits(if first == 0 { 8 } else { 16 })?;
        }
    }
    lengths.push(1);
    let mut w = 1usize;
    let mut total = 1usize;
    // At most 6 bits a value, so the dictionary stays far below 2^31 entries and the code
    // width below 32 bits.
    let mut num_bits = 3u32;
    let mut enlarge_in = 4u64;
    loop {
        let mut code = r.bits(num_bits)? as usize;
        if code == 0 || code == 1 {
            r.bits(if code == 0 { 8 } else { 16 })?;
            lengths.push(1);
            code = lengths.len() - 1;
            enlarge_in -= 1;
        } else if code == 2 {
            return Ok(total);
        }
        if enlarge_in == 0 {
            enlarge_in = 1 << num_bits;
            num_bits += 1;
        }
        let entry = match code.cmp(&lengths.len()) {
            std::cmp::Ordering::Less => lengths[code],
            std::cmp::Ordering::Equal => w + 1,
            std::cmp::Ordering::Greater => return Err(Problem::Corrupted),
        };
        total += entry;
        if total > limit {
            return Err(Problem::TooLarge);
        }
        lengths.push(w + 1);
        enlarge_in -= 1;
        w = entry;
        if enlarge_in == 0 {
            enlarge_in = 1 << num_bits;
            num_bits += 1;
        }
    }
}

/// `%XX` escapes decoded as UTF-8, as a browser's `decodeURIComponent` does; `None` for a
/// bad escape or bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `v` as a whole number in `lo..=hi` (JSON numbers are doubles, as in the browser), or None.
fn whole(v: &Value, lo: f64, hi: f64) -> Option<f64> {
    let n = v.as_f64()?;
    (n.fract() == 0.0 && n >= lo && n <= hi).then_some(n)
}

fn not_a_graph(what: &str) -> Problem {
    Problem::NotAGraph(what.to_string())
}

/// The checked settings of a decoded link (unknown keys ignored, null = absent).
fn settings_of(v: Option<&Value>) -> Result<Settings, Problem> {
    let map = match v {
        None | Some(Value::Null) => return Ok(Settings::default()),
        Some(Value::Object(map)) => map,
        Some(_) => return Err(not_a_graph("`settings` must be an object")),
    };
    let given = |k: &str| map.get(k).filter(|v| !v.is_null());
    let mut s = Settings::default();
    if let Some(v) = given("workers") {
        let n = whole(v, 1.0, f64::from(MAX_WORKERS))
            .ok_or_else(|| not_a_graph("`settings.workers` must be a whole number from 1 to 32"))?;
        s.workers = Some(n as u32);
    }
    if let Some(v) = given("mode") {
        let m = v.as_str().filter(|m| MODES.contains(m));
        s.mode = Some(
            m.ok_or_else(|| not_a_graph("`settings.mode` is not a mode"))?
                .to_string(),
        );
    }
    if let Some(v) = given("policy") {
        let p = v.as_str().filter(|p| POLICIES.contains(p));
        s.policy = Some(
            p.ok_or_else(|| not_a_graph("`settings.policy` is not a policy"))?
                .to_string(),
        );
    }
    if let Some(v) = given("seed") {
        let n = whole(v, 0.0, MAX_SAFE_INTEGER).ok_or_else(|| {
            not_a_graph("`settings.seed` must be a whole number from 0 to 2^53 - 1")
        })?;
        s.seed = Some(n as u64);
    }
    Ok(s)
}

/// Opens a share-link fragment (with or without the leading `#`). Never panics; the checks
/// come in the order the page makes them, so both report the same [`Problem::kind`].
pub fn decode(fragment: &str) -> Result<Shared, Problem> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    let rest = f.strip_prefix('v').ok_or(Problem::NotALink)?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 9 {
        return Err(Problem::NotALink);
    }
    let after = &rest[digits..];
    let payload = match after.strip_prefix('/') {
        Some(p) => p,
        None if after.is_empty() => "",
        None => return Err(Problem::NotALink),
    };
    let version: u64 = rest[..digits].parse().map_err(|_| Problem::NotALink)?;
    if version != VERSION {
        return Err(if version > VERSION {
            Problem::FutureVersion(version)
        } else {
            Problem::Corrupted
        });
    }
    let units = payload.encode_utf16().count();
    if units > MAX_LINK_CHARS * 3 {
        return Err(Problem::TooLong(units));
    }
    let decoded;
    let payload = if payload.contains('%') {
        decoded = percent_decode(payload).ok_or(Problem::Corrupted)?;
        decoded.as_str()
    } else {
        payload
    };
    let units = payload.encode_utf16().count();
    if units > MAX_LINK_CHARS {
        return Err(Problem::TooLong(units));
    }
    if units == 0 {
        return Err(Problem::Truncated);
    }
    let mut values = Vec::with_capacity(units);
    for c in payload.chars() {
        let c = if c == ' ' { '+' } else { c };
        let v = u8::try_from(c)
            .ok()
            .and_then(|b| ALPHABET.iter().position(|&a| a == b));
        values.push(v.ok_or(Problem::Corrupted)? as u8);
    }
    let length = measure(&values, MAX_DECODED_CHARS)?;
    let payload: String = payload
        .chars()
        .map(|c| if c == ' ' { '+' } else { c })
        .collect();
    let wide = lz_str::decompress_from_encoded_uri_component(&payload).ok_or(Problem::Corrupted)?;
    if wide.len() != length {
        return Err(Problem::Corrupted);
    }
    let json = String::from_utf16(&wide).map_err(|_| Problem::Corrupted)?;
    let data: Value = serde_json::from_str(&json)
        .map_err(|_| not_a_graph("its data is not the JSON a fanout link carries"))?;
    let map = data
        .as_object()
        .ok_or_else(|| not_a_graph("its data is not an object with a `text`"))?;
    let text = map
        .get("text")
        .and_then(Value::as_str)
        .ok_or_else(|| not_a_graph("its `text` is missing or not a string"))?;
    Ok(Shared {
        text: text.to_string(),
        settings: settings_of(map.get("settings"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vectors the page's decoder reads too (tests/e2e/share-format.test.mjs).
    #[test]
    fn agrees_with_the_shared_vectors() {
        let raw = include_str!("../tests/data/share/vectors.json");
        let vectors: Vec<Value> = serde_json::from_str(raw).unwrap();
        assert!(vectors.len() >= 30);
        for v in &vectors {
            let name = v["name"].as_str().unwrap();
            let got = decode(v["fragment"].as_str().unwrap());
            let expect = &v["expect"];
            if expect["ok"].as_bool().unwrap() {
                let shared = got.unwrap_or_else(|p| panic!("{name}: {p:?}"));
                assert_eq!(shared.text, expect["text"].as_str().unwrap(), "{name}");
                let s = &expect["settings"];
                let want = Settings {
                    workers: s.get("workers").and_then(Value::as_u64).map(|n| n as u32),
                    mode: s.get("mode").and_then(Value::as_str).map(String::from),
                    policy: s.get("policy").and_then(Value::as_str).map(String::from),
                    seed: s.get("seed").and_then(Value::as_u64),
                };
                assert_eq!(shared.settings, want, "{name}");
            } else {
                let problem = got.err().unwrap_or_else(|| panic!("{name}: opened"));
                assert_eq!(problem.kind(), expect["kind"].as_str().unwrap(), "{name}");
            }
        }
    }

    #[test]
    fn measure_agrees_with_lz_str_on_what_it_writes() {
        for s in [
            "",
            "a",
            "abababababab",
            "日本語 ✂️ \"q\"",
            &"xy".repeat(3000),
        ] {
            let payload = lz_str::compress_to_encoded_uri_component(s);
            let values: Vec<u8> = payload
                .bytes()
                .map(|b| ALPHABET.iter().position(|&a| a == b).unwrap() as u8)
                .collect();
            assert_eq!(
                measure(&values, usize::MAX),
                Ok(s.encode_utf16().count()),
                "{s:?}"
            );
        }
    }

    #[test]
    fn round_trips_what_lz_str_writes() {
        let json = r#"{"text":"a : cpu 1ms\nb \"<img src=x onerror=alert(1)>\" : io 2s after a","settings":{"workers":4,"mode":"threads","policy":"waves","seed":9}}"#;
        let shared = decode(&format!(
            "#v1/{}",
            lz_str::compress_to_encoded_uri_component(json)
        ))
        .unwrap();
        assert_eq!(
            shared.text,
            "a : cpu 1ms\nb \"<img src=x onerror=alert(1)>\" : io 2s after a"
        );
        assert_eq!(shared.settings.workers, Some(4));
        assert_eq!(shared.settings.mode.as_deref(), Some("threads"));
        assert_eq!(shared.settings.seed, Some(9));
    }

    #[test]
    fn refuses_a_quadratic_bomb_after_reading_little() {
        // After one literal, every code names the entry being made: entry k has k characters.
        let mut bits: Vec<u8> = Vec::new();
        let put = |v: u32, n: u32, bits: &mut Vec<u8>| {
            (0..n).for_each(|i| bits.push(((v >> i) & 1) as u8))
        };
        put(0, 2, &mut bits);
        put(97, 8, &mut bits);
        let (mut dict, mut num_bits, mut enlarge) = (4u32, 3u32, 4u32);
        while bits.len() < MAX_LINK_CHARS * 6 {
            put(dict, num_bits, &mut bits);
            dict += 1;
            enlarge -= 1;
            if enlarge == 0 {
                enlarge = 1 << num_bits;
                num_bits += 1;
            }
        }
        let values: Vec<u8> = bits[..MAX_LINK_CHARS * 6]
            .chunks(6)
            .map(|c| c.iter().fold(0u8, |acc, &b| (acc << 1) | b))
            .collect();
        assert_eq!(measure(&values, MAX_DECODED_CHARS), Err(Problem::TooLarge));
        let fragment: String = values
            .iter()
            .map(|&v| ALPHABET[v as usize] as char)
            .collect();
        assert_eq!(decode(&format!("v1/{fragment}")), Err(Problem::TooLarge));
    }

    #[test]
    fn never_panics_on_short_junk() {
        for s in [
            "",
            "#",
            "v",
            "v/",
            "v1/",
            "v1/A",
            "v1/%",
            "v1/%e2%82",
            "v1/\u{1F600}",
            "v1/--",
            "v99999999999/x",
        ] {
            let _ = decode(s);
        }
    }
}
