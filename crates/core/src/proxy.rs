//! The proxy's allowlist: which methods and paths trusted server code may call on a partner
//! with a credential's token. Patterns match whole segments: `*` is one segment, a final `**`
//! the rest. Paths with dot segments, empty segments, backslashes or encoded `/` `\` `.` never
//! match, so nothing can climb out of an allowed prefix.

use crate::tokens::profile::ProxyRule;

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
}
