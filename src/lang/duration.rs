//! Durations as written in every format: a number with `us`, `ms` or `s` (a bare number is
//! milliseconds), and back.

use super::limits::MAX_DURATION_US;
use crate::graph::Micros;

/// Parses `200ms`, `1.5s`, `300us` or `7` (milliseconds) into whole microseconds (rounded to
/// the nearest). Errors are messages a student understands.
pub fn parse_duration(word: &str) -> Result<Micros, String> {
    // The unit starts at the first letter. Bytes first (units are ASCII, but for `µs`), the
    // char search only from a non-ASCII byte on: the same index, without decoding.
    let split = match word
        .bytes()
        .position(|b| b.is_ascii_alphabetic() || b >= 0x80)
    {
        Some(i) if word.as_bytes()[i] >= 0x80 => {
            i + word[i..]
                .find(|c: char| c.is_alphabetic())
                .unwrap_or(word.len() - i)
        }
        Some(i) => i,
        None => word.len(),
    };
    let (num, unit) = word.split_at(split);
    let scale = match unit {
        "us" | "µs" => 1.0,
        "" | "ms" => 1_000.0,
        "s" => 1_000_000.0,
        _ => {
            return Err(format!(
                "unknown duration unit `{unit}` in `{word}`: use us, ms or s, like 50ms"
            ))
        }
    };
    let value = parse_plain_number(num).ok_or_else(|| {
        format!("`{word}` is not a duration: write a number and a unit, like 50ms or 1.5s")
    })?;
    let us = value * scale;
    if us < 0.0 {
        return Err(format!(
            "`{word}` is not a duration: it must be zero or more"
        ));
    }
    if us > MAX_DURATION_US as f64 {
        return Err(format!("`{word}` is longer than the limit of 1 hour"));
    }
    Ok(us.round() as Micros)
}

/// A decimal number without exponent, `inf` or `nan`: `12`, `-3`, `0.25`, `.5`.
pub(crate) fn parse_plain_number(s: &str) -> Option<f64> {
    // The common case, a whole number of at most 15 digits: exactly the f64 `parse` gives.
    if !s.is_empty() && s.len() <= 15 && s.bytes().all(|b| b.is_ascii_digit()) {
        return Some(s.bytes().fold(0u64, |v, b| v * 10 + u64::from(b - b'0')) as f64);
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let ok = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|&c| c == '.').count() <= 1
        && digits.chars().any(|c| c.is_ascii_digit());
    if !ok {
        return None;
    }
    s.parse().ok().filter(|v: &f64| v.is_finite())
}

/// Writes a duration in the largest unit that keeps it exact: `2s`, `150ms`, `300us`.
/// `parse_duration(&format_duration(d)) == Ok(d)` for every `d` up to the limit.
pub fn format_duration(us: Micros) -> String {
    if us != 0 && us % 1_000_000 == 0 {
        format!("{}s", us / 1_000_000)
    } else if us % 1_000 == 0 {
        format!("{}ms", us / 1_000)
    } else {
        format!("{us}us")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_starts_at_the_first_letter_ascii_or_not() {
        assert_eq!(parse_duration("5µs"), Ok(5));
        assert_eq!(parse_duration("1.5s"), Ok(1_500_000));
        assert_eq!(parse_duration("7"), Ok(7_000));
        let e = parse_duration("5€ms").unwrap_err();
        assert!(e.contains("is not a duration") || e.contains("unit"), "{e}");
        assert!(parse_duration("5xs")
            .unwrap_err()
            .contains("unknown duration unit `xs`"));
        assert!(parse_duration("5éms")
            .unwrap_err()
            .contains("unknown duration unit `éms`"));
    }

    #[test]
    fn whole_numbers_parse_as_f64_parse_does() {
        for s in [
            "0",
            "7",
            "00012",
            "999999999999999",
            "1000000000000000",
            "12.5",
            "+3",
            "-0",
        ] {
            assert_eq!(parse_plain_number(s), s.parse::<f64>().ok(), "{s}");
        }
    }

    #[test]
    fn units_and_bare_numbers() {
        assert_eq!(parse_duration("200ms"), Ok(200_000));
        assert_eq!(parse_duration("1.5s"), Ok(1_500_000));
        assert_eq!(parse_duration("300us"), Ok(300));
        assert_eq!(parse_duration("7"), Ok(7_000));
        assert_eq!(parse_duration("0"), Ok(0));
    }

    #[test]
    fn bad_durations_are_explained() {
        assert!(parse_duration("5m")
            .unwrap_err()
            .contains("unknown duration unit `m`"));
        assert!(parse_duration("-5ms").unwrap_err().contains("zero or more"));
        assert!(parse_duration("2h").unwrap_err().contains("unit"));
        assert!(parse_duration("1e9").unwrap_err().contains("unit"));
        assert!(parse_duration("abc").unwrap_err().contains("unit"));
        assert!(parse_duration("x5").is_err());
        assert!(parse_duration("..ms")
            .unwrap_err()
            .contains("not a duration"));
        assert!(parse_duration("3601s").unwrap_err().contains("1 hour"));
    }

    #[test]
    fn format_round_trips() {
        for us in [
            0,
            1,
            999,
            1_000,
            1_500,
            2_000_000,
            2_000_001,
            MAX_DURATION_US,
        ] {
            assert_eq!(parse_duration(&format_duration(us)), Ok(us), "{us}");
        }
    }
}
