//! Reading a claim from a JWT access token, for routing only (which partner URL to call).
//! The signature is **not** verified — Gatehouse is not the token's audience and holds no key —
//! so a claim read here is never trusted for authorization.

use base64::Engine;

/// Why a claim could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClaimError {
    /// Not three dot-separated base64url parts with a JSON object payload.
    #[error("the access token is not a readable JWT")]
    NotAJwt,
    /// The payload has no such claim, or it is not a string.
    #[error("the access token has no string claim `{0}`")]
    Missing(String),
}

/// Reads the string claim at `path`: first as a literal key (`"AuthServerClaims.Service"`), then
/// as a dotted path into nested objects (`{"AuthServerClaims": {"Service": ...}}`).
pub fn string_claim(token: &str, path: &str) -> Result<String, ClaimError> {
    let mut parts = token.split('.');
    let (Some(_), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ClaimError::NotAJwt);
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| ClaimError::NotAJwt)?;
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| ClaimError::NotAJwt)?;
    let obj = value.as_object().ok_or(ClaimError::NotAJwt)?;
    let found = obj.get(path).or_else(|| {
        path.split('.')
            .try_fold(&value, |v, key| v.as_object()?.get(key))
    });
    found
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .ok_or_else(|| ClaimError::Missing(path.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        let e = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.sig", e(r#"{"alg":"HS256"}"#), e(payload))
    }

    #[test]
    fn nested_and_literal_claim_paths() {
        let t = jwt(r#"{"AuthServerClaims":{"Service":"https://svc.example/"}}"#);
        assert_eq!(
            string_claim(&t, "AuthServerClaims.Service").unwrap(),
            "https://svc.example/"
        );
        let t = jwt(r#"{"AuthServerClaims.Service":"https://flat.example/"}"#);
        assert_eq!(
            string_claim(&t, "AuthServerClaims.Service").unwrap(),
            "https://flat.example/"
        );
    }

    #[test]
    fn unreadable_tokens_and_missing_claims_are_errors_not_panics() {
        assert_eq!(string_claim("opaque-token", "a"), Err(ClaimError::NotAJwt));
        assert_eq!(string_claim("a.b.c.d", "a"), Err(ClaimError::NotAJwt));
        assert_eq!(string_claim("a.!!!.c", "a"), Err(ClaimError::NotAJwt));
        assert_eq!(string_claim(&jwt("[1,2]"), "a"), Err(ClaimError::NotAJwt));
        assert_eq!(
            string_claim(&jwt(r#"{"a":{"b":1}}"#), "a.b"),
            Err(ClaimError::Missing("a.b".into()))
        );
        assert_eq!(
            string_claim(&jwt(r#"{}"#), "a.b"),
            Err(ClaimError::Missing("a.b".into()))
        );
    }
}
