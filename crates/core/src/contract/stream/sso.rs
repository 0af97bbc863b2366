//! Stream's white-label SSO (seed 001): `generate-session` and its one-time login token.

use super::values::Role;
use serde::{Deserialize, Serialize};

/// `generateSSOSession` query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateSessionQuery {
    /// The partner to create the session for, when the caller manages several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_id: Option<String>,
}

/// `generateSSOSession` request: the user to sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateSessionRequest {
    /// The user's email address.
    pub email: String,
    /// The user's full name.
    pub full_name: String,
    /// The user's phone number.
    pub phone_number: String,
    /// The user's role within the organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The partner's own organization identifier; users sharing it share an organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_org_id: Option<String>,
}

/// `generateSSOSession` response: a one-time login token for
/// `<WHITE_LABEL_DOMAIN>/redirect/sso?code=<sso_login_token>`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateSessionResponse {
    /// The one-time token; a second use gives `sso_token_redeemed`.
    pub sso_login_token: String,
}
redacted_debug!(GenerateSessionResponse {} secret { sso_login_token });

/// The error code the white-label application shows when an SSO login token is used twice.
pub const SSO_TOKEN_REDEEMED: &str = "sso_token_redeemed";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_one_time_login_token_is_masked() {
        let s = GenerateSessionResponse {
            sso_login_token: "one-time".into(),
        };
        assert_eq!(
            format!("{s:?}"),
            "GenerateSessionResponse { sso_login_token: [redacted] }"
        );
    }
}
