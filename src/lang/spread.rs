//! The amount of a `cpu` or `io` task when it varies: `100ms..2s` (uniform),
//! `100ms ~ 30%` (normal, clipped at 0), `lognormal 100ms 0.8` (median and sigma).
//! Both the `.dag` and the JSON formats read amounts here (JSON: `"duration": "100ms..2s"`).

use super::duration::{format_duration, parse_duration, parse_plain_number};
use crate::graph::{Micros, Spread};

/// The largest `sigma` of a lognormal and relative deviation of a normal: beyond this the
/// draws are mostly 0 or the one-hour limit, which teaches nothing.
pub const MAX_SPREAD: f64 = 4.0;

/// A parsed amount: its expected duration and, if it varies, how.
pub type Amount = (Micros, Option<Spread>);

/// Reads an amount from the words after the kind. Returns the amount and how many words
/// it took, or the index of the word at fault and a message.
pub fn parse_amount(words: &[&str]) -> Result<(Amount, usize), (usize, String)> {
    let Some(&first) = words.first() else {
        return Err((0, "expected a duration, like `50ms`".into()));
    };
    if first == "lognormal" {
        let Some(&m) = words.get(1) else {
            return Err((
                0,
                "`lognormal` needs a median and a sigma, like `lognormal 100ms 0.8`".into(),
            ));
        };
        let median_us = parse_duration(m).map_err(|e| (1, e))?;
        let Some(&s) = words.get(2) else {
            return Err((
                1,
                format!("`lognormal {m}` needs a sigma after the median, like `lognormal {m} 0.8`"),
            ));
        };
        let sigma = parse_plain_number(s)
            .filter(|x| (0.0..=MAX_SPREAD).contains(x))
            .ok_or((
                2,
                format!("`{s}` is not a sigma: write a number from 0 to {MAX_SPREAD}, like 0.8"),
            ))?;
        let sp = Spread::Lognormal { median_us, sigma };
        return Ok(((sp.mean_us(), Some(sp)), 3));
    }
    // `split_once("..")`, by bytes: a searcher for a two-byte needle cost more than the
    // rest of the amount's parse.
    let range = first
        .as_bytes()
        .windows(2)
        .position(|w| w == b"..")
        .map(|i| (&first[..i], &first[i + 2..]));
    if let Some((a, b)) = range {
        let lo = parse_duration(a).map_err(|e| (0, e))?;
        let hi = parse_duration(b).map_err(|e| (0, e))?;
        if lo > hi {
            return Err((0, format!("the range `{first}` is empty: the shorter duration comes first, like `100ms..2s`")));
        }
        let sp = Spread::Uniform {
            lo_us: lo,
            hi_us: hi,
        };
        return Ok(((sp.mean_us(), Some(sp)), 1));
    }
    let mean_us = parse_duration(first).map_err(|e| (0, e))?;
    if words.get(1) != Some(&"~") {
        return Ok(((mean_us, None), 1));
    }
    let Some(&p) = words.get(2) else {
        return Err((
            1,
            format!("`~` needs a spread after it, like `{first} ~ 30%`"),
        ));
    };
    let rel = match p.strip_suffix('%') {
        Some(pct) => parse_plain_number(pct).map(|x| x / 100.0),
        None => parse_plain_number(p),
    }
    .filter(|x| (0.0..=MAX_SPREAD).contains(x))
    .ok_or((
        2,
        format!(
            "`{p}` is not a spread: write a percentage of the mean from 0 to {}%, like 30%",
            MAX_SPREAD * 100.0
        ),
    ))?;
    let sp = Spread::Normal {
        mean_us,
        rel_sd: rel,
    };
    Ok(((sp.mean_us(), Some(sp)), 3))
}

/// The `.dag` text of an amount: the spread if there is one, else the duration.
pub fn format_amount(duration_us: Micros, spread: Option<&Spread>) -> String {
    match spread {
        Some(s) => s.to_text(format_duration),
        None => format_duration(duration_us),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_forms_and_writes_them_back() {
        for text in ["100ms..2s", "100ms ~ 30%", "lognormal 100ms 0.8", "250us"] {
            let words: Vec<&str> = text.split(' ').collect();
            let ((d, sp), n) = parse_amount(&words).unwrap();
            assert_eq!(n, words.len());
            assert_eq!(format_amount(d, sp.as_ref()), text);
        }
        let ((d, _), _) = parse_amount(&["100ms..2s"]).unwrap();
        assert_eq!(d, 1_050_000);
    }

    #[test]
    fn bad_amounts_name_the_word() {
        assert_eq!(parse_amount(&["2s..1s"]).unwrap_err().0, 0);
        assert_eq!(parse_amount(&["lognormal", "100ms"]).unwrap_err().0, 1);
        assert_eq!(parse_amount(&["lognormal", "100ms", "x"]).unwrap_err().0, 2);
        assert_eq!(parse_amount(&["100ms", "~", "900%"]).unwrap_err().0, 2);
        assert!(parse_amount(&["1s", "~"]).is_err());
    }
}
