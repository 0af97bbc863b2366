//! A partner API base that comes from a token (PowerEPOS's service URI in the JWT claim
//! `AuthServerClaims.Service`, any `api_base_claim`) is untrusted input: Gatehouse sends the
//! bearer token and the caller's body there. Before any call it must be (docs/security.md
//! item 26):
//!
//! - `https://` — plain `http://` only to a loopback host (`127.0.0.1`, `localhost`, `[::1]`) and
//!   only where the deployment allows it (`development`);
//! - without userinfo, query, fragment, backslashes, spaces or control characters, so the
//!   allowlisted proxy path can never be turned into a query string or another authority;
//! - on a host of the credential's allowlist (`api_hosts`): an exact host, or `*.suffix` for any
//!   host under `suffix` (not `suffix` itself). Ports are not part of the match.
//!
//! The check runs when a token arrives and again when token state is loaded from storage.

/// Why a claimed API base is refused (the message is safe to log: it never holds a token).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiBaseError {
    /// Not `https://` (or loopback `http://` where allowed).
    #[error("the claimed API base is not an https URL")]
    Scheme,
    /// Userinfo, query, fragment or characters that change how the URL is read.
    #[error("the claimed API base has userinfo, a query, a fragment or unsafe characters")]
    Shape,
    /// The host is not on the credential's `api_hosts`.
    #[error("the claimed API host `{0}` is not on the credential's api_hosts")]
    HostNotAllowed(String),
}

/// Whether `pattern` (`host` or `*.suffix`) is an acceptable `api_hosts` entry.
pub fn valid_host_pattern(pattern: &str) -> bool {
    let host = pattern.strip_prefix("*.").unwrap_or(pattern);
    !host.is_empty()
        && host.len() <= 253
        && !host.starts_with('.')
        && !host.ends_with('.')
        && !host.contains("..")
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

fn host_matches(host: &str, pattern: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(suffix) => host
            .strip_suffix(suffix)
            .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
        None => host == pattern,
    }
}

fn is_loopback(host: &str) -> bool {
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// Checks a claimed API base against `hosts`; answers it without a trailing `/`.
pub fn check(url: &str, hosts: &[String], loopback_http: bool) -> Result<String, ApiBaseError> {
    let (secure, rest) = if let Some(r) = url.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = url.strip_prefix("http://") {
        (false, r)
    } else {
        return Err(ApiBaseError::Scheme);
    };
    if url.contains(['?', '#', '\\', '@']) || !url.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiBaseError::Shape);
    }
    let authority = rest.split('/').next().unwrap_or("");
    let host = if authority.starts_with('[') {
        authority
            .split_once(']')
            .map(|(h, _)| format!("{h}]"))
            .unwrap_or_default()
    } else {
        authority
            .rsplit_once(':')
            .map_or(authority, |(h, port)| {
                if port.bytes().all(|b| b.is_ascii_digit()) {
                    h
                } else {
                    authority
                }
            })
            .to_owned()
    };
    let host = host.to_ascii_lowercase();
    if host.is_empty() || host.contains(':') && !host.starts_with('[') {
        return Err(ApiBaseError::Shape);
    }
    let plain_http_allowed = loopback_http && is_loopback(&host);
    if !secure && !plain_http_allowed {
        return Err(ApiBaseError::Scheme);
    }
    if !hosts
        .iter()
        .any(|p| host_matches(&host, &p.to_ascii_lowercase()))
    {
        return Err(ApiBaseError::HostNotAllowed(host));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts() -> Vec<String> {
        vec!["*.powerepos.cloud".into(), "127.0.0.1".into()]
    }

    #[test]
    fn allowlisted_https_bases_pass() {
        assert_eq!(
            check("https://eu1.powerepos.cloud/ps/", &hosts(), false).unwrap(),
            "https://eu1.powerepos.cloud/ps"
        );
        assert!(check("https://a.b.powerepos.cloud", &hosts(), false).is_ok());
        assert!(check("https://EU1.PowerEPOS.cloud:8443/x", &hosts(), false).is_ok());
        assert!(check("http://127.0.0.1:8790/powerepos-api", &hosts(), true).is_ok());
    }

    #[test]
    fn everything_else_is_refused() {
        use ApiBaseError::*;
        for (url, why) in [
            // The suffix itself, look-alikes and other hosts.
            ("https://powerepos.cloud/x", "host"),
            ("https://evilpowerepos.cloud/x", "host"),
            ("https://powerepos.cloud.evil.example/x", "host"),
            ("https://evil.example/x", "host"),
            ("https://127.0.0.2/x", "host"),
            // A query or fragment would turn the proxied path into a parameter.
            ("https://eu1.powerepos.cloud/x?", "shape"),
            ("https://eu1.powerepos.cloud/x?u=", "shape"),
            ("https://eu1.powerepos.cloud/x#", "shape"),
            // Userinfo hides the real host.
            ("https://eu1.powerepos.cloud@evil.example/", "shape"),
            ("https://u:p@eu1.powerepos.cloud/", "shape"),
            ("https://eu1.powerepos.cloud\\@evil.example/", "shape"),
            ("https://eu1.powerepos.cloud /x", "shape"),
            ("https://eu1.powerepos.cloud/x\r\n", "shape"),
            ("https://eu1.powerepos.cloud:x@evil/", "shape"),
            // Scheme.
            ("http://eu1.powerepos.cloud/", "scheme"),
            ("http://127.0.0.1:8790/", "scheme"), // loopback http not allowed here
            ("javascript:alert(1)", "scheme"),
            ("//eu1.powerepos.cloud/", "scheme"),
            ("", "scheme"),
            ("https://", "shape"),
        ] {
            let err = check(url, &hosts(), false).unwrap_err();
            let kind = match err {
                Scheme => "scheme",
                Shape => "shape",
                HostNotAllowed(_) => "host",
            };
            assert_eq!(kind, why, "{url}: {err}");
        }
        // Loopback http is only loopback.
        assert_eq!(
            check("http://evil.example/", &hosts(), true).unwrap_err(),
            Scheme
        );
        // No allowlist, no host.
        assert!(check("https://eu1.powerepos.cloud/", &[], false).is_err());
    }

    #[test]
    fn host_patterns() {
        for ok in ["a.example", "*.example.com", "127.0.0.1", "localhost"] {
            assert!(valid_host_pattern(ok), "{ok}");
        }
        for bad in [
            "",
            "*.",
            "*",
            "a..b",
            ".a",
            "a/b",
            "https://a",
            "a b",
            "*.*.a",
        ] {
            assert!(!valid_host_pattern(bad), "{bad}");
        }
    }
}
