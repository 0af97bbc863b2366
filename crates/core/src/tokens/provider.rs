//! A provider's token endpoint ([`Profile`]) and its vocabulary: which partner a credential
//! talks to, how its token request is encoded and authenticated, which grant and scopes it asks
//! for, and where its API calls go.

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

/// Everything needed to talk to one provider's token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Provider name ([`ProviderKind::as_str`]).
    pub provider: String,
    /// The token endpoint, templates resolved.
    pub token_url: String,
    /// The revocation endpoint (RFC 7009), where the provider has one: a deleted connection's
    /// refresh token (or its access token, for a grant without one) is revoked there.
    pub revoke_url: Option<String>,
    /// Body encoding.
    pub encoding: BodyEncoding,
    /// Client authentication.
    pub client_auth: ClientAuth,
    /// Grant for a new token.
    pub grant: GrantKind,
    /// Scopes requested, if any.
    pub scope: Option<ScopeParam>,
    /// Extra body parameters (e.g. PowerEPOS `org_id`).
    pub extra: Vec<(String, String)>,
    /// Lifetime assumed when the answer has no usable `expires_in`.
    pub default_lifetime_s: u64,
    /// The longest lifetime the provider documents (Stream 1 h, OmniRetain 10 h, Streamdiver
    /// 16 h, PowerEPOS and custom 24 h): a larger `expires_in` (a timestamp sent as seconds, say)
    /// is capped to it, so no token is held for years.
    pub max_lifetime_s: u64,
    /// Stream only: the lifetime asked for with the token request's `exp` (seed 000), at most
    /// the documented hour; `None` sends no `exp` (the partner's default).
    pub token_lifetime_s: Option<u64>,
    /// Where API calls go.
    pub api_base: ApiBase,
    /// Whether the partner's API answers an invalid token with 403 instead of 401 (Django OAuth
    /// Toolkit's `protected_resource` does), so a 403 also earns one retry with a new token.
    pub forbidden_means_invalid_token: bool,
    /// Hosts an API base read from a token claim may name (`host` or `*.suffix`;
    /// [`super::api_base`]). PowerEPOS's preset allows `*.powerepos.cloud`.
    pub api_hosts: Vec<String>,
}
