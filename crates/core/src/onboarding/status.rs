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
}
