//! Streamdiver (seed 003): a Keycloak realm per tenant; form-encoded `client_credentials` at
//! `/realms/{tenantShortcode}/protocol/openid-connect/token`, no refresh token.

use super::GrantType;
use serde::{Deserialize, Serialize};

/// The token path for a tenant, relative to the authorization server's base URL.
pub fn token_path(tenant_shortcode: &str) -> String {
    format!("/realms/{tenant_shortcode}/protocol/openid-connect/token")
}

/// Token request (form-encoded; HTTP Basic client authentication also works with Keycloak).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRequest {
    /// Always `client_credentials`.
    pub grant_type: GrantType,
    /// The client id assigned during onboarding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The client secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}
redacted_debug!(TokenRequest { grant_type, client_id } secret { client_secret });

/// Token response, as in the document's "Expected response".
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// The access token (a JWT).
    pub access_token: String,
    /// Lifetime in seconds.
    pub expires_in: u64,
    /// `0`: no refresh token is granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_expires_in: Option<u64>,
    /// `Bearer`.
    pub token_type: String,
    /// Keycloak's not-before policy.
    #[serde(
        rename = "not-before-policy",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub not_before_policy: Option<i64>,
    /// Space-separated scopes granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}
redacted_debug!(TokenResponse { expires_in, refresh_expires_in, token_type, not_before_policy, scope } secret { access_token });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_the_documented_answer() {
        let wire = r#"{"access_token":"eyJ...sAQ","expires_in":7200,"refresh_expires_in":0,"token_type":"Bearer","not-before-policy":0,"scope":"email profile"}"#;
        let t: TokenResponse = serde_json::from_str(wire).unwrap();
        assert_eq!(t.not_before_policy, Some(0));
        assert_eq!(serde_json::to_string(&t).unwrap(), wire);
        assert!(!format!("{t:?}").contains("eyJ"));
        assert_eq!(
            token_path("acme"),
            "/realms/acme/protocol/openid-connect/token"
        );
    }
}
