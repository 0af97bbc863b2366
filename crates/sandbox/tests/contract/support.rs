//! Drives the sandbox router in-process with `tower::ServiceExt::oneshot`.

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use gatehouse_sandbox::credentials::*;
use gatehouse_sandbox::{app, Config};
use http_body_util::BodyExt as _;
use serde_json::{json, Value};
use tower::ServiceExt as _;

pub const PUBLIC_URL: &str = "http://sandbox.test";

/// One sandbox (fresh state) and helpers to call it.
#[derive(Clone)]
pub struct Sandbox {
    app: Router,
}

/// What a client sees of an answer.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `error` field of a JSON error body.
    pub fn error(&self) -> String {
        self.json()["error"].as_str().unwrap_or_default().to_owned()
    }

    #[track_caller]
    pub fn assert(&self, status: u16) -> &Self {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text());
        self
    }

    /// Asserts status and JSON `error` code.
    #[track_caller]
    pub fn assert_error(&self, status: u16, error: &str) -> &Self {
        self.assert(status);
        assert_eq!(self.error(), error, "body: {}", self.text());
        self
    }
}

/// A request being built.
pub struct Call {
    builder: axum::http::request::Builder,
    body: Body,
}

impl Call {
    pub fn new(method: Method, uri: &str) -> Self {
        Self {
            builder: Request::builder().method(method).uri(uri),
            body: Body::empty(),
        }
    }

    pub fn bearer(mut self, token: &str) -> Self {
        self.builder = self
            .builder
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        self
    }

    pub fn basic(mut self, id: &str, secret: &str) -> Self {
        let encoded = STANDARD.encode(format!("{id}:{secret}"));
        self.builder = self
            .builder
            .header(header::AUTHORIZATION, format!("Basic {encoded}"));
        self
    }

    pub fn json(self, value: &Value) -> Self {
        self.raw("application/json", &value.to_string())
    }

    pub fn form(self, pairs: &[(&str, &str)]) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.raw("application/x-www-form-urlencoded", &body)
    }

    pub fn raw(mut self, content_type: &str, body: &str) -> Self {
        self.builder = self.builder.header(header::CONTENT_TYPE, content_type);
        self.body = Body::from(body.to_owned());
        self
    }
}

pub fn get(uri: &str) -> Call {
    Call::new(Method::GET, uri)
}

pub fn post(uri: &str) -> Call {
    Call::new(Method::POST, uri)
}

pub fn patch(uri: &str) -> Call {
    Call::new(Method::PATCH, uri)
}

pub fn delete(uri: &str) -> Call {
    Call::new(Method::DELETE, uri)
}

impl Sandbox {
    pub fn new() -> Self {
        Self {
            app: app(Config::new(PUBLIC_URL)),
        }
    }

    pub async fn send(&self, call: Call) -> Reply {
        let request = call.builder.body(call.body).unwrap();
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    // ---- Stream ------------------------------------------------------------------------------

    /// A Stream token answer for the full client with the given scopes (empty = default).
    pub async fn stream_token_reply(&self, scopes: &[&str]) -> Reply {
        let mut body = json!({
            "grant_type": "client_credentials",
            "client_id": STREAM_CLIENT_ID,
            "client_secret": STREAM_CLIENT_SECRET,
        });
        if !scopes.is_empty() {
            body["scopes"] = json!(scopes);
        }
        self.send(post("/stream/oauth/token").json(&body)).await
    }

    /// A Stream access token for the full client with the given scopes.
    pub async fn stream_token(&self, scopes: &[&str]) -> String {
        let reply = self.stream_token_reply(scopes).await;
        reply.assert(200);
        reply.json()["access_token"].as_str().unwrap().to_owned()
    }

    /// An access token with every scope.
    pub async fn admin(&self) -> String {
        self.stream_token(&[]).await
    }

    /// Creates an organization; returns its id.
    pub async fn org(&self, token: &str) -> String {
        let reply = self
            .send(post("/stream/organizations").bearer(token).json(&json!({
                "name": "Tony's Pizza",
                "provider_id": "tonys_pizza_main",
                "user": {"email": "tony@tonys.example", "full_name": "Tony Soprano", "phone_number": "+1 555 123 4567", "role": "owner"}
            })))
            .await;
        reply.assert(201);
        reply.json()["org_id"].as_str().unwrap().to_owned()
    }

    /// Starts an onboarding; returns the onboarding object.
    pub async fn init_onboarding(
        &self,
        token: &str,
        org_id: &str,
        kind: &str,
        return_url: &str,
    ) -> Value {
        let reply = self
            .send(
                post("/stream/onboarding/integrations")
                    .bearer(token)
                    .json(&json!({
                        "org_id": org_id, "source": "toast", "type": kind, "return_url": return_url
                    })),
            )
            .await;
        reply.assert(201);
        reply.json()["onboarding"].clone()
    }

    /// Presses a consent button; returns the redirect `Location`.
    pub async fn consent(&self, onboarding_id: &str, decision: &str) -> String {
        let reply = self
            .send(post(&format!("/consent/{onboarding_id}")).form(&[("decision", decision)]))
            .await;
        reply.assert(303);
        reply.header("location").unwrap().to_owned()
    }

    /// Runs init → consent → complete and returns the active onboarding.
    pub async fn active_onboarding(&self, token: &str, org_id: &str, kind: &str) -> Value {
        let onboarding = self
            .init_onboarding(
                token,
                org_id,
                kind,
                "https://partner.example/return?state=s1",
            )
            .await;
        let id = onboarding["_id"].as_str().unwrap();
        let location = self.consent(id, "authorize").await;
        let code = query_param(&location, "code").unwrap();
        let reply = self
            .send(
                post(&format!("/stream/onboarding/integrations/{id}/complete"))
                    .bearer(token)
                    .json(&json!({ "code": code })),
            )
            .await;
        reply.assert(200);
        reply.json()
    }

    /// A one-time SSO login token.
    pub async fn sso_token(&self, token: &str, body: &Value) -> String {
        let reply = self
            .send(
                post("/stream/white-label/generate-session")
                    .bearer(token)
                    .json(body),
            )
            .await;
        reply.assert(200);
        reply.json()["sso_login_token"].as_str().unwrap().to_owned()
    }

    // ---- control -----------------------------------------------------------------------------

    pub async fn counters(&self) -> Value {
        let reply = self.send(get("/_control/counters")).await;
        reply.assert(200);
        reply.json()
    }

    pub async fn faults(&self, rules: Value) -> Reply {
        self.send(post("/_control/faults").json(&rules)).await
    }

    /// PowerEPOS's password grant for organisation 1's service account.
    pub async fn powerepos_token_reply(&self) -> Reply {
        self.send(post("/powerepos/authorisation/token").form(&[
            ("grant_type", "password"),
            ("client_id", POWEREPOS_CLIENT_ID),
            ("client_secret", POWEREPOS_CLIENT_SECRET),
            ("org_id", POWEREPOS_ORG_1),
            ("username", POWEREPOS_ORG_1_USERNAME),
            ("password", POWEREPOS_ORG_1_PASSWORD),
            ("scope", "partnerservices offline_access"),
        ]))
        .await
    }

    pub async fn settings(&self, settings: Value) {
        self.send(post("/_control/settings").json(&settings))
            .await
            .assert(200);
    }
}

/// A query parameter of a URL.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let url = url::Url::parse(url).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The payload of a JWT.
pub fn jwt_payload(token: &str) -> Value {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "not a JWT");
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "HS256");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap()
}

/// A typical SSO user.
pub fn sso_user() -> Value {
    json!({
        "provider_org_id": "restaurant_chain_abc_123",
        "role": "manager",
        "email": "sarah.manager@restaurantchain.com",
        "full_name": "Sarah Johnson",
        "phone_number": "+1-555-123-4567"
    })
}

/// Text of the element with this id in a page (the sandbox's pages put no markup inside).
pub fn element_text(html: &str, id: &str) -> Option<String> {
    let marker = format!("id=\"{id}\"");
    let start = html.find(&marker)?;
    let open_end = start + html[start..].find('>')? + 1;
    let close = open_end + html[open_end..].find('<')?;
    Some(html[open_end..close].to_owned())
}
