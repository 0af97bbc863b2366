//! Which browser origins may call Gatehouse (CORS, and the CSRF check on session-bearing POSTs):
//! exactly the configured `ALLOWED_ORIGINS`, never a reflected or pattern-matched one; in
//! `development` mode also any loopback origin (`http://localhost:5173`, a portal developer's
//! own dev server), so a local front end works without editing the configuration.

/// The allowed origins of one deployment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OriginPolicy {
    exact: Vec<String>,
    loopback: bool,
}

impl OriginPolicy {
    /// The policy from `ALLOWED_ORIGINS` (comma-separated) and the deployment mode.
    pub fn new(allowed_origins: Option<&str>, mode: &str) -> Self {
        Self {
            exact: allowed_origins
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            loopback: mode == "development",
        }
    }

    /// Whether a browser at `origin` may call.
    pub fn allows(&self, origin: &str) -> bool {
        self.exact.iter().any(|a| a == origin) || (self.loopback && is_loopback(origin))
    }
}

/// `http(s)://localhost|127.0.0.1|[::1]` with an optional port, and nothing else.
fn is_loopback(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !h.is_empty() && !h.ends_with(':') => (h, Some(p)),
        _ => (rest, None),
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    port_ok && matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_origins_only_outside_development() {
        let p = OriginPolicy::new(
            Some(" https://portal.example ,http://127.0.0.1:18799"),
            "production",
        );
        assert!(p.allows("https://portal.example"));
        assert!(p.allows("http://127.0.0.1:18799"));
        assert!(!p.allows("http://localhost:5173"));
        assert!(!p.allows("https://portal.example.evil"));
        assert!(!OriginPolicy::new(None, "staging").allows("http://127.0.0.1:5173"));
    }

    #[test]
    fn loopback_origins_in_development() {
        let p = OriginPolicy::new(None, "development");
        for ok in [
            "http://localhost:5173",
            "http://127.0.0.1:3000",
            "http://[::1]:8080",
            "https://localhost",
            "http://localhost",
        ] {
            assert!(p.allows(ok), "{ok}");
        }
        for bad in [
            "http://127.0.0.1:18799.evil.example",
            "http://localhost.evil.example",
            "http://evil.example:5173",
            "http://localhost:5173/path",
            "http://localhost:",
            "http://localhost:99999x",
            "http://user@localhost:5173",
            "null",
            "file://",
            "http://[::1]::1",
        ] {
            assert!(!p.allows(bad), "{bad}");
        }
    }
}
