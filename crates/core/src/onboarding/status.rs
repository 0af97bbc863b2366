//! Watching an onboarding's status: entity tags for conditional answers (a watcher's backoff
//! after a retryable error is [`crate::backoff::Backoff`]).

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

/// A long-poll's next step (`GET /api/onboarding/{id}?wait=s` with `If-None-Match`): how long to
/// sleep before looking again, or `None` to answer now. It waits only while the watcher's copy is
/// still current, the status can still change, and another look fits before `deadline_ms`; it
/// wakes when the cached answer (read at `fetched_ms`) may be refreshed, at least 100 ms apart.
pub fn long_poll_wait(
    unchanged: bool,
    terminal: bool,
    fetched_ms: u64,
    interval_ms: u64,
    now_ms: u64,
    deadline_ms: u64,
) -> Option<u64> {
    if !unchanged || terminal || now_ms + interval_ms > deadline_ms {
        return None;
    }
    Some(
        (fetched_ms + interval_ms)
            .saturating_sub(now_ms)
            .clamp(100, interval_ms.max(100)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags() {
        let t = etag(b"{}");
        assert_eq!(t, etag(b"{}"));
        assert_ne!(t, etag(b"{ }"));
        assert!(if_none_match(&format!("W/{t}, \"x\""), &t));
        assert!(!if_none_match("\"x\"", &t));
    }

    #[test]
    fn a_long_poll_waits_only_while_the_copy_is_current_and_a_look_fits() {
        // Changed, settled, or past the deadline: answer now.
        assert_eq!(long_poll_wait(false, false, 0, 2_000, 0, 25_000), None);
        assert_eq!(long_poll_wait(true, true, 0, 2_000, 0, 25_000), None);
        assert_eq!(long_poll_wait(true, false, 0, 2_000, 24_000, 25_000), None);
        // Current: sleep until the cached answer may be refreshed.
        assert_eq!(
            long_poll_wait(true, false, 1_000, 2_000, 1_500, 25_000),
            Some(1_500)
        );
        // Already refreshable: look again soon, not in a tight loop.
        assert_eq!(
            long_poll_wait(true, false, 0, 2_000, 5_000, 25_000),
            Some(100)
        );
        assert_eq!(
            long_poll_wait(true, false, 10_000, 2_000, 0, 25_000),
            Some(2_000)
        );
    }
}
