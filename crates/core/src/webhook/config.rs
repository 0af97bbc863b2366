//! The webhook settings: `WEBHOOK_URLS` (where events go) and `WEBHOOK_SECRET` (the signing
//! keys).

/// Why a webhook setting is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookConfigError {
    /// A URL that is not absolute `https://` (or `http://` to the loopback host).
    #[error(
        "WEBHOOK_URLS: {0:?} is not an https:// URL (http:// only for 127.0.0.1 or localhost)"
    )]
    BadUrl(String),
    /// More targets than the outbox serves.
    #[error("WEBHOOK_URLS: at most {MAX_TARGETS} URLs")]
    TooMany,
    /// No key, or one shorter than 32 bytes.
    #[error("WEBHOOK_SECRET: each comma-separated key must be at least 32 bytes")]
    WeakKey,
}

/// Most webhook URLs.
pub const MAX_TARGETS: usize = 8;

/// Parses `WEBHOOK_URLS` (comma-separated, exact URLs). Empty → no webhooks.
pub fn parse_targets(value: &str) -> Result<Vec<String>, WebhookConfigError> {
    let targets = crate::comma_list(value);
    if targets.len() > MAX_TARGETS {
        return Err(WebhookConfigError::TooMany);
    }
    for t in &targets {
        if !target_ok(t) {
            return Err(WebhookConfigError::BadUrl(t.clone()));
        }
    }
    Ok(targets)
}

fn target_ok(url: &str) -> bool {
    url.len() <= 2048 && crate::onboarding::safe_absolute_url(url)
}

/// Parses `WEBHOOK_SECRET`: one key, or several comma-separated during a rotation (each signs;
/// the first is the current one).
pub fn parse_keys(value: &str) -> Result<Vec<String>, WebhookConfigError> {
    let keys = crate::comma_list(value);
    if keys.is_empty() || keys.iter().any(|k| k.len() < 32) {
        return Err(WebhookConfigError::WeakKey);
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_exact_https_or_loopback_http() {
        assert_eq!(
            parse_targets(" https://a.example/hook , http://127.0.0.1:9/x").unwrap(),
            vec!["https://a.example/hook", "http://127.0.0.1:9/x"]
        );
        assert_eq!(parse_targets("").unwrap(), Vec::<String>::new());
        for bad in [
            "http://a.example/hook",
            "ftp://a.example",
            "https://",
            "https://user@a.example/",
            "https://a.example/ x",
            "https://a.example/#frag",
            "/relative",
            "javascript:alert(1)",
            "http://127.0.0.1.evil.example/",
        ] {
            assert!(parse_targets(bad).is_err(), "{bad}");
        }
        let many = ["https://a.example/"; MAX_TARGETS + 1].join(",");
        assert_eq!(parse_targets(&many), Err(WebhookConfigError::TooMany));
    }

    #[test]
    fn keys_need_32_bytes_each() {
        let k = "k".repeat(32);
        assert_eq!(parse_keys(&k).unwrap(), vec![k.clone()]);
        assert_eq!(parse_keys(&format!("{k},{k}x")).unwrap().len(), 2);
        assert!(parse_keys("").is_err());
        assert!(parse_keys(&format!("{k},short")).is_err());
    }
}
