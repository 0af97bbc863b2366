//! Fresh unguessable values, and the register of every token, code and secret the sandbox has
//! handed out since it started (never cleared by `/_control/reset`), so a test run's leak scan
//! can look for each of them in logs and pages.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore as _;
use std::sync::Mutex;

static ISSUED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// A fresh unguessable value: 32 random bytes, base64url without padding (43 characters).
/// Recorded in the issued-secrets register.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    record_issued(&token);
    token
}

/// Adds a value to the issued-secrets register.
pub(crate) fn record_issued(value: &str) {
    if let Ok(mut v) = ISSUED.lock() {
        v.push(value.to_owned());
    }
}

/// The issued-secrets register.
pub(crate) fn issued() -> Vec<String> {
    ISSUED.lock().map(|v| v.clone()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_tokens_are_long_and_distinct() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(a, random_token());
    }
}
