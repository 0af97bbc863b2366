//! The two error shapes the sandbox answers with: RFC 6749 token-endpoint errors
//! (`{"error","error_description"}`) and Stream's API errors (`{"error","message"}`).
//! Messages never echo what the client sent.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gatehouse_core::contract::stream::ErrorBody;
use gatehouse_core::contract::OAuthErrorBody;

/// An error from a token endpoint.
#[derive(Debug)]
pub(crate) struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: Option<String>,
    /// `WWW-Authenticate` to send (RFC 6749 §5.2: when the client used HTTP Basic).
    challenge: Option<&'static str>,
}

impl OAuthError {
    pub(crate) fn new(
        status: StatusCode,
        error: &'static str,
        description: impl Into<String>,
    ) -> Self {
        Self {
            status,
            error,
            description: Some(description.into()),
            challenge: None,
        }
    }

    /// An error without `error_description` (Keycloak's "Realm does not exist").
    pub(crate) fn bare(status: StatusCode, error: &'static str) -> Self {
        Self {
            status,
            error,
            description: None,
            challenge: None,
        }
    }

    pub(crate) fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    pub(crate) fn invalid_client(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", description)
    }

    pub(crate) fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }

    pub(crate) fn invalid_scope(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_scope", description)
    }

    pub(crate) fn unsupported_grant_type(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            description,
        )
    }

    /// Adds `WWW-Authenticate: Basic realm="…"` (for `invalid_client` after HTTP Basic).
    pub(crate) fn with_basic_challenge(
        mut self,
        used_basic: bool,
        challenge: &'static str,
    ) -> Self {
        if used_basic {
            self.challenge = Some(challenge);
        }
        self
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = OAuthErrorBody {
            error: self.error.to_owned(),
            error_description: self.description,
        };
        let mut response = (self.status, no_store(), Json(body)).into_response();
        if let Some(challenge) = self.challenge {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        response
    }
}

/// The headers every token answer carries (RFC 6749 §5.1).
pub(crate) fn no_store() -> [(header::HeaderName, HeaderValue); 2] {
    [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (header::PRAGMA, HeaderValue::from_static("no-cache")),
    ]
}

/// An error from a Stream API endpoint (or the sandbox's own control surface).
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    error: &'static str,
    message: String,
    challenge: Option<String>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, error: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            error,
            message: message.into(),
            challenge: None,
        }
    }

    pub(crate) fn bad_request(error: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error, message)
    }

    pub(crate) fn not_found(error: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, error, message)
    }

    pub(crate) fn conflict(error: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, error, message)
    }

    /// 401 with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750 §3).
    pub(crate) fn invalid_token(message: impl Into<String>) -> Self {
        Self {
            challenge: Some("Bearer error=\"invalid_token\"".to_owned()),
            ..Self::new(StatusCode::UNAUTHORIZED, "invalid_token", message)
        }
    }

    /// 403 naming the scopes that would do.
    pub(crate) fn insufficient_scope(scopes: &str) -> Self {
        Self {
            challenge: Some(format!(
                "Bearer error=\"insufficient_scope\", scope=\"{scopes}\""
            )),
            ..Self::new(
                StatusCode::FORBIDDEN,
                "insufficient_scope",
                format!("this endpoint needs one of the scopes: {scopes}"),
            )
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.error.to_owned(),
            message: Some(self.message),
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(challenge) = self.challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, challenge);
        }
        response
    }
}

/// The fallback for paths no route matches.
pub(crate) async fn no_route() -> ApiError {
    ApiError::not_found("not_found", "no such route in the sandbox")
}
