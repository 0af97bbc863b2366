//! OmniRetain (seed 002): a Django OAuth Toolkit server with one OAuth application per company.
//! Tokens come from `/backend/core/authentication/token/` with the `password` grant (the
//! application's service user), `client_credentials` or `refresh_token`; errors are RFC 6749
//! bodies ([`OAuthErrorBody`](super::OAuthErrorBody)).

use super::GrantType;
use serde::{Deserialize, Serialize};

/// The token path, relative to the OmniRetain base URL.
pub const TOKEN_PATH: &str = "/backend/core/authentication/token/";

/// Token request (form-encoded; the client may instead authenticate with HTTP Basic, leaving
/// `client_id`/`client_secret` out).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRequest {
    /// `password`, `client_credentials` or `refresh_token`.
    pub grant_type: GrantType,
    /// The application's client id, when not sent with HTTP Basic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The application's client secret, when not sent with HTTP Basic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// The service user's username (an email), for `password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The service user's password, for `password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// The refresh token, for `refresh_token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Space-separated scopes (`read write`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}
redacted_debug!(TokenRequest { grant_type, client_id, username, scope } secret { client_secret, password, refresh_token });

/// The user a `password` grant was issued for (as the document's sample shows it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// User id.
    pub id: u64,
    /// Username (an email).
    pub username: String,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// The company the user belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<u64>,
    /// Whether the account is active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
}

/// Token response: `expires_in` is 36000 in the document; no refresh token for
/// `client_credentials`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// Lifetime in seconds.
    pub expires_in: u64,
    /// `Bearer`.
    pub token_type: String,
    /// Space-separated scopes granted (`read write`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The refresh token (rotated on every use).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The user, for `password` grants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
}
redacted_debug!(TokenResponse { expires_in, token_type, scope, user } secret { access_token, refresh_token });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_password_grant_answer() {
        let t: TokenResponse = serde_json::from_str(
            r#"{ "access_token": "cBAIuuMULbNhaBbQUKng8hwniNqSQZ", "expires_in": 36000, "token_type": "Bearer", "scope": "read write", "refresh_token": "4kE4mqmgVam5SDwTVpSJRfiwbv8G9l",
            "user": { "id": 1, "last_login": "2021-06-23T14:48:38.233402Z", "is_superuser": true, "first_name": "Admin", "last_name": "User", "is_staff": true, "is_active": true, "date_joined": "2021-03-30T08:09:45.975000Z", "username": "admin@organizationretain.co", "email": "admin@organizationretain.co", "company": 1, "phone": null, "is_verified": true, "role": null, "deletion_allowed": true } }"#,
        )
        .unwrap();
        assert_eq!(t.expires_in, 36000);
        assert_eq!(t.user.as_ref().and_then(|u| u.company), Some(1));
        let debug = format!("{t:?}");
        assert!(
            !debug.contains("cBAIuu") && !debug.contains("4kE4mq"),
            "{debug}"
        );
    }

    #[test]
    fn client_credentials_answer_has_no_refresh_token() {
        let t: TokenResponse = serde_json::from_str(
            r#"{"access_token":"a","expires_in":36000,"token_type":"Bearer","scope":"read write"}"#,
        )
        .unwrap();
        assert!(t.refresh_token.is_none());
        assert!(format!("{t:?}").contains("refresh_token: None"));
    }

    #[test]
    fn request_masks_password_and_keeps_unknown_grants() {
        let r: TokenRequest = serde_json::from_str(
            r#"{"grant_type":"authorization_code","username":"u","password":"pw-123"}"#,
        )
        .unwrap();
        assert_eq!(r.grant_type, GrantType::Other("authorization_code".into()));
        assert!(!format!("{r:?}").contains("pw-123"));
    }
}
