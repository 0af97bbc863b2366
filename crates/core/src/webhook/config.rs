//! The webhook settings: `WEBHOOK_URLS` (where events go) and `WEBHOOK_SECRET` (the signing
//! keys).

/// Why a webhook setting is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookConfigError {
    /// A URL that is not absolute `https://` (or `http://` to the loopback host).
    #[error(
        "WEBHOOK_URLS: \"{0}\" is not an https:// URL (http:// only for 127.0.0.1 or localhost)"
    )]
    BadUrl(String),
    /// More targets than the outbox serves.
    #[error("WEBHOOK_URLS: at most {MAX_TARGETS} URLs")]
    TooMany,
    /// No key, or one that is not `whsec_` and the base64 of 24 to 64 bytes.
    #[error("WEBHOOK_SECRET: each comma-separated key must be `whsec_` and the base64 of 24 to 64 random bytes (Standard Webhooks), e.g. whsec_$(openssl rand -base64 32)")]
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

/// The prefix of a Standard Webhooks signing secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// Parses `WEBHOOK_SECRET`: one `whsec_…` key, or several comma-separated during a rotation
/// (each signs; the first is the current one). Answers each key's bytes.
pub fn parse_keys(value: &str) -> Result<Vec<Vec<u8>>, WebhookConfigError> {
    use base64::engine::general_purpose::STANDARD as B64;
    use base64::Engine;
    let keys: Vec<Vec<u8>> = crate::comma_list(value)
        .iter()
        .map(|k| {
            k.strip_prefix(SECRET_PREFIX)
                .and_then(|b| B64.decode(b).ok())
                .filter(|bytes| (24..=64).contains(&bytes.len()))
                .ok_or(WebhookConfigError::WeakKey)
        })
        .collect::<Result<_, _>>()?;
    if keys.is_empty() {
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
    fn keys_are_standard_webhooks_secrets() {
        // whsec_ + base64 of 32 bytes 0..32.
        let k = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        assert_eq!(parse_keys(k).unwrap(), vec![(0u8..32).collect::<Vec<_>>()]);
        assert_eq!(parse_keys(&format!("{k}, {k}")).unwrap().len(), 2);
        for bad in [
            "",
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            "whsec_not base64!",
            "whsec_AAECAwQFBgcICQoLDA0ODxAREhMU",
            &format!("whsec_{}", "A".repeat(100)),
            &format!("{k},whsec_short"),
        ] {
            assert_eq!(parse_keys(bad), Err(WebhookConfigError::WeakKey), "{bad}");
        }
    }
}
