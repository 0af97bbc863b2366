//! The one error type of the HTTP edge, closed: each case has its status, stable `code`, message
//! and retryability by its type ([`ApiError::describe`]). Turning an error into a response is
//! pure ([`ApiError::into_response`]); its internal detail is logged once, by [`ApiError::log`],
//! at the worker's front door (`fetch`), never sent to a client. Durable Objects answer their
//! errors typed (serde) to the worker, which logs and answers them there.

use gatehouse_core::api::ErrorBody;
use serde::{Deserialize, Serialize};
use worker::Response;

/// A refusal of a request about onboardings, locations or partner tokens: each with its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// A path or body id that is not an id.
    InvalidId,
    /// A partner token name that is empty, too long or has control characters.
    InvalidTokenName,
    /// Partner token scopes that are empty or not in the document.
    InvalidScopes,
    /// An onboarding `source` that is not a known platform.
    InvalidSource,
    /// An onboarding `type` other than `pos`/`dsp`.
    InvalidType,
    /// A `return_page` not on `ONBOARDING_RETURN_PAGES`.
    ReturnPageNotAllowed,
    /// A location id or binding that is not this onboarding's or organization's.
    InvalidLocation,
    /// The partner: a POS location of another organization.
    LocationOrgMismatch,
    /// The partner: a consent code that is not the one issued, or expired.
    InvalidCode,
    /// The onboarding is not in a state that allows this (the partner's `invalid_state`).
    InvalidState,
    /// No such onboarding for this organization (another organization's is not revealed).
    OnboardingNotFound,
    /// No such location for this organization.
    LocationNotFound,
    /// The partner does not know the organization.
    OrgNotFound,
    /// No such partner token.
    TokenNotFound,
    /// The partner answered a conflict without a code Gatehouse passes on.
    Conflict,
    /// Only a pending or failed onboarding can be started again.
    OnboardingNotRestartable,
    /// A body that is not `application/json`.
    UnsupportedMediaType,
}

impl Refusal {
    /// The partner's error codes passed on to callers as refusals of their own.
    pub const FROM_PARTNER: [Refusal; 8] = [
        Self::TokenNotFound,
        Self::OnboardingNotFound,
        Self::LocationNotFound,
        Self::OrgNotFound,
        Self::InvalidState,
        Self::InvalidLocation,
        Self::LocationOrgMismatch,
        Self::InvalidCode,
    ];

    /// The HTTP status.
    pub fn status(self) -> u16 {
        match self {
            Self::OnboardingNotFound
            | Self::LocationNotFound
            | Self::OrgNotFound
            | Self::TokenNotFound => 404,
            Self::InvalidState | Self::Conflict | Self::OnboardingNotRestartable => 409,
            Self::UnsupportedMediaType => 415,
            _ => 400,
        }
    }

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidId => "invalid_id",
            Self::InvalidTokenName => "invalid_token_name",
            Self::InvalidScopes => "invalid_scopes",
            Self::InvalidSource => "invalid_source",
            Self::InvalidType => "invalid_type",
            Self::ReturnPageNotAllowed => "return_page_not_allowed",
            Self::InvalidLocation => "invalid_location",
            Self::LocationOrgMismatch => "location_org_mismatch",
            Self::InvalidCode => "invalid_code",
            Self::InvalidState => "invalid_state",
            Self::OnboardingNotFound => "onboarding_not_found",
            Self::LocationNotFound => "location_not_found",
            Self::OrgNotFound => "org_not_found",
            Self::TokenNotFound => "token_not_found",
            Self::Conflict => "conflict",
            Self::OnboardingNotRestartable => "onboarding_not_restartable",
            Self::UnsupportedMediaType => "unsupported_media_type",
        }
    }
}

/// What a client is told about an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Described {
    /// The HTTP status.
    pub status: u16,
    /// The stable machine-readable code.
    pub code: &'static str,
    /// A sentence for people.
    pub message: &'static str,
    /// Whether retrying later may succeed.
    pub retryable: bool,
}

const fn described(status: u16, code: &'static str, message: &'static str) -> Described {
    Described {
        status,
        code,
        message,
        retryable: false,
    }
}

const fn retryable(status: u16, code: &'static str, message: &'static str) -> Described {
    Described {
        status,
        code,
        message,
        retryable: true,
    }
}

/// Everything a Gatehouse route can answer instead of success.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ApiError {
    /// No route at this path.
    NotFound,
    /// The route exists but not for this method.
    MethodNotAllowed,
    /// Missing or wrong credentials for this route.
    Unauthorized,
    /// A browser `Origin` that is not on the allowlist.
    OriginNotAllowed,
    /// The named credential is not configured.
    UnknownCredential,
    /// The deployment's configuration is missing a piece (named in the log).
    Misconfigured(String),
    /// The partner failed (5xx, timeout, unreadable answer): retry later.
    PartnerUnavailable(String),
    /// The partner refused the credential (`invalid_client`, `invalid_grant`, ...), or handed
    /// out something Gatehouse refuses to use (a service URI off the allowlist).
    PartnerRejected(String),
    /// The partner answered a redirect, which is never followed (a misconfigured URL).
    PartnerRedirected(String),
    /// The partner refused the grant (`invalid_grant`): an operator must re-authorize the credential.
    NeedsReauth(String),
    /// A rotated refresh token could not be stored, so no token was handed out: retry.
    StorageUnavailable(String),
    /// A browser called a route meant for trusted server code.
    BrowserNotAllowed,
    /// The proxy allowlist does not allow this method and path.
    ProxyNotAllowed,
    /// The partner answered 401 to a freshly obtained token too.
    PartnerRejectedToken,
    /// The request body is larger than the route accepts.
    PayloadTooLarge,
    /// A failure inside the runtime (Durable Object unreachable, ...).
    Internal(String),
    /// The body is not what the route accepts (named field or form in the detail).
    InvalidRequest(String),
    /// No portal session was presented.
    SessionRequired,
    /// The portal session token was refused (`invalid_session` or `session_expired`); checked
    /// at the worker's front door only, so it never crosses to a Durable Object.
    #[serde(skip)]
    InvalidSession(gatehouse_core::session::SessionError),
    /// The session's role may not do this.
    ForbiddenRole,
    /// The request named another organization than the session's.
    ForbiddenOrg,
    /// The request named another user than the session's.
    ForbiddenUser,
    /// Too many requests from this user; retry after the given seconds.
    RateLimited(u32),
    /// A refusal with its own status and stable code (onboarding, locations, partner tokens).
    Refused(Refusal),
}

impl ApiError {
    /// The status, code, message and retryability of this error.
    pub fn describe(&self) -> Described {
        match self {
            Self::NotFound => described(404, "not_found", "No such route."),
            Self::MethodNotAllowed => described(
                405,
                "method_not_allowed",
                "Method not allowed on this route.",
            ),
            Self::Unauthorized => {
                described(401, "unauthorized", "Missing or invalid credentials.")
            }
            Self::OriginNotAllowed => {
                described(403, "origin_not_allowed", "This origin is not allowed.")
            }
            Self::UnknownCredential => described(
                404,
                "unknown_credential",
                "No credential is configured under this id.",
            ),
            Self::Misconfigured(_) => described(
                500,
                "misconfigured",
                "The deployment is misconfigured; see the worker log.",
            ),
            Self::PartnerUnavailable(_) => retryable(
                502,
                "partner_unavailable",
                "The partner is unavailable; retry later.",
            ),
            Self::PartnerRejected(_) => described(
                502,
                "partner_rejected",
                "The partner refused the configured credential.",
            ),
            Self::PartnerRedirected(_) => described(
                502,
                "partner_redirected",
                "The partner answered a redirect, which Gatehouse does not follow; the credential's URL is misconfigured.",
            ),
            Self::NeedsReauth(_) => described(
                502,
                "needs_reauth",
                "The partner refused the credential's grant; it needs re-authorization.",
            ),
            Self::StorageUnavailable(_) => retryable(
                503,
                "storage_unavailable",
                "Token storage is unavailable; retry.",
            ),
            Self::BrowserNotAllowed => described(
                403,
                "browser_not_allowed",
                "This route is for trusted server code, not browsers.",
            ),
            Self::ProxyNotAllowed => described(
                403,
                "proxy_path_not_allowed",
                "This method and path are not allowed for this credential.",
            ),
            Self::PartnerRejectedToken => described(
                502,
                "partner_rejected_token",
                "The partner refused a freshly obtained token.",
            ),
            Self::PayloadTooLarge => {
                described(413, "payload_too_large", "The request body is too large.")
            }
            Self::Internal(_) => retryable(500, "internal", "Internal error; see the worker log."),
            Self::InvalidRequest(_) => described(
                400,
                "invalid_request",
                "The request body is not what this route accepts.",
            ),
            Self::SessionRequired => described(
                401,
                "session_required",
                "A portal session is required (Authorization: Bearer <session JWT> or the session cookie).",
            ),
            Self::InvalidSession(e) if e.code() == "session_expired" => described(
                401,
                "session_expired",
                "The portal session has expired; mint a new one.",
            ),
            Self::InvalidSession(_) => described(
                401,
                "invalid_session",
                "The portal session token was refused.",
            ),
            Self::ForbiddenRole => described(
                403,
                "forbidden_role",
                "The session's role may not do this.",
            ),
            Self::ForbiddenOrg => described(
                403,
                "forbidden_org",
                "Only the session's own organization can be used.",
            ),
            Self::ForbiddenUser => described(
                403,
                "forbidden_user",
                "Only the session's own user can be used.",
            ),
            Self::RateLimited(_) => retryable(
                429,
                "rate_limited",
                "Too many requests for this user; retry later.",
            ),
            Self::Refused(r) => described(
                r.status(),
                r.code(),
                "The request was refused; the code says why.",
            ),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.describe().status
    }

    /// Whether retrying later may succeed.
    pub fn retryable(&self) -> bool {
        self.describe().retryable
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        self.describe().code
    }

    /// Internal detail for the log, never for the client.
    fn detail(&self) -> Option<String> {
        match self {
            Self::Misconfigured(d)
            | Self::PartnerUnavailable(d)
            | Self::PartnerRejected(d)
            | Self::PartnerRedirected(d)
            | Self::NeedsReauth(d)
            | Self::StorageUnavailable(d)
            | Self::Internal(d)
            | Self::InvalidRequest(d) => Some(d.clone()),
            Self::InvalidSession(e) => Some(e.to_string()),
            _ => None,
        }
    }

    /// Logs the internal detail once (the front doors call this where the error is answered).
    pub fn log(&self, request_id: &str) {
        let Some(detail) = self.detail() else { return };
        let level = if matches!(self, Self::InvalidSession(_)) {
            "warn"
        } else {
            "error"
        };
        let rid = ("request_id", request_id);
        crate::log::event(level, &[rid, ("code", self.code()), ("detail", &detail)]);
    }

    /// The error's JSON response (pure: nothing is logged).
    pub fn into_response(self) -> Response {
        let d = self.describe();
        let body = ErrorBody {
            code: d.code.into(),
            message: d.message.into(),
            retryable: d.retryable,
        };
        let mut resp = crate::http::json(d.status, &body);
        if let Self::RateLimited(s) = self {
            let _ = resp.headers_mut().set("retry-after", &s.to_string());
        }
        resp
    }
}

impl ApiError {
    /// The same error as a minimal HTML page, for a person whose browser navigated here (the SSO
    /// button's form POST): the status, the stable code in `#gatehouse-error`, the message.
    pub fn into_html_response(self) -> Response {
        let Described {
            status,
            code,
            message,
            retryable,
        } = self.describe();
        let json = self.into_response();
        let hint = if retryable {
            " Try again in a moment."
        } else {
            ""
        };
        let html = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Gatehouse: {code}</title></head>\
             <body><h1>Could not open the dashboard</h1><p id=\"gatehouse-error\" data-status=\"{status}\">{code}</p>\
             <p>{message}{hint}</p><p>Go back to the portal to continue.</p></body></html>"
        );
        let headers = worker::Headers::new();
        let _ = headers.set("content-type", "text/html; charset=utf-8");
        let _ = headers.set("cache-control", "no-store");
        let _ = headers.set(
            "content-security-policy",
            "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        );
        if let Some(ra) = json.headers().get("retry-after").ok().flatten() {
            let _ = headers.set("retry-after", &ra);
        }
        Response::builder()
            .with_status(status)
            .with_headers(headers)
            .fixed(html.into_bytes())
    }
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        Self::Internal(e.to_string())
    }
}
