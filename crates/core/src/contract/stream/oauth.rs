//! Stream's token endpoint: the `client_credentials` / `refresh_token` request, its answer, and
//! the body of Stream's non-OAuth error answers.

use super::values::Scope;
use crate::contract::GrantType;
use serde::{Deserialize, Deserializer, Serialize};

/// Reads a Unix time given as a JSON integer or a float (the document says "number").
fn unix_seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let value = Option::<f64>::deserialize(deserializer)?;
    match value {
        None => Ok(None),
        Some(v) if v.is_finite() && v.abs() < 1e15 => Ok(Some(v.floor() as i64)),
        Some(_) => Err(serde::de::Error::custom(
            "exp is not a Unix time in seconds",
        )),
    }
}

/// `token` request (JSON body): a `client_credentials` or `refresh_token` grant.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRequest {
    /// `client_credentials` or `refresh_token`.
    pub grant_type: GrantType,
    /// The API key given by the application.
    pub client_id: String,
    /// The API token given by the application (a secret).
    pub client_secret: String,
    /// Requested expiry, seconds since the Unix epoch; at most one hour after issue.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unix_seconds"
    )]
    pub exp: Option<i64>,
    /// The permissions the application requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<Scope>>,
    /// The refresh token, only when `grant_type` is `refresh_token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}
redacted_debug!(TokenRequest { grant_type, client_id, exp, scopes } secret { client_secret, refresh_token });

/// `token` response.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// Always `"bearer"`.
    pub token_type: String,
    /// The refresh token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Access-token lifetime in seconds.
    pub expires_in: u64,
    /// Refresh-token lifetime in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_expires_in: Option<u64>,
    /// The permissions granted.
    #[serde(default)]
    pub scopes: Vec<Scope>,
}
redacted_debug!(TokenResponse { token_type, expires_in, refresh_token_expires_in, scopes } secret { access_token, refresh_token });

/// The body of Stream's non-OAuth error answers: `{"error":"<code>","message":"..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `invalid_token`, `org_not_found`, `invalid_state`.
    pub error: String,
    /// Human-readable detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_request_reads_the_documented_sample_and_masks_secrets_in_debug() {
        let r: TokenRequest = serde_json::from_str(
            r#"{"grant_type":"client_credentials","client_id":"id","client_secret":"s3cr3t-value","exp":1700000000.7,"scopes":["user","sso","new_one"],"refresh_token":"rt-value"}"#,
        )
        .unwrap();
        assert_eq!(r.grant_type, GrantType::ClientCredentials);
        assert_eq!(r.exp, Some(1_700_000_000));
        assert_eq!(
            r.scopes,
            Some(vec![
                Scope::User,
                Scope::Sso,
                Scope::Other("new_one".into())
            ])
        );
        let debug = format!("{r:?}");
        assert!(
            !debug.contains("s3cr3t-value") && !debug.contains("rt-value"),
            "{debug}"
        );
        assert!(debug.contains("client_id: \"id\""));
        let minimal: TokenRequest = serde_json::from_str(
            r#"{"grant_type":"refresh_token","client_id":"i","client_secret":"s"}"#,
        )
        .unwrap();
        assert_eq!(minimal.exp, None);
        assert_eq!(
            serde_json::to_string(&minimal).unwrap(),
            r#"{"grant_type":"refresh_token","client_id":"i","client_secret":"s"}"#
        );
        assert!(serde_json::from_str::<TokenRequest>(
            r#"{"grant_type":"client_credentials","client_id":"i"}"#
        )
        .is_err());
        assert!(serde_json::from_str::<TokenRequest>(
            r#"{"grant_type":"client_credentials","client_id":"i","client_secret":"s","exp":"soon"}"#
        )
        .is_err());
    }

    #[test]
    fn token_response_matches_the_documented_sample() {
        let wire = r#"{"access_token":"a","token_type":"bearer","refresh_token":"r","expires_in":3600,"refresh_token_expires_in":2592000,"scopes":["user","sso"]}"#;
        let t: TokenResponse = serde_json::from_str(wire).unwrap();
        assert_eq!(t.scopes, vec![Scope::User, Scope::Sso]);
        assert_eq!(serde_json::to_string(&t).unwrap(), wire);
        assert!(!format!("{t:?}").contains("\"a\""));
    }
}
