//! Token responses, parsed tolerantly (sans-IO): partners send `expires_in` as a number, a
//! string or not at all, and error bodies that are RFC 6749 JSON, empty, or HTML.

use crate::secret::{AccessToken, RefreshToken};
use serde::Deserialize;

/// A successfully parsed token response.
#[derive(Debug, Clone)]
pub struct TokenSet {
    /// The access token.
    pub access_token: AccessToken,
    /// The refresh token, when the partner issued one.
    pub refresh_token: Option<RefreshToken>,
    /// Lifetime in seconds as the partner stated it (`None` when missing or unreadable).
    pub expires_in: Option<u64>,
    /// Scopes granted: Stream's `scopes` array or the space-separated RFC 6749 `scope`.
    pub scopes: Vec<String>,
    /// Every other field of the answer, kept as sent (`svc`, `org_id`, `refresh_expires_in`,
    /// `not-before-policy`, a `user` object, ...).
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Why a token endpoint's answer is not a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// An RFC 6749 error answer (`invalid_grant`, `invalid_client`, ...).
    #[error("token endpoint answered {status} with OAuth error `{error}`")]
    OAuth {
        /// HTTP status.
        status: u16,
        /// The `error` field.
        error: String,
    },
    /// A non-2xx answer without a readable OAuth error (HTML page, empty body, ...).
    #[error("token endpoint answered {status} without an OAuth error body")]
    Http {
        /// HTTP status.
        status: u16,
    },
    /// A 2xx answer that is not a token response.
    #[error("token endpoint answered a body that is not a token response: {0}")]
    Malformed(String),
}

#[derive(Deserialize)]
struct RawToken {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    scopes: Option<Vec<String>>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(flatten)]
    extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct RawError {
    error: String,
}

/// Reads `expires_in` given as a JSON number or a numeric string.
fn lifetime(value: Option<&serde_json::Value>) -> Option<u64> {
    match value? {
        serde_json::Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Parses a token endpoint answer from its status and body bytes.
pub fn parse_token_response(status: u16, body: &[u8]) -> Result<TokenSet, TokenError> {
    if !(200..300).contains(&status) {
        return Err(match serde_json::from_slice::<RawError>(body) {
            Ok(e) if !e.error.is_empty() => TokenError::OAuth {
                status,
                error: e.error,
            },
            _ => TokenError::Http { status },
        });
    }
    let raw: RawToken = serde_json::from_slice(body).map_err(|e| {
        // The serde message names the field or position, never the body's content.
        TokenError::Malformed(e.to_string())
    })?;
    if raw.access_token.is_empty() {
        return Err(TokenError::Malformed("empty access_token".into()));
    }
    let scopes = match (raw.scopes, raw.scope) {
        (Some(list), _) => list,
        (None, Some(s)) => s.split_whitespace().map(str::to_owned).collect(),
        (None, None) => Vec::new(),
    };
    Ok(TokenSet {
        access_token: AccessToken::new(raw.access_token),
        refresh_token: raw
            .refresh_token
            .filter(|r| !r.is_empty())
            .map(RefreshToken::new),
        expires_in: lifetime(raw.expires_in.as_ref()),
        scopes,
        extra: raw.extra,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_json_response() {
        let t = parse_token_response(
            200,
            br#"{"access_token":"a","token_type":"bearer","refresh_token":"r","expires_in":3600,"refresh_token_expires_in":2592000,"scopes":["sso","user"]}"#,
        )
        .unwrap();
        assert_eq!(t.access_token.expose(), "a");
        assert_eq!(t.refresh_token.unwrap().expose(), "r");
        assert_eq!(t.expires_in, Some(3600));
        assert_eq!(t.scopes, vec!["sso", "user"]);
    }

    #[test]
    fn expires_in_as_string_or_missing_and_space_scope() {
        let t = parse_token_response(
            200,
            br#"{"access_token":"a","expires_in":"7200","scope":"email profile"}"#,
        )
        .unwrap();
        assert_eq!(t.expires_in, Some(7200));
        assert_eq!(t.scopes, vec!["email", "profile"]);
        assert!(t.refresh_token.is_none());
        let t = parse_token_response(200, br#"{"access_token":"a"}"#).unwrap();
        assert_eq!(t.expires_in, None);
        let t = parse_token_response(
            200,
            br#"{"access_token":"a","refresh_expires_in":0,"not-before-policy":0,"svc":"https://s/"}"#,
        )
        .unwrap();
        assert_eq!(t.extra["svc"], "https://s/");
        assert_eq!(t.extra["refresh_expires_in"], 0);
        assert!(
            t.refresh_token.is_none(),
            "refresh_expires_in: 0 and no refresh token: none held"
        );
    }

    #[test]
    fn errors_are_classified_without_panicking() {
        assert_eq!(
            parse_token_response(400, br#"{"error":"invalid_grant","error_description":"x"}"#)
                .unwrap_err(),
            TokenError::OAuth {
                status: 400,
                error: "invalid_grant".into()
            }
        );
        assert_eq!(
            parse_token_response(502, b"<html>bad gateway</html>").unwrap_err(),
            TokenError::Http { status: 502 }
        );
        assert_eq!(
            parse_token_response(500, b"").unwrap_err(),
            TokenError::Http { status: 500 }
        );
        assert!(matches!(
            parse_token_response(200, b"{\"access_tok").unwrap_err(),
            TokenError::Malformed(_)
        ));
        assert!(matches!(
            parse_token_response(200, br#"{"access_token":""}"#).unwrap_err(),
            TokenError::Malformed(_)
        ));
    }
}
