//! Fault declarations read by both formats: `breaker <resource> after N failures open
//! <duration>` (a circuit breaker, see `crate::sched` `breaker.rs`).

use super::duration::parse_duration;
use crate::graph::BreakerDecl;

/// How the declaration is written.
pub const BREAKER_USAGE: &str = "breaker <resource> after N failures open <duration>";

/// Reads the words after `breaker`. Returns the breaker, or the index of the word at
/// fault (`words.len()` when one is missing) and a message.
pub fn parse_breaker(words: &[&str]) -> Result<BreakerDecl, (usize, String)> {
    let want = |i: usize, kw: &str| -> Result<(), (usize, String)> {
        match words.get(i) {
            Some(w) if *w == kw => Ok(()),
            Some(w) => Err((
                i,
                format!("expected `{kw}`, found `{w}`: write `{BREAKER_USAGE}`"),
            )),
            None => Err((
                i,
                format!("`breaker` is incomplete: write `{BREAKER_USAGE}`"),
            )),
        }
    };
    let resource = words.first().ok_or((
        0,
        format!("`breaker` needs a resource: write `{BREAKER_USAGE}`"),
    ))?;
    want(1, "after")?;
    let n = words.get(2).ok_or((
        2,
        format!("`breaker` is incomplete: write `{BREAKER_USAGE}`"),
    ))?;
    let after = n
        .parse::<u32>()
        .ok()
        .filter(|&n| (1..=1_000_000).contains(&n))
        .ok_or((2, format!("`{n}` is not a number of failures: write a whole number from 1, like `after 3 failures`")))?;
    match words.get(3) {
        Some(&"failures") | Some(&"failure") => {}
        _ => want(3, "failures")?,
    }
    want(4, "open")?;
    let d = words.get(5).ok_or((
        5,
        format!("`breaker` is incomplete: write `{BREAKER_USAGE}`"),
    ))?;
    let open_us = parse_duration(d).map_err(|m| (5, m))?;
    if open_us == 0 {
        return Err((
            5,
            "a breaker must stay open for some time, like `open 500ms`".into(),
        ));
    }
    if let Some(w) = words.get(6) {
        return Err((
            6,
            format!("unexpected `{w}` after the declaration: write `{BREAKER_USAGE}`"),
        ));
    }
    Ok(BreakerDecl {
        resource: resource.to_string(),
        after,
        open_us,
        span: Default::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_breaker_and_names_the_bad_word() {
        let b = parse_breaker(&["api", "after", "3", "failures", "open", "500ms"]).unwrap();
        assert_eq!(
            (b.resource.as_str(), b.after, b.open_us),
            ("api", 3, 500_000)
        );
        assert_eq!(parse_breaker(&["api", "after", "x"]).unwrap_err().0, 2);
        assert_eq!(
            parse_breaker(&["api", "after", "3", "failures", "shut"])
                .unwrap_err()
                .0,
            4
        );
        assert_eq!(
            parse_breaker(&["api", "after", "3", "failures", "open"])
                .unwrap_err()
                .0,
            5
        );
        assert_eq!(
            parse_breaker(&["api", "after", "3", "failures", "open", "0"])
                .unwrap_err()
                .0,
            5
        );
    }
}
