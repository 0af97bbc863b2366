//! Watching an onboarding's status: entity tags for conditional answers, and the backoff of a
//! watcher after a retryable error.

/// How long a watcher waits before retry `attempt` (1-based) after a retryable error: doubling
/// from 1 s to at most 30 s, with "equal jitter" (half fixed, half random; `jitter` in 0..1) so
/// many watchers do not retry in step.
pub fn backoff_ms(attempt: u32, jitter: f64) -> u32 {
    let base = 1000u32
        .saturating_mul(1 << attempt.clamp(1, 6).saturating_sub(1))
        .min(30_000);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.5
    };
    base / 2 + (f64::from(base / 2) * jitter) as u32
}

/// A strong entity tag for a JSON answer (FNV-1a 64 of its bytes), quoted.
pub fn etag(body: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in body {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("\"{h:016x}\"")
}

/// Whether an `If-None-Match` header matches `tag` (a list, `*`, or weak forms).
pub fn if_none_match(header: &str, tag: &str) -> bool {
    header
        .split(',')
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        assert_eq!(backoff_ms(1, 0.0), 500);
        assert_eq!(backoff_ms(1, 1.0), 1000);
        assert_eq!(backoff_ms(2, 0.0), 1000);
        assert_eq!(backoff_ms(3, 1.0), 4000);
        assert_eq!(backoff_ms(50, 1.0), 30_000);
        assert_eq!(backoff_ms(50, 0.0), 15_000);
        assert_eq!(backoff_ms(0, f64::NAN), 750);
    }

    #[test]
    fn etags() {
        let t = etag(b"{}");
        assert_eq!(t, etag(b"{}"));
        assert_ne!(t, etag(b"{ }"));
        assert!(if_none_match(&format!("W/{t}, \"x\""), &t));
        assert!(!if_none_match("\"x\"", &t));
    }
}
