//! Every error Gatehouse answers, closed: a stable [`ErrorCode`] has its HTTP status, its
//! message for people and whether a retry may succeed, here and nowhere else. The worker's
//! `ApiError` names the code and carries internal detail for the log; the browser package, the
//! OpenAPI document and the docs read the same list.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The message of every refusal (the codes from `invalid_id` on): its code says why, and the
/// docs list what each code means (one sentence for all keeps the worker small).
const REFUSED: &str = "The request was refused; the code says why.";

macro_rules! codes {
    ($( $(#[$doc:meta])* $name:ident = ($code:literal, $status:literal, $retry:literal, $message:expr), )*) => {
        /// A stable, machine-readable error code (`ErrorBody.code`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $( $(#[$doc])* $name, )*
        }

        impl ErrorCode {
            /// Every code.
            pub const ALL: &'static [ErrorCode] = &[$(Self::$name),*];

            /// The code as it is written on the wire.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$name => $code,)* }
            }

            /// The HTTP status it is answered with.
            pub fn status(self) -> u16 {
                match self { $(Self::$name => $status,)* }
            }

            /// Whether retrying the same request later may succeed.
            pub fn retryable(self) -> bool {
                match self { $(Self::$name => $retry,)* }
            }

            /// A sentence for people, safe to show.
            pub fn message(self) -> &'static str {
                match self { $(Self::$name => $message,)* }
            }
        }
    };
}

codes! {
    /// No route at this path.
    NotFound = ("not_found", 404, false, "No such route."),
    /// The route exists but not for this method.
    MethodNotAllowed = ("method_not_allowed", 405, false, "Method not allowed on this route."),
    /// Missing or wrong key for this route.
    Unauthorized = ("unauthorized", 401, false, "Missing or invalid credentials."),
    /// A browser `Origin` that is not allowed.
    OriginNotAllowed = ("origin_not_allowed", 403, false, "This origin is not allowed."),
    /// The named credential is not configured.
    UnknownCredential = ("unknown_credential", 404, false, "No credential is configured under this id."),
    /// The deployment's configuration is missing a piece (named in the log).
    Misconfigured = ("misconfigured", 500, false, "The deployment is misconfigured; see the worker log."),
    /// The partner failed (5xx, timeout, unreadable answer).
    PartnerUnavailable = ("partner_unavailable", 502, true, "The partner is unavailable; retry later."),
    /// The partner refused the credential, or handed out something Gatehouse refuses to use.
    PartnerRejected = ("partner_rejected", 502, false, "The partner refused the configured credential."),
    /// The partner answered a redirect, which is never followed.
    PartnerRedirected = ("partner_redirected", 502, false, "The partner answered a redirect, which Gatehouse does not follow; the credential's URL is misconfigured."),
    /// The partner refused the grant: an operator must re-authorize the credential.
    NeedsReauth = ("needs_reauth", 502, false, "The partner refused the credential's grant; it needs re-authorization."),
    /// A rotated refresh token could not be stored, so no token was handed out.
    StorageUnavailable = ("storage_unavailable", 503, true, "Token storage is unavailable; retry."),
    /// A browser called a route meant for trusted server code.
    BrowserNotAllowed = ("browser_not_allowed", 403, false, "This route is for trusted server code, not browsers."),
    /// The proxy allowlist does not allow this method and path.
    ProxyPathNotAllowed = ("proxy_path_not_allowed", 403, false, "This method and path are not allowed for this credential."),
    /// The partner answered 401 to a freshly obtained token too.
    PartnerRejectedToken = ("partner_rejected_token", 502, false, "The partner refused a freshly obtained token."),
    /// The request body is larger than the route accepts.
    PayloadTooLarge = ("payload_too_large", 413, false, "The request body is too large."),
    /// A failure inside the runtime (a Durable Object unreachable, ...).
    Internal = ("internal", 500, true, "Internal error; see the worker log."),
    /// The body is not what the route accepts.
    InvalidRequest = ("invalid_request", 400, false, "The request body is not what this route accepts."),
    /// No portal session was presented.
    SessionRequired = ("session_required", 401, false, "A portal session is required (Authorization: Bearer <session JWT> or the session cookie)."),
    /// The portal session has expired.
    SessionExpired = ("session_expired", 401, false, "The portal session has expired; mint a new one."),
    /// The portal session token was refused.
    InvalidSession = ("invalid_session", 401, false, "The portal session token was refused."),
    /// The session's role may not do this.
    ForbiddenRole = ("forbidden_role", 403, false, "The session's role may not do this."),
    /// The request named another organization than the session's.
    ForbiddenOrg = ("forbidden_org", 403, false, "Only the session's own organization can be used."),
    /// The request named another user than the session's.
    ForbiddenUser = ("forbidden_user", 403, false, "Only the session's own user can be used."),
    /// Too many requests from this user (SSO), organization (connection verifications) or client
    /// (server keys that did not prove themselves).
    RateLimited = ("rate_limited", 429, true, "Too many requests; retry later."),
    /// A path or body id that is not an id.
    InvalidId = ("invalid_id", 400, false, REFUSED),
    /// A partner token name that is empty, too long or has control characters.
    InvalidTokenName = ("invalid_token_name", 400, false, REFUSED),
    /// Partner token scopes that are empty or not in the document.
    InvalidScopes = ("invalid_scopes", 400, false, REFUSED),
    /// An onboarding `source` that is not a known platform.
    InvalidSource = ("invalid_source", 400, false, REFUSED),
    /// An onboarding `type` other than `pos` or `dsp`.
    InvalidType = ("invalid_type", 400, false, REFUSED),
    /// A `return_page` not on the allowlist.
    ReturnPageNotAllowed = ("return_page_not_allowed", 400, false, REFUSED),
    /// A location id or binding that is not this onboarding's or organization's.
    InvalidLocation = ("invalid_location", 400, false, REFUSED),
    /// The partner: a POS location of another organization.
    LocationOrgMismatch = ("location_org_mismatch", 400, false, REFUSED),
    /// The partner: a consent code that is not the one issued, or expired.
    InvalidCode = ("invalid_code", 400, false, REFUSED),
    /// The onboarding is not in a state that allows this.
    InvalidState = ("invalid_state", 409, false, REFUSED),
    /// No such onboarding for this organization.
    OnboardingNotFound = ("onboarding_not_found", 404, false, REFUSED),
    /// No such location for this organization.
    LocationNotFound = ("location_not_found", 404, false, REFUSED),
    /// The partner does not know the organization.
    OrgNotFound = ("org_not_found", 404, false, REFUSED),
    /// No such partner token.
    TokenNotFound = ("token_not_found", 404, false, REFUSED),
    /// The partner answered a conflict without a code Gatehouse passes on.
    Conflict = ("conflict", 409, false, REFUSED),
    /// Only a pending or failed onboarding can be started again.
    OnboardingNotRestartable = ("onboarding_not_restartable", 409, false, REFUSED),
    /// A body that is not `application/json`.
    UnsupportedMediaType = ("unsupported_media_type", 415, false, REFUSED),
    /// No connection template of this id (`CONNECTION_TEMPLATES`).
    UnknownTemplate = ("unknown_template", 404, false, REFUSED),
    /// No such connection for this organization.
    UnknownConnection = ("unknown_connection", 404, false, REFUSED),
    /// A connection's field values break the template's rules (each in `fields`).
    InvalidFields = ("invalid_fields", 422, false, REFUSED),
    /// The partner refused a connection's values (the fields it blamed in `fields`).
    InvalidCredentials = ("invalid_credentials", 422, false, REFUSED),
    /// The partner does not know a connection's tenant.
    InvalidTenant = ("invalid_tenant", 422, false, REFUSED),
    /// A proxied call with a connection names no organization (`Gatehouse-Organization`).
    OrganizationRequired = ("organization_required", 400, false, REFUSED),
    /// A server key without the route's scope.
    InsufficientScope = ("insufficient_scope", 403, false, "This key's scopes do not include this route."),
    /// A server key limited to other proxy targets.
    ForbiddenTarget = ("forbidden_target", 403, false, "This key may not call this credential or connection."),
    /// No such server key.
    UnknownKey = ("unknown_key", 404, false, REFUSED),
    /// A server key request that breaks the rules (the detail says which).
    InvalidKey = ("invalid_key", 400, false, REFUSED),
}

impl ErrorCode {
    /// The code written as `s`, if it is one.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// The partner's error codes passed on to callers as Gatehouse's own (the same words).
    pub const FROM_PARTNER: [ErrorCode; 8] = [
        Self::TokenNotFound,
        Self::OnboardingNotFound,
        Self::LocationNotFound,
        Self::OrgNotFound,
        Self::InvalidState,
        Self::InvalidLocation,
        Self::LocationOrgMismatch,
        Self::InvalidCode,
    ];
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| serde::de::Error::custom("unknown error code"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.as_str()), "{} twice", c.as_str());
            assert!(c
                .as_str()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'));
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), *c);
            assert!(!c.message().is_empty());
        }
        assert!(serde_json::from_str::<ErrorCode>("\"nope\"").is_err());
    }

    #[test]
    fn statuses_are_client_or_server_errors_and_only_transient_ones_retry() {
        for c in ErrorCode::ALL {
            assert!((400..600).contains(&c.status()), "{c:?}");
            if c.retryable() {
                assert!(c.status() >= 500 || c.status() == 429, "{c:?}");
            }
        }
        assert_eq!(ErrorCode::InvalidState.status(), 409);
        assert_eq!(ErrorCode::PartnerUnavailable.status(), 502);
        assert!(ErrorCode::PartnerUnavailable.retryable());
        assert!(!ErrorCode::NeedsReauth.retryable());
    }
}
