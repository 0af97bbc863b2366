//! PowerEPOS partner services (seed 004): a form-encoded `password` grant at
//! `/authorisation/token` with the organisation code (`org_id`) and a service account, scope
//! `partnerservices offline_access`. The answer's `svc` and the access token's JWT claim
//! `AuthServerClaims.Service` name the Partner Services URI; the document says to always read
//! it from the claim ([`AccessTokenClaims::from_jwt`]).

use super::GrantType;
use serde::{Deserialize, Serialize};

/// The token path, relative to the AuthServer base URL.
pub const TOKEN_PATH: &str = "/authorisation/token";

/// The scope every Partner Services token must include.
pub const SCOPE_PARTNER_SERVICES: &str = "partnerservices";

/// The scope that asks for a refresh token.
pub const SCOPE_OFFLINE_ACCESS: &str = "offline_access";

/// Token request (form-encoded).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRequest {
    /// `password` (or `refresh_token`).
    pub grant_type: GrantType,
    /// The developer's OAuth2 client id.
    pub client_id: String,
    /// The developer's OAuth2 client secret.
    pub client_secret: String,
    /// The organisation code the token is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    /// The service account id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The service account password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Space-separated scopes; must include `partnerservices`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The refresh token, for `refresh_token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}
redacted_debug!(TokenRequest { grant_type, client_id, org_id, username, scope } secret { client_secret, password, refresh_token });

/// Token response.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// `Bearer`.
    pub token_type: String,
    /// The access token, a JWT carrying [`AccessTokenClaims`].
    pub access_token: String,
    /// Lifetime in seconds.
    pub expires_in: u64,
    /// The refresh token, when `offline_access` was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The Partner Services URI (read it from the token's claim instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub svc: Option<String>,
    /// The organisation code the token is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
}
redacted_debug!(TokenResponse { token_type, expires_in, svc, org_id } secret { access_token, refresh_token });

/// The custom claims of the AuthServer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthServerClaims {
    /// The Partner Services URI this token is to be used with.
    #[serde(rename = "Service")]
    pub service: String,
}

/// The payload of a PowerEPOS access token (the claims Gatehouse reads; others are ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTokenClaims {
    /// Issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// Subject (the service account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// Expiry, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    /// Issue time, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// The organisation code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    /// The AuthServer's custom claims.
    #[serde(rename = "AuthServerClaims")]
    pub auth_server_claims: AuthServerClaims,
}

/// Why an access token's claims could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClaimsError {
    /// Not three dot-separated parts.
    #[error("access token is not a JWT")]
    NotAJwt,
    /// The payload is not base64url.
    #[error("JWT payload is not base64url")]
    Base64,
    /// The payload is not the expected JSON (the serde message names the field, not values).
    #[error("JWT payload is not the expected claims: {0}")]
    Claims(String),
}

impl AccessTokenClaims {
    /// Reads the payload of a JWT **without verifying its signature**: Gatehouse is not the
    /// audience and holds no key; it only needs the Service URI the partner put there.
    pub fn from_jwt(token: &str) -> Result<Self, ClaimsError> {
        let mut parts = token.split('.');
        let (Some(_header), Some(payload), Some(_signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ClaimsError::NotAJwt);
        };
        let bytes = decode_base64url(payload).ok_or(ClaimsError::Base64)?;
        serde_json::from_slice(&bytes).map_err(|e| ClaimsError::Claims(claims_error_message(&e)))
    }

    /// The Partner Services URI (`AuthServerClaims.Service`).
    pub fn service_uri(&self) -> &str {
        &self.auth_server_claims.service
    }
}

/// A serde message that cannot echo claim values: syntax errors give only their position.
fn claims_error_message(e: &serde_json::Error) -> String {
    let message = e.to_string();
    if message.starts_with("missing field") {
        message
    } else {
        // Written out, not `{:?}`: the size build prints no `Debug` (docs/size.md).
        let kind = match e.classify() {
            serde_json::error::Category::Io => "Io",
            serde_json::error::Category::Syntax => "Syntax",
            serde_json::error::Category::Data => "Data",
            serde_json::error::Category::Eof => "Eof",
        };
        format!("{kind} error at line {} column {}", e.line(), e.column())
    }
}

/// Decodes unpadded (or padded) base64url; `None` on any other character.
fn decode_base64url(input: &str) -> Option<Vec<u8>> {
    let input = input.trim_end_matches('=');
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for byte in input.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    // A single leftover character (6 bits) cannot encode a byte.
    if input.len() % 4 == 1 {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_decodes_all_lengths() {
        assert_eq!(decode_base64url("").unwrap(), b"");
        assert_eq!(decode_base64url("Zg").unwrap(), b"f");
        assert_eq!(decode_base64url("Zm8").unwrap(), b"fo");
        assert_eq!(decode_base64url("Zm9v").unwrap(), b"foo");
        assert_eq!(decode_base64url("Zm9vYg==").unwrap(), b"foob");
        assert_eq!(decode_base64url("_-8").unwrap(), [0xff, 0xef]);
        assert!(decode_base64url("Zm9v+").is_none());
        assert!(decode_base64url("Z").is_none());
    }

    #[test]
    fn reads_the_service_uri_from_the_claim() {
        // {"alg":"HS256","typ":"JWT"} . {"iss":"x","sub":"svc","exp":2,"iat":1,"org_id":"ORG001","AuthServerClaims":{"Service":"https://svc.example/ORG001/"}}
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ4Iiwic3ViIjoic3ZjIiwiZXhwIjoyLCJpYXQiOjEsIm9yZ19pZCI6Ik9SRzAwMSIsIkF1dGhTZXJ2ZXJDbGFpbXMiOnsiU2VydmljZSI6Imh0dHBzOi8vc3ZjLmV4YW1wbGUvT1JHMDAxLyJ9fQ.c2ln";
        let claims = AccessTokenClaims::from_jwt(token).unwrap();
        assert_eq!(claims.service_uri(), "https://svc.example/ORG001/");
        assert_eq!(claims.org_id.as_deref(), Some("ORG001"));
        assert_eq!(claims.exp, Some(2));
    }

    #[test]
    fn bad_tokens_are_errors_not_panics() {
        assert_eq!(
            AccessTokenClaims::from_jwt("opaque"),
            Err(ClaimsError::NotAJwt)
        );
        assert_eq!(
            AccessTokenClaims::from_jwt("a.b.c.d"),
            Err(ClaimsError::NotAJwt)
        );
        assert_eq!(
            AccessTokenClaims::from_jwt("a.!!.c"),
            Err(ClaimsError::Base64)
        );
        // {"sub":"x"}: no AuthServerClaims
        assert!(
            matches!(AccessTokenClaims::from_jwt("e30.eyJzdWIiOiJ4In0.c"), Err(ClaimsError::Claims(m)) if m.contains("AuthServerClaims"))
        );
        // "secret-value" as the payload: the message does not echo it
        let err = AccessTokenClaims::from_jwt("e30.InNlY3JldC12YWx1ZSI.c").unwrap_err();
        assert!(!err.to_string().contains("secret-value"), "{err}");
    }

    #[test]
    fn response_and_request_mask_secrets() {
        let t: TokenResponse = serde_json::from_str(
            r#"{"token_type":"Bearer","access_token":"ey...3Y","expires_in":28800,"refresh_token":"abc","svc":"https://example.service.uri/","org_id":"ORG001"}"#,
        )
        .unwrap();
        assert_eq!(t.svc.as_deref(), Some("https://example.service.uri/"));
        let debug = format!("{t:?}");
        assert!(
            !debug.contains("ey...3Y") && !debug.contains("abc"),
            "{debug}"
        );
    }
}
