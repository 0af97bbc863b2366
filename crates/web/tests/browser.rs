//! Runs in headless Chromium (wasm-bindgen-test) against the real worker in workerd, whose
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
//! URL is given at build time in `GATEHOUSE_URL` (the test command sets it and pins this page's
//! origin with `WASM_BINDGEN_TEST_ADDRESS`, which the worker's CORS allowlist names exactly).
#![cfg(target_arch = "wasm32")]

use gatehouse_core::api::Health;
use gatehouse_web::{Client, ClientError};
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn worker_url() -> &'static str {
    option_env!("GATEHOUSE_URL").unwrap_or("http://127.0.0.1:8787")
}

#[wasm_bindgen_test]
async fn health_is_typed_and_crosses_cors() {
    let health: Health = Client::new(worker_url()).health().await.expect("health");
    assert_eq!(health.status, "ok");
    assert_eq!(health.service, "gatehouse");
    assert_eq!(health.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(health.mode, "development");
}

#[wasm_bindgen_test]
async fn unknown_route_is_a_typed_error_with_a_stable_code() {
    let err = Client::new(worker_url())
        .get::<Health>("/api/no-such-route")
        .await
        .unwrap_err();
    match err {
        ClientError::Api {
            status,
            body,
            request_id,
        } => {
            assert_eq!(status, 404);
            assert_eq!(body.code, "not_found");
            assert!(!body.retryable);
            // The worker exposes X-Request-Id to CORS readers: what its log lines carry.
            assert!(request_id.is_some_and(|id| !id.is_empty()), "request id");
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn admin_route_refuses_a_browser_without_the_key() {
    let err = Client::new(worker_url())
        .get::<Health>("/api/admin/credentials/stream")
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Api { status: 401, ref body, .. } if body.code == "unauthorized"),
        "{err:?}"
    );
}

// ---- onboarding client and watch (against the worker and the sandbox's Stream) ----

use gatehouse_core::contract::stream::OnboardingStatus;
use gatehouse_web::watch::{watch, Update};
use std::cell::RefCell;
use std::rc::Rc;

/// A demo session from the development-only route (this page's origin is on the allowlist).
async fn session(user: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Minted {
        session: String,
    }
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let headers = web_sys::Headers::new().unwrap();
    headers.set("content-type", "application/json").unwrap();
    init.set_headers(&headers);
    init.set_body(&format!("{{\"user\":\"{user}\"}}").into());
    let window = web_sys::window().unwrap();
    let resp: web_sys::Response = wasm_bindgen_futures::JsFuture::from(
        window.fetch_with_str_and_init(&format!("{}/api/dev/session", worker_url()), &init),
    )
    .await
    .unwrap()
    .into();
    let json = wasm_bindgen_futures::JsFuture::from(resp.json().unwrap())
        .await
        .unwrap();
    serde_wasm_bindgen::from_value::<Minted>(json)
        .unwrap()
        .session
}

/// Waits until `done()` or about 15 s.
async fn until(done: impl Fn() -> bool) {
    for _ in 0..150 {
        if done() {
            return;
        }
        TimeoutFuture::new(100).await;
    }
}

#[wasm_bindgen_test]
async fn watch_reports_changes_and_ends_on_a_terminal_status() {
    let client = Client::new(worker_url()).with_session(&session("tony").await);
    let started = client
        .start_onboarding("square", "pos", None)
        .await
        .expect("start");
    assert_eq!(started.onboarding.status, OnboardingStatus::Pending);
    let seen: Rc<RefCell<Vec<Update>>> = Rc::default();
    let sink = seen.clone();
    let handle = watch(client.clone(), started.onboarding.id.clone(), move |u| {
        sink.borrow_mut().push(u)
    });
    until(|| !seen.borrow().is_empty()).await;
    // The owner revokes: the long-poll answers with the change, which is terminal.
    let revoked = client.revoke(&started.onboarding.id).await.expect("revoke");
    assert_eq!(revoked.status, OnboardingStatus::Revoked);
    until(|| handle.is_stopped()).await;
    let seen = seen.borrow();
    assert!(
        matches!(&seen[0], Update::Status(v) if v.status == OnboardingStatus::Pending),
        "{seen:?}"
    );
    assert!(
        matches!(seen.last(), Some(Update::Status(v)) if v.status == OnboardingStatus::Revoked),
        "{seen:?}"
    );
    assert!(handle.is_stopped(), "ended on the terminal status");
}

#[wasm_bindgen_test]
async fn a_stopped_watch_reports_nothing_more() {
    let client = Client::new(worker_url()).with_session(&session("tony").await);
    let started = client
        .start_onboarding("square", "pos", None)
        .await
        .expect("start");
    let count = Rc::new(RefCell::new(0));
    let sink = count.clone();
    let handle = watch(client.clone(), started.onboarding.id.clone(), move |_| {
        *sink.borrow_mut() += 1
    });
    until(|| *count.borrow() > 0).await;
    handle.stop();
    let before = *count.borrow();
    client.revoke(&started.onboarding.id).await.expect("revoke");
    TimeoutFuture::new(2500).await;
    assert_eq!(*count.borrow(), before, "no update after stop()");
    drop(handle);
}

#[wasm_bindgen_test]
async fn a_foreign_onboarding_is_a_typed_non_retryable_error_that_ends_the_watch() {
    let tony = Client::new(worker_url()).with_session(&session("tony").await);
    let started = tony
        .start_onboarding("square", "pos", None)
        .await
        .expect("start");
    // Maria is of another organization.
    let maria = Client::new(worker_url()).with_session(&session("maria").await);
    let seen: Rc<RefCell<Vec<Update>>> = Rc::default();
    let sink = seen.clone();
    let handle = watch(maria, started.onboarding.id, move |u| {
        sink.borrow_mut().push(u)
    });
    until(|| handle.is_stopped()).await;
    let seen = seen.borrow().clone();
    match seen.as_slice() {
        [Update::Error {
            error: ClientError::Api {
                status: 404, body, ..
            },
            retry_in_ms: None,
        }] => {
            assert_eq!(body.code, "onboarding_not_found");
        }
        other => panic!("expected one final 404, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn an_unreachable_worker_is_retried_with_growing_jittered_backoff() {
    // Nothing listens on port 9: a network error, which is retryable.
    let client = Client::new("http://127.0.0.1:9").with_session("unused");
    let seen: Rc<RefCell<Vec<Update>>> = Rc::default();
    let sink = seen.clone();
    let handle = watch(client, "onb_1".into(), move |u| sink.borrow_mut().push(u));
    until(|| seen.borrow().len() >= 2).await;
    handle.stop();
    let delays: Vec<u32> = seen
        .borrow()
        .iter()
        .map(|u| match u {
            Update::Error {
                error,
                retry_in_ms: Some(ms),
            } => {
                assert!(error.retryable());
                assert_eq!(error.code(), "network_error");
                *ms
            }
            other => panic!("expected retryable errors, got {other:?}"),
        })
        .collect();
    assert!((500..=1000).contains(&delays[0]), "{delays:?}");
    assert!((1000..=2000).contains(&delays[1]), "{delays:?}");
}

// ---- handles and sessions, with the page's `fetch` observed ----

#[wasm_bindgen::prelude::wasm_bindgen(inline_js = r#"
const seen = [];
let expireNext = 0;
const real = globalThis.fetch;
// Records every request the client sends; answers the next `expireNext` ones with the worker's
// session_expired error instead of sending them.
globalThis.fetch = (input, init) => {
  const req = input instanceof Request ? input : new Request(input, init);
  seen.push(req);
  if (expireNext > 0) {
    expireNext -= 1;
    const body = JSON.stringify({ code: "session_expired", message: "The portal session has expired; mint a new one.", retryable: false });
    return Promise.resolve(new Response(body, { status: 401, headers: { "content-type": "application/json" } }));
  }
  return real(req);
};
export function spy_count() { return seen.length; }
export function spy_aborted(i) { return seen[i].signal.aborted; }
export function spy_url(i) { return seen[i].url; }
export function spy_authorization(i) { return seen[i].headers.get("authorization") ?? ""; }
export function spy_expire_next(n) { expireNext = n; }
"#)]
extern "C" {
    fn spy_count() -> u32;
    fn spy_aborted(i: u32) -> bool;
    fn spy_url(i: u32) -> String;
    fn spy_authorization(i: u32) -> String;
    fn spy_expire_next(n: u32);
}

#[wasm_bindgen_test]
async fn dropping_a_watch_aborts_its_long_poll_in_flight() {
    let client = Client::new(worker_url()).with_session(&session("tony").await);
    let started = client
        .start_onboarding("square", "pos", None)
        .await
        .expect("start");
    let id = started.onboarding.id.clone();
    let seen = Rc::new(RefCell::new(0));
    let sink = seen.clone();
    let handle = watch(client.clone(), id.clone(), move |_| *sink.borrow_mut() += 1);
    // The first status, then the long-poll (`?wait=`) that waits for a change.
    until(|| *seen.borrow() > 0).await;
    until(|| spy_url(spy_count() - 1).contains("wait=")).await;
    let poll = spy_count() - 1;
    assert!(spy_url(poll).contains(&id), "{}", spy_url(poll));
    assert!(!spy_aborted(poll), "in flight");
    drop(handle);
    assert!(
        spy_aborted(poll),
        "dropping the watch aborts its request in flight"
    );
    TimeoutFuture::new(300).await;
    assert_eq!(spy_count(), poll + 1, "no request after the drop");
}

#[wasm_bindgen_test]
async fn session_expired_asks_the_session_source_once_and_sends_the_call_again() {
    let fresh = session("tony").await;
    let client = Client::new(worker_url()).with_session("an-expired-session");
    let asked = Rc::new(RefCell::new(0));
    let counter = asked.clone();
    let source = fresh.clone();
    client.set_session_source(Some(Rc::new(move || {
        *counter.borrow_mut() += 1;
        let fresh = source.clone();
        Box::pin(async move { Some(fresh) })
    })));
    spy_expire_next(1);
    let first = spy_count();
    let started = client
        .start_onboarding("square", "pos", None)
        .await
        .expect("retried with the fresh session");
    assert_eq!(started.onboarding.status, OnboardingStatus::Pending);
    assert_eq!(*asked.borrow(), 1);
    assert_eq!(spy_count(), first + 2, "the call, then once more");
    assert_eq!(spy_authorization(first), "Bearer an-expired-session");
    assert_eq!(spy_authorization(first + 1), format!("Bearer {fresh}"));
    // Expired again right away: asked once more, but each call is retried only once.
    spy_expire_next(2);
    let err = client.status(&started.onboarding.id).await.unwrap_err();
    assert_eq!(err.code(), "session_expired");
    assert_eq!(*asked.borrow(), 2);
}

// ---- connections (against the worker and the sandbox's PowerEPOS) ----

use gatehouse_core::connections::{ConnectionStatus, FieldKind};
use std::collections::BTreeMap;

fn powerepos(password: &str) -> BTreeMap<String, String> {
    [
        ("org_id", "ORG001"),
        ("username", "svc-org001"),
        ("password", password),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

#[wasm_bindgen_test]
async fn connections_are_created_refused_listed_updated_and_deleted_with_typed_answers() {
    // tony owns his organization: he may connect.
    let client = Client::new(worker_url()).with_session(&session("tony").await);
    let templates = client.connection_templates().await.expect("templates");
    let pe = templates
        .templates
        .iter()
        .find(|t| t.id == "powerepos")
        .expect("the powerepos template");
    let kinds: Vec<(&str, FieldKind)> = pe
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("org_id", FieldKind::Text),
            ("username", FieldKind::Text),
            ("password", FieldKind::Secret)
        ]
    );

    // A mistyped password: PowerEPOS refuses, and the error names the fields it blamed.
    let err = client
        .create_connection("powerepos", &powerepos("not-the-password"))
        .await
        .unwrap_err();
    match &err {
        ClientError::Api { status, body, .. } => {
            assert_eq!(*status, 422);
            assert_eq!(body.code, "invalid_credentials");
            let fields: Vec<&str> = body.fields.iter().map(|p| p.field.as_str()).collect();
            assert_eq!(fields, ["org_id", "username", "password"], "{err:?}");
            assert!(body.fields.iter().all(|p| p.code == "invalid_credentials"));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }

    let created = client
        .create_connection("powerepos", &powerepos("svc-pass-001"))
        .await
        .expect("create");
    assert_eq!(created.status, ConnectionStatus::Active);
    assert_eq!(
        created.fields.get("org_id").map(String::as_str),
        Some("ORG001")
    );
    assert!(!created.fields.contains_key("password"), "never a secret");
    let id = created.id.as_str().to_owned();

    let listed = client.connections().await.expect("list");
    assert!(listed.connections.iter().any(|c| c.id == created.id));
    assert_eq!(client.connection(&id).await.expect("get").id, created.id);

    // Update mode: every field again.
    let updated = client
        .update_connection(&id, &powerepos("svc-pass-001"))
        .await
        .expect("update");
    assert_eq!(updated.status, ConnectionStatus::Active);
    assert!(updated.updated_at_ms >= created.updated_at_ms);

    // Deleted (204, no body): gone for every route.
    client.delete_connection(&id).await.expect("delete");
    let err = client.connection(&id).await.unwrap_err();
    assert_eq!(err.code(), "unknown_connection", "{err:?}");
    assert_eq!(err.status(), 404);
}
