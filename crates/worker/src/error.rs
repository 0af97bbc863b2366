//! The one error type of the HTTP edge, closed: each case names a stable
//! [`ErrorCode`] (core's `errors`, where its status, message and retryability live) and carries
//! internal detail for the log. Turning an error into a response is pure
//! ([`ApiError::into_response`]); the detail is logged once, by [`ApiError::log`], at the worker's
//! front door (`fetch`), never sent to a client. Durable Objects answer their errors to the
//! worker typed, as `{code, detail}` ([`ApiError`]'s serde form), and the worker logs them there.

use gatehouse_core::api::ErrorBody;
use gatehouse_core::connections::FieldProblem;
pub use gatehouse_core::errors::ErrorCode;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use worker::Response;

/// Everything a Gatehouse route can answer instead of success.
#[derive(Debug, Clone)]
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
    /// A refusal named by its code (onboarding, locations, partner tokens); the code decides
    /// the status.
    Refused(ErrorCode),
    /// A refusal about named fields (a connection's values): the code, and each field's problem.
    Fields(ErrorCode, Vec<FieldProblem>),
}

impl ApiError {
    /// The stable code (status, message and retryability follow from it).
    pub fn error_code(&self) -> ErrorCode {
        use ErrorCode as C;
        match self {
            Self::NotFound => C::NotFound,
            Self::MethodNotAllowed => C::MethodNotAllowed,
            Self::Unauthorized => C::Unauthorized,
            Self::OriginNotAllowed => C::OriginNotAllowed,
            Self::UnknownCredential => C::UnknownCredential,
            Self::Misconfigured(_) => C::Misconfigured,
            Self::PartnerUnavailable(_) => C::PartnerUnavailable,
            Self::PartnerRejected(_) => C::PartnerRejected,
            Self::PartnerRedirected(_) => C::PartnerRedirected,
            Self::NeedsReauth(_) => C::NeedsReauth,
            Self::StorageUnavailable(_) => C::StorageUnavailable,
            Self::BrowserNotAllowed => C::BrowserNotAllowed,
            Self::ProxyNotAllowed => C::ProxyPathNotAllowed,
            Self::PartnerRejectedToken => C::PartnerRejectedToken,
            Self::PayloadTooLarge => C::PayloadTooLarge,
            Self::Internal(_) => C::Internal,
            Self::InvalidRequest(_) => C::InvalidRequest,
            Self::SessionRequired => C::SessionRequired,
            Self::InvalidSession(e) if e.code() == "session_expired" => C::SessionExpired,
            Self::InvalidSession(_) => C::InvalidSession,
            Self::ForbiddenRole => C::ForbiddenRole,
            Self::ForbiddenOrg => C::ForbiddenOrg,
            Self::ForbiddenUser => C::ForbiddenUser,
            Self::RateLimited(_) => C::RateLimited,
            Self::Refused(code) | Self::Fields(code, _) => *code,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.error_code().status()
    }

    /// Whether retrying later may succeed.
    pub fn retryable(&self) -> bool {
        self.error_code().retryable()
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// Internal detail for the log, never for the client.
    pub(crate) fn detail(&self) -> Option<String> {
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
            crate::log::Level::Warn
        } else {
            crate::log::Level::Error
        };
        let rid = ("request_id", request_id);
        crate::log::event(level, &[rid, ("code", self.code()), ("detail", &detail)]);
    }

    /// The error's JSON response (pure: nothing is logged).
    pub fn into_response(self) -> Response {
        let code = self.error_code();
        let fields = match &self {
            Self::Fields(_, f) => f.clone(),
            _ => Vec::new(),
        };
        let body = ErrorBody {
            code: code.as_str().into(),
            message: code.message().into(),
            retryable: code.retryable(),
            fields,
        };
        let mut resp = crate::http::json(code.status(), &body);
        if let Self::RateLimited(s) = self {
            let _ = resp.headers_mut().set("retry-after", &s.to_string());
        }
        resp
    }
}

/// An error between a Durable Object and the worker: its code and its detail.
#[derive(Serialize, Deserialize)]
struct Wire {
    code: ErrorCode,
    #[serde(default)]
    detail: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    fields: Vec<FieldProblem>,
}

impl Serialize for ApiError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Wire {
            code: self.error_code(),
            detail: self.detail().unwrap_or_default(),
            fields: match self {
                Self::Fields(_, f) => f.clone(),
                _ => Vec::new(),
            },
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for ApiError {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = Wire::deserialize(d)?;
        let detail = w.detail;
        use ErrorCode as C;
        Ok(match w.code {
            C::NotFound => Self::NotFound,
            C::MethodNotAllowed => Self::MethodNotAllowed,
            C::Unauthorized => Self::Unauthorized,
            C::OriginNotAllowed => Self::OriginNotAllowed,
            C::UnknownCredential => Self::UnknownCredential,
            C::Misconfigured => Self::Misconfigured(detail),
            C::PartnerUnavailable => Self::PartnerUnavailable(detail),
            C::PartnerRejected => Self::PartnerRejected(detail),
            C::PartnerRedirected => Self::PartnerRedirected(detail),
            C::NeedsReauth => Self::NeedsReauth(detail),
            C::StorageUnavailable => Self::StorageUnavailable(detail),
            C::BrowserNotAllowed => Self::BrowserNotAllowed,
            C::ProxyPathNotAllowed => Self::ProxyNotAllowed,
            C::PartnerRejectedToken => Self::PartnerRejectedToken,
            C::PayloadTooLarge => Self::PayloadTooLarge,
            C::InvalidRequest => Self::InvalidRequest(detail),
            C::SessionRequired => Self::SessionRequired,
            C::ForbiddenRole => Self::ForbiddenRole,
            C::ForbiddenOrg => Self::ForbiddenOrg,
            C::ForbiddenUser => Self::ForbiddenUser,
            // Sessions are verified and rates limited at the worker's front door: neither crosses
            // from an object.
            C::SessionExpired | C::InvalidSession | C::RateLimited | C::Internal => {
                Self::Internal(format!("{}: {detail}", w.code.as_str()))
            }
            C::InvalidFields | C::InvalidCredentials | C::InvalidTenant => {
                Self::Fields(w.code, w.fields)
            }
            refusal => Self::Refused(refusal),
        })
    }
}

impl ApiError {
    /// The same error as a minimal HTML page, for a person whose browser navigated here (the SSO
    /// button's form POST): the status, the stable code in `#gatehouse-error`, the message.
    pub fn into_html_response(self) -> Response {
        let error_code = self.error_code();
        let (status, code) = (error_code.status(), error_code.as_str());
        let (message, retryable) = (error_code.message(), error_code.retryable());
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
        // worker-rs writes an unrecognised JavaScript value with `{:?}`, which the size build
        // leaves empty (docs/size.md): written out here instead.
        Self::Internal(match e {
            worker::Error::Internal(v) => js_text(&v),
            other => other.to_string(),
        })
    }
}

/// A JavaScript value as text for a log line: a string as it is, an `Error` (a WebCrypto
/// `DOMException` too) as `name: message`, anything else as its JSON. Not `{:?}`: the size
/// build prints no `Debug` (docs/size.md).
pub(crate) fn js_text(v: &wasm_bindgen::JsValue) -> String {
    if let Some(s) = v.as_string() {
        return s;
    }
    match wasm_bindgen::JsCast::dyn_ref::<js_sys::Error>(v) {
        Some(e) => format!("{}: {}", String::from(e.name()), String::from(e.message())),
        None => js_sys::JSON::stringify(v)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| "a JavaScript value".into()),
    }
}
