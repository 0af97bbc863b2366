//! The one error type of the HTTP edge: each case maps to a status and a stable `code`.
//! Internal detail goes to the (redacted) log line, never to the client.

use gatehouse_core::api::ErrorBody;
use worker::Response;

/// Everything a Gatehouse route can answer instead of success.
#[derive(Debug)]
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
    /// The portal session token was refused (`invalid_session` or `session_expired`).
    InvalidSession(gatehouse_core::session::SessionError),
    /// The session's role may not do this.
    ForbiddenRole,
    /// The request named another organization than the session's.
    ForbiddenOrg,
    /// The request named another user than the session's.
    ForbiddenUser,
    /// Too many requests from this user; retry after the given seconds.
    RateLimited(u32),
    /// A refusal with its own status and stable code (onboarding and locations).
    Refused(u16, &'static str),
}

impl ApiError {
    fn parts(&self) -> (u16, &'static str, &'static str, bool) {
        match self {
            Self::NotFound => (404, "not_found", "No such route.", false),
            Self::MethodNotAllowed => (
                405,
                "method_not_allowed",
                "Method not allowed on this route.",
                false,
            ),
            Self::Unauthorized => (
                401,
                "unauthorized",
                "Missing or invalid credentials.",
                false,
            ),
            Self::OriginNotAllowed => (
                403,
                "origin_not_allowed",
                "This origin is not allowed.",
                false,
            ),
            Self::UnknownCredential => (
                404,
                "unknown_credential",
                "No credential is configured under this id.",
                false,
            ),
            Self::Misconfigured(_) => (
                500,
                "misconfigured",
                "The deployment is misconfigured; see the worker log.",
                false,
            ),
            Self::PartnerUnavailable(_) => (
                502,
                "partner_unavailable",
                "The partner is unavailable; retry later.",
                true,
            ),
            Self::PartnerRejected(_) => (
                502,
                "partner_rejected",
                "The partner refused the configured credential.",
                false,
            ),
            Self::PartnerRedirected(_) => (
                502,
                "partner_redirected",
                "The partner answered a redirect, which Gatehouse does not follow; the credential's URL is misconfigured.",
                false,
            ),
            Self::NeedsReauth(_) => (
                502,
                "needs_reauth",
                "The partner refused the credential's grant; it needs re-authorization.",
                false,
            ),
            Self::StorageUnavailable(_) => (
                503,
                "storage_unavailable",
                "Token storage is unavailable; retry.",
                true,
            ),
            Self::BrowserNotAllowed => (
                403,
                "browser_not_allowed",
                "This route is for trusted server code, not browsers.",
                false,
            ),
            Self::ProxyNotAllowed => (
                403,
                "proxy_path_not_allowed",
                "This method and path are not allowed for this credential.",
                false,
            ),
            Self::PartnerRejectedToken => (
                502,
                "partner_rejected_token",
                "The partner refused a freshly obtained token.",
                false,
            ),
            Self::PayloadTooLarge => (
                413,
                "payload_too_large",
                "The request body is too large.",
                false,
            ),
            Self::Internal(_) => (500, "internal", "Internal error; see the worker log.", true),
            Self::InvalidRequest(_) => (
                400,
                "invalid_request",
                "The request body is not what this route accepts.",
                false,
            ),
            Self::SessionRequired => (
                401,
                "session_required",
                "A portal session is required (Authorization: Bearer <session JWT> or the session cookie).",
                false,
            ),
            Self::InvalidSession(e) if e.code() == "session_expired" => (
                401,
                "session_expired",
                "The portal session has expired; mint a new one.",
                false,
            ),
            Self::InvalidSession(_) => (
                401,
                "invalid_session",
                "The portal session token was refused.",
                false,
            ),
            Self::ForbiddenRole => (
                403,
                "forbidden_role",
                "The session's role may not do this.",
                false,
            ),
            Self::ForbiddenOrg => (
                403,
                "forbidden_org",
                "Only the session's own organization can be used.",
                false,
            ),
            Self::ForbiddenUser => (
                403,
                "forbidden_user",
                "Only the session's own user can be used.",
                false,
            ),
            Self::RateLimited(_) => (
                429,
                "rate_limited",
                "Too many requests for this user; retry later.",
                true,
            ),
            Self::Refused(status, code) => (
                *status,
                code,
                "The request was refused; the code says why.",
                false,
            ),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.parts().0
    }

    /// Whether retrying later may succeed.
    pub fn retryable(&self) -> bool {
        self.parts().3
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        self.parts().1
    }

    /// Internal detail for the log, never for the client.
    fn detail(&self) -> Option<&str> {
        match self {
            Self::Misconfigured(d)
            | Self::PartnerUnavailable(d)
            | Self::PartnerRejected(d)
            | Self::PartnerRedirected(d)
            | Self::Internal(d)
            | Self::InvalidRequest(d) => Some(d),
            _ => None,
        }
    }

    /// Turns the error into its JSON response, logging internal detail through the one log point.
    pub fn into_response(self) -> Response {
        self.respond("")
    }

    /// The same, with the request's id on the log line (the worker's front door).
    pub fn into_response_for(self, request_id: &str) -> Response {
        self.respond(request_id)
    }

    fn respond(self, request_id: &str) -> Response {
        let (status, code, message, retryable) = self.parts();
        let rid = ("request_id", request_id);
        if let Some(detail) = self.detail() {
            crate::log::event("error", &[rid, ("code", code), ("detail", detail)]);
        }
        if let Self::InvalidSession(e) = &self {
            crate::log::event("warn", &[rid, ("code", code), ("detail", &e.to_string())]);
        }
        let body = ErrorBody {
            code: code.into(),
            message: message.into(),
            retryable,
        };
        let mut resp = crate::http::json(status, &body);
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
        let (status, code, message, retryable) = self.parts();
        let json = self.into_response(); // logs the detail once, like every error
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
