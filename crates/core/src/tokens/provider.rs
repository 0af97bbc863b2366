//! The vocabulary of a provider's token endpoint: which partner a credential talks to, how its
//! token request is encoded and authenticated, which grant and scopes it asks for, and where its
//! API calls go.

use serde::Deserialize;

/// The partner a credential talks to: a preset (`stream`, `omniretain`, `streamdiver`,
/// `powerepos`) or `custom`, named in the credential's `provider` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// Stream (seed 000): JSON body, `exp` and an array of scopes.
    Stream,
    /// OmniRetain (seed 002): Django OAuth Toolkit, service-account password grant.
    OmniRetain,
    /// Streamdiver (seed 003): a Keycloak realm per tenant.
    Streamdiver,
    /// PowerEPOS (seed 004): password grant for an organisation, API base in the token.
    PowerEpos,
    /// Any other OAuth server, described field by field.
    Custom,
}

impl ProviderKind {
    /// The name as configured (and as operators see it in a credential's status).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stream => "stream",
            Self::OmniRetain => "omniretain",
            Self::Streamdiver => "streamdiver",
            Self::PowerEpos => "powerepos",
            Self::Custom => "custom",
        }
    }
}

/// How the token request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyEncoding {
    /// `application/json` (Stream).
    Json,
    /// `application/x-www-form-urlencoded` (RFC 6749; OmniRetain, Keycloak, PowerEPOS).
    Form,
}

/// Where the client authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientAuth {
    /// `client_id` and `client_secret` in the body.
    Body,
    /// HTTP Basic (RFC 6749 §2.3.1).
    Basic,
}

/// The grant used to obtain a new token (refresh is used on top when a refresh token is held).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantKind {
    /// `client_credentials`.
    ClientCredentials,
    /// `password`, with a service account the partner issued — never an end user's password.
    Password,
}

/// How scopes go on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeParam {
    /// Stream: `"scopes": ["user", "sso"]` in a JSON body.
    Array(Vec<String>),
    /// RFC 6749: `scope=a b`.
    Spaced(String),
}

/// Where the partner API's base URL comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiBase {
    /// A configured URL.
    Fixed(String),
    /// A claim of the access token (a JWT), by path, e.g. `AuthServerClaims.Service`.
    JwtClaim(String),
}
