//! The proxy's allowlist: which methods and paths trusted server code may call on a partner
//! with a credential's token. Patterns match whole segments: `*` is one segment, a final `**`
//! the rest. Paths with dot segments, empty segments, backslashes or encoded `/` `\` `.` never
//! match, so nothing can climb out of an allowed prefix.

use crate::tokens::profile::ProxyRule;

/// The caller's request headers passed on to the partner (end-to-end headers a client of a REST
/// API relies on). Everything else stays behind: `Authorization` (the partner gets the
/// credential's token instead), `Cookie`, `Host`, hop-by-hop headers (`Connection`,
/// `Keep-Alive`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`, `Proxy-*`), forwarding and
/// platform headers (`X-Forwarded-*`, `CF-*`) and Gatehouse's own (`Gatehouse-*`).
pub const REQUEST_HEADERS: &[&str] = &[
    "accept",
    "accept-encoding",
    "accept-language",
    "content-type",
    "idempotency-key",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-unmodified-since",
    "prefer",
];

/// The partner's answer headers passed back to the caller: the content's own, caching
/// validators, pagination, rate limits (the IETF `RateLimit` fields and the common
/// `X-RateLimit-*`) and deprecation notices. `Set-Cookie`, `WWW-Authenticate` (the partner's
/// challenge is about Gatehouse's token, not the caller's key), hop-by-hop and length/encoding
/// headers (the runtime sets those for the body it sends) never are; `Cache-Control` is always
/// Gatehouse's `no-store`.
pub const RESPONSE_HEADERS: &[&str] = &[
    "content-type",
    "content-language",
    "content-range",
    "accept-ranges",
    "etag",
    "last-modified",
    "link",
    "retry-after",
    "deprecation",
    "sunset",
    "preference-applied",
    "ratelimit",
    "ratelimit-policy",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "x-ratelimit-used",
];

/// Whether the partner's answer header `name` passes back ([`RESPONSE_HEADERS`]).
pub fn passes_back(name: &str) -> bool {
    RESPONSE_HEADERS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(name))
}

/// Whether `method` on `path` (relative to the partner API base, query excluded) is allowed.
pub fn allowed(rules: &[ProxyRule], method: &str, path: &str) -> bool {
    let Some(segments) = clean_segments(path) else {
        return false;
    };
    rules.iter().any(|r| {
        r.methods.iter().any(|m| m.eq_ignore_ascii_case(method)) && matches(&r.path, &segments)
    })
}

fn clean_segments(path: &str) -> Option<Vec<&str>> {
    let rest = path.strip_prefix('/')?;
    let lower = rest.to_ascii_lowercase();
    if rest.contains('\\')
        || ["%2f", "%5c", "%2e", "%00"]
            .iter()
            .any(|e| lower.contains(e))
    {
        return None;
    }
    let segs: Vec<&str> = rest.split('/').collect();
    if segs.iter().any(|s| s.is_empty() || *s == "." || *s == "..") {
        return None;
    }
    Some(segs)
}

fn matches(pattern: &str, segments: &[&str]) -> bool {
    let pat: Vec<&str> = pattern.trim_start_matches('/').split('/').collect();
    let mut i = 0;
    for (n, p) in pat.iter().enumerate() {
        if *p == "**" && n == pat.len() - 1 {
            return i < segments.len();
        }
        match segments.get(i) {
            Some(s) if *p == "*" || p == s => i += 1,
            _ => return false,
        }
    }
    i == segments.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Vec<ProxyRule> {
        vec![
            ProxyRule {
                methods: vec!["GET".into()],
                path: "/v2/tenants/*/settings".into(),
            },
            ProxyRule {
                methods: vec!["GET".into(), "POST".into()],
                path: "/partner-tokens/**".into(),
            },
            ProxyRule {
                methods: vec!["get".into()],
                path: "/partner-tokens".into(),
            },
        ]
    }

    #[test]
    fn whole_segment_patterns() {
        let r = rules();
        assert!(allowed(&r, "GET", "/v2/tenants/current/settings"));
        assert!(!allowed(&r, "POST", "/v2/tenants/current/settings"));
        assert!(!allowed(&r, "GET", "/v2/tenants/current/settings/x"));
        assert!(!allowed(&r, "GET", "/v2/tenants/settings"));
        assert!(allowed(&r, "POST", "/partner-tokens/abc/rename"));
        assert!(allowed(&r, "GET", "/partner-tokens"));
        assert!(!allowed(&r, "DELETE", "/partner-tokens/abc"));
    }

    #[test]
    fn traversal_and_encoding_tricks_never_match() {
        let r = rules();
        for p in [
            "/partner-tokens/../white-label/generate-session",
            "/partner-tokens/%2e%2e/x",
            "/partner-tokens/a%2Fb",
            "/partner-tokens//x",
            "/partner-tokens/a\\..\\b",
            "partner-tokens/x",
            "/v2/tenants/./settings",
            "",
        ] {
            assert!(!allowed(&r, "GET", p), "{p}");
        }
    }

    #[test]
    fn headers_pass_by_allowlist_both_ways() {
        for passes in [
            "ETag",
            "link",
            "RateLimit-Remaining",
            "ratelimit-policy",
            "X-RateLimit-Reset",
            "Retry-After",
            "content-type",
            "Sunset",
        ] {
            assert!(passes_back(passes), "{passes}");
        }
        for stays in [
            "set-cookie",
            "www-authenticate",
            "connection",
            "transfer-encoding",
            "content-length",
            "content-encoding",
            "cache-control",
            "x-internal-debug",
            "gatehouse-anything",
            "server",
        ] {
            assert!(!passes_back(stays), "{stays}");
        }
        for never in [
            "authorization",
            "cookie",
            "host",
            "connection",
            "te",
            "x-forwarded-for",
            "cf-connecting-ip",
            "gatehouse-organization",
            "proxy-authorization",
        ] {
            assert!(!REQUEST_HEADERS.contains(&never), "{never}");
        }
    }
}
