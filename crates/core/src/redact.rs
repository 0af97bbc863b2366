//! The redaction rule behind the worker's one logging point. It masks what is secret, and keeps
//! ids readable so logs can trace an onboarding:
//!
//! - every value the caller knows to be secret (configured secrets, every token that passed
//!   through; the worker keeps them per isolate) wherever it appears;
//! - JWT-shaped words (`eyJ….….…`);
//! - `token`/`secret`/`password`/`code`/`authorization`/`key` parameters (`k=v`);
//! - opaque credential-shaped segments: 24 or more characters of the base64url alphabet mixing
//!   upper and lower case (random tokens are; Stream's 24-hex `_id`s, UUIDs, `evt_…` ids and
//!   snake_case codes are not, and stay readable).
//!
//! Callers never format secrets into messages; this is the second fence.

/// Masks values that look like credentials in a free-form string.
pub fn redact(value: &str) -> String {
    redact_with(value, &[])
}

/// Masks every occurrence of a `known` secret (values shorter than 8 characters are ignored),
/// then what looks like a credential.
pub fn redact_with(value: &str, known: &[&str]) -> String {
    let mut value = value.to_owned();
    for k in known.iter().filter(|k| k.len() >= 8) {
        if value.contains(k) {
            value = value.replace(k, "[redacted]");
        }
    }
    let mut out = String::with_capacity(value.len());
    for (i, word) in value.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&redact_word(word));
    }
    out
}

fn redact_word(word: &str) -> String {
    const KEYS: [&str; 6] = [
        "token",
        "secret",
        "password",
        "code",
        "authorization",
        "key",
    ];
    // key=value pairs in query strings and form bodies
    if word.contains('=') {
        return word
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if KEYS.iter().any(|s| k.to_ascii_lowercase().contains(s)) => {
                    format!("{k}=[redacted]")
                }
                _ => pair.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("&");
    }
    // JWT-shaped words, and long opaque path segments that mix letters and digits (tokens,
    // codes); plain path segments such as `credentials` stay readable.
    if word.starts_with("eyJ") && word.matches('.').count() >= 2 {
        return "[redacted]".to_owned();
    }
    word.split('/')
        .map(|seg| if looks_opaque(seg) { "[redacted]" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

fn looks_opaque(seg: &str) -> bool {
    seg.len() >= 24
        && seg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.~+=".contains(c))
        && seg.chars().any(|c| c.is_ascii_uppercase())
        && seg.chars().any(|c| c.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::{redact, redact_with};

    #[test]
    fn ids_stay_readable_and_known_secrets_are_masked_anywhere() {
        // Stream's ObjectId-style ids, UUIDs, event ids and codes: readable.
        for readable in [
            "onboarding 6650f1c2e4b0a1b2c3d4e5f6 active",
            "org 123e4567-e89b-12d3-a456-426614174000",
            "evt_onb_6650f1c2e4b0a1b2c3d4e5f6_active",
            "credential omniretain-company-1 token_failure partner_unavailable",
            "/onboarding/integrations/6650f1c2e4b0a1b2c3d4e5f6/complete",
        ] {
            assert_eq!(redact(readable), readable);
        }
        // Random tokens (32 bytes base64url, Django OAuth Toolkit's 30 characters): masked.
        assert_eq!(
            redact("rt kS0n5QfU2xLr9yVbq_Xw-3GmHdT7aJcZeE1oNpRiMu"),
            "rt [redacted]"
        );
        assert_eq!(redact("4kE4mqmgVam5SDwTVpSJRfiwbv8G9l"), "[redacted]");
        // A known secret is masked wherever it stands, even glued to other text or too short
        // or too plain for the shape rules.
        assert_eq!(
            redact_with("x=1;sandbox-stream-secret;y", &["sandbox-stream-secret"]),
            "x=1;[redacted];y"
        );
        assert_eq!(
            redact_with(
                "dev-admin-key-change-me",
                &["dev-admin-key-change-me", "short"]
            ),
            "[redacted]"
        );
    }

    #[test]
    fn masks_credential_shapes_and_keeps_plain_words() {
        assert_eq!(
            redact("token call failed status=503"),
            "token call failed status=503"
        );
        assert_eq!(
            redact("grant_type=refresh_token&refresh_token=abc&client_secret=s"),
            "grant_type=refresh_token&refresh_token=[redacted]&client_secret=[redacted]"
        );
        assert_eq!(
            redact("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"),
            "Bearer [redacted]"
        );
        assert_eq!(
            redact("got Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4"),
            "got [redacted]"
        );
        assert_eq!(
            redact("/redirect/sso?code=abc"),
            "/redirect/sso?code=[redacted]"
        );
    }
}
