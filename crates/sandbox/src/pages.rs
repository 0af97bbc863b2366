//! The two pages a person sees: the onboarding consent page (`/consent/{id}`, the
//! `entry_url`) and the white-label SSO landing page (`/white-label/redirect/sso?code=`).
//! Everything shown is HTML-escaped; pages are not cached and send no referrer (the landing
//! page's URL holds a one-time token).

use crate::clock::now_ms;
use crate::faults::{named, Faults};
use crate::http::{content_type_is, form_map, FORM};
use crate::partners::stream::data::{ConsentCode, StreamState};
use crate::secrets::random_token;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use gatehouse_core::contract::stream::{OnboardingStatus, SSO_TOKEN_REDEEMED};

/// How long a consent code can be exchanged with `complete`.
const CONSENT_CODE_LIFETIME_MS: u64 = 10 * 60 * 1000;

pub(crate) fn routes(faults: &Faults) -> Router<StreamState> {
    Router::new()
        .route(
            "/white-label/redirect/sso",
            named(faults, "pages.sso", get(sso_landing)),
        )
        .route(
            "/consent/{id}",
            named(
                faults,
                "pages.consent",
                get(consent_page).post(consent_decision),
            ),
        )
}

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page_headers() -> [(header::HeaderName, HeaderValue); 5] {
    [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
        ),
    ]
}

/// A page; `title` is escaped here, `body` must already be safe HTML.
fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}}\
         dt{{font-weight:bold}}button{{margin-right:1rem;padding:.5rem 1rem}}</style></head>\
         <body>{body}</body></html>\n",
        title = escape(title)
    );
    (status, page_headers(), html).into_response()
}

fn error_page(status: StatusCode, code: &str, message: &str) -> Response {
    page(
        status,
        "Error",
        &format!(
            "<h1>Something went wrong</h1><p id=\"wl-error\">{}</p><p>{}</p>",
            escape(code),
            escape(message)
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// White-label SSO landing page

async fn sso_landing(State(state): State<StreamState>, RawQuery(raw): RawQuery) -> Response {
    let code = raw
        .as_deref()
        .and_then(|q| url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "code"))
        .map(|(_, v)| v.into_owned())
        .filter(|c| !c.is_empty());
    let Some(code) = code else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The sign-in link has no code.",
        );
    };
    let now = now_ms();
    let session = state.with(|s| {
        let session = s.sso.get_mut(&code)?;
        if session.redeemed || session.expires_at_ms <= now {
            return None;
        }
        session.redeemed = true;
        Some(session.clone())
    });
    let Some(session) = session else {
        return error_page(
            StatusCode::BAD_REQUEST,
            SSO_TOKEN_REDEEMED,
            "This sign-in link was already used, has expired, or is unknown. Start again from your portal.",
        );
    };
    let user = &session.user;
    let role = user.role.as_ref().map(|r| r.as_str()).unwrap_or_default();
    let org = user.provider_org_id.as_deref().unwrap_or_default();
    let partner = session.partner_id.as_deref().unwrap_or_default();
    page(
        StatusCode::OK,
        "Signed in",
        &format!(
            "<h1>Welcome, <span id=\"wl-name\">{name}</span></h1>\
             <p>You are signed in to the Stream white-label sandbox.</p>\
             <dl><dt>Email</dt><dd id=\"wl-email\">{email}</dd>\
             <dt>Role</dt><dd id=\"wl-role\">{role}</dd>\
             <dt>Organization</dt><dd id=\"wl-org\">{org}</dd>\
             <dt>Phone</dt><dd id=\"wl-phone\">{phone}</dd>\
             <dt>Partner</dt><dd id=\"wl-partner\">{partner}</dd></dl>",
            name = escape(&user.full_name),
            email = escape(&user.email),
            role = escape(role),
            org = escape(org),
            phone = escape(&user.phone_number),
            partner = escape(partner),
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// Consent page

/// A page-level refusal, rendered by [`error_page`].
struct PageError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(self.status, self.code, &self.message)
    }
}

/// What the consent page shows of a pending onboarding.
struct Pending {
    source: String,
    kind: String,
    org: String,
    return_url: String,
}

/// The onboarding, if it exists and is pending.
fn pending_onboarding(state: &StreamState, id: &str) -> Result<Pending, PageError> {
    state.with(|s| {
        let Some(o) = s.onboardings.get(id) else {
            return Err(PageError {
                status: StatusCode::NOT_FOUND,
                code: "onboarding_not_found",
                message: "There is no such onboarding.".to_owned(),
            });
        };
        if o.status != OnboardingStatus::Pending {
            return Err(PageError {
                status: StatusCode::CONFLICT,
                code: "invalid_state",
                message: format!(
                    "This onboarding is {} and can no longer be authorized.",
                    o.status
                ),
            });
        }
        let org = s
            .orgs
            .iter()
            .find(|org| org.id == o.org_id)
            .map(|org| org.name.clone())
            .unwrap_or_default();
        Ok(Pending {
            source: o.source.clone().unwrap_or_default(),
            kind: o.r#type.to_string(),
            org,
            return_url: o.return_url.clone().unwrap_or_default(),
        })
    })
}

async fn consent_page(State(state): State<StreamState>, Path(id): Path<String>) -> Response {
    let Pending {
        source, kind, org, ..
    } = match pending_onboarding(&state, &id) {
        Ok(found) => found,
        Err(refusal) => return refusal.into_response(),
    };
    // No action attribute: the form posts back to this page's own URL.
    page(
        StatusCode::OK,
        "Authorize integration",
        &format!(
            "<h1>Connect <span id=\"consent-source\">{source}</span></h1>\
             <p>Stream wants to connect the <strong id=\"consent-type\">{kind_upper}</strong> \
             <span id=\"consent-source-name\">{source}</span> to the organization \
             <strong id=\"consent-org\">{org}</strong> (integration type <code>{kind}</code>).</p>\
             <form method=\"post\">\
             <button type=\"submit\" name=\"decision\" value=\"authorize\" id=\"consent-authorize\">Authorize</button>\
             <button type=\"submit\" name=\"decision\" value=\"deny\" id=\"consent-deny\">Deny</button>\
             </form>",
            source = escape(&source),
            kind = escape(&kind),
            kind_upper = escape(&kind.to_uppercase()),
            org = escape(&org),
        ),
    )
}

async fn consent_decision(
    State(state): State<StreamState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let return_url = match pending_onboarding(&state, &id) {
        Ok(found) => found.return_url,
        Err(refusal) => return refusal.into_response(),
    };
    let decision = if content_type_is(&headers, FORM) {
        form_map(&body).ok().and_then(|m| {
            m.get("decision")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        })
    } else {
        None
    };
    let Ok(mut target) = url::Url::parse(&return_url) else {
        return error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "invalid_return_url",
            "The return URL is not valid.",
        );
    };
    match decision.as_deref() {
        Some("authorize") => {
            let code = random_token();
            state.with(|s| {
                // One outstanding code per onboarding: a new authorization replaces the old.
                s.consent_codes.retain(|_, c| c.onboarding_id != id);
                s.consent_codes.insert(
                    code.clone(),
                    ConsentCode {
                        onboarding_id: id.clone(),
                        expires_at_ms: now_ms().saturating_add(CONSENT_CODE_LIFETIME_MS),
                    },
                );
            });
            target.query_pairs_mut().append_pair("code", &code);
        }
        Some("deny") => {
            state.with(|s| {
                if let Some(o) = s.onboardings.get_mut(&id) {
                    o.status = OnboardingStatus::Failed;
                }
                s.consent_codes.retain(|_, c| c.onboarding_id != id);
            });
            target
                .query_pairs_mut()
                .append_pair("error", "access_denied");
        }
        _ => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "decision must be authorize or deny (form-encoded).",
            )
        }
    }
    let Ok(location) = HeaderValue::from_str(target.as_str()) else {
        return error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "invalid_return_url",
            "The return URL is not valid.",
        );
    };
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, location),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
        ],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }
}
