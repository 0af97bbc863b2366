//! Runs in headless Chromium (wasm-bindgen-test) against the real worker in workerd, whose
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
//! URL is given at build time in `GATEHOUSE_URL` (the test command sets it and pins this page's
//! origin with `WASM_BINDGEN_TEST_ADDRESS`, which the worker's CORS allowlist names exactly).
#![cfg(target_arch = "wasm32")]

use gatehouse_core::api::Health;
use gatehouse_web::{Client, ClientError};
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
        ClientError::Api { status, body } => {
            assert_eq!(status, 404);
            assert_eq!(body.code, "not_found");
            assert!(!body.retryable);
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
        matches!(err, ClientError::Api { status: 401, ref body } if body.code == "unauthorized"),
        "{err:?}"
    );
}
