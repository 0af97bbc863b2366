//! The `/_control` surface: faults, counters, settings, credential revocation, reset.

use crate::support::*;
use gatehouse_sandbox::credentials::*;
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn health_and_unknown_routes() {
    let sb = Sandbox::new();
    assert_eq!(
        sb.send(get("/_control/health")).await.assert(200).json()["ok"],
        true
    );
    sb.send(get("/nowhere"))
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn a_status_fault_answers_instead_of_handling_then_runs_out() {
    let sb = Sandbox::new();
    let installed = sb
        .faults(json!([{"route": "stream.token", "status": 503, "retry_after": 2, "times": 1}]))
        .await;
    assert_eq!(installed.assert(200).json().as_array().unwrap().len(), 1);

    let faulted = sb.stream_token_reply(&[]).await;
    faulted.assert_error(503, "temporarily_unavailable");
    assert_eq!(faulted.header("retry-after"), Some("2"));
    // times: 1 — the next call is handled.
    sb.stream_token_reply(&[]).await.assert(200);
    assert_eq!(sb.send(get("/_control/faults")).await.json(), json!([]));

    let counters = sb.counters().await;
    assert_eq!(counters["token_calls"][STREAM_CLIENT_ID], 2);
    assert_eq!(counters["requests"]["stream.token"], 2);
}

#[tokio::test]
async fn fault_bodies_malformed_html_empty_and_wildcard() {
    let sb = Sandbox::new();
    sb.faults(json!({"route": "omniretain.token", "body": "malformed", "times": 1}))
        .await
        .assert(200);
    let r = sb
        .send(
            post("/omniretain/backend/core/authentication/token/")
                .form(&[("grant_type", "client_credentials")]),
        )
        .await;
    r.assert(200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());

    sb.faults(json!([{"route": "streamdiver.token", "status": 502, "body": "html", "times": 1}]))
        .await
        .assert(200);
    let r = sb
        .send(post(
            "/streamdiver/realms/acme/protocol/openid-connect/token",
        ))
        .await;
    r.assert(502);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.text().contains("<html>"));

    sb.faults(json!([{"route": "powerepos.token", "status": 500, "body": "empty", "times": 1}]))
        .await
        .assert(200);
    let r = sb.send(post("/powerepos/authorisation/token")).await;
    r.assert(500);
    assert!(r.body.is_empty());

    // `*` applies to any named route, not to /_control.
    sb.faults(json!([{"route": "*", "status": 429, "retry_after": 7}]))
        .await
        .assert(200);
    let r = sb.send(get("/stream/onboarding/integrations/onb_1")).await;
    r.assert(429);
    assert_eq!(r.header("retry-after"), Some("7"));
    sb.send(get("/white-label/redirect/sso?code=x"))
        .await
        .assert(429);
    sb.send(get("/_control/counters")).await.assert(200);
    sb.send(delete("/_control/faults")).await.assert(204);
    sb.send(get("/stream/onboarding/integrations/onb_1"))
        .await
        .assert_error(401, "invalid_token");
}

#[tokio::test]
async fn a_fault_can_carry_a_location_for_redirect_answers() {
    let sb = Sandbox::new();
    sb.faults(json!({"route": "streamdiver.token", "status": 307, "location": "http://elsewhere.test/catch", "times": 1}))
        .await
        .assert(200);
    let reply = sb
        .send(
            post("/streamdiver/realms/acme/protocol/openid-connect/token").form(&[
                ("grant_type", "client_credentials"),
                ("client_id", STREAMDIVER_ACME_CLIENT_ID),
                ("client_secret", STREAMDIVER_ACME_CLIENT_SECRET),
            ]),
        )
        .await;
    assert_eq!(reply.status.as_u16(), 307);
    assert_eq!(
        reply.header("location"),
        Some("http://elsewhere.test/catch")
    );
}

#[tokio::test]
async fn latency_delays_then_handles() {
    let sb = Sandbox::new();
    sb.faults(json!([{"route": "stream.token", "latency_ms": 150, "times": 1}]))
        .await
        .assert(200);
    let start = Instant::now();
    sb.stream_token_reply(&[]).await.assert(200);
    assert!(start.elapsed() >= Duration::from_millis(150));
    let start = Instant::now();
    sb.stream_token_reply(&[]).await.assert(200);
    assert!(start.elapsed() < Duration::from_millis(150));
}

#[tokio::test]
async fn the_first_matching_rule_applies_and_rules_append() {
    let sb = Sandbox::new();
    sb.faults(json!([{"route": "stream.sso", "status": 500, "times": 1}]))
        .await
        .assert(200);
    let all = sb
        .faults(json!([{"route": "stream.sso", "status": 503, "times": 1}]))
        .await;
    assert_eq!(all.json().as_array().unwrap().len(), 2);
    let sso = sb.stream_token(&["sso"]).await;
    let call = || {
        sb.send(
            post("/stream/white-label/generate-session")
                .bearer(&sso)
                .json(&sso_user()),
        )
    };
    call().await.assert(500);
    call().await.assert(503);
    call().await.assert(200);
}

#[tokio::test]
async fn bad_fault_rules_are_refused() {
    let sb = Sandbox::new();
    sb.faults(json!([{"route": "stream.tokens"}]))
        .await
        .assert_error(400, "invalid_request");
    sb.faults(json!([{"route": "stream.token", "status": 42}]))
        .await
        .assert_error(400, "invalid_request");
    sb.faults(json!([{"route": "stream.token", "body": "xml"}]))
        .await
        .assert_error(400, "invalid_request");
    sb.faults(json!([{"route": "stream.token", "times": 0}]))
        .await
        .assert_error(400, "invalid_request");
    sb.faults(json!([{"status": 500}]))
        .await
        .assert_error(400, "invalid_request");
    sb.send(post("/_control/faults").raw("application/json", "["))
        .await
        .assert_error(400, "invalid_request");
    assert_eq!(sb.send(get("/_control/faults")).await.json(), json!([]));
}

#[tokio::test]
async fn counters_count_token_calls_per_client_and_requests_per_route() {
    let sb = Sandbox::new();
    sb.stream_token_reply(&[]).await;
    sb.send(
        post("/stream/oauth/token")
            .basic(STREAM_LIMITED_CLIENT_ID, STREAM_LIMITED_CLIENT_SECRET)
            .json(&json!({"grant_type": "client_credentials"})),
    )
    .await
    .assert(200);
    sb.send(
        post("/omniretain/backend/core/authentication/token/").form(&[
            ("grant_type", "client_credentials"),
            ("client_id", OMNI_COMPANY_1_CLIENT_ID),
            ("client_secret", "wrong"),
        ]),
    )
    .await
    .assert(401);
    let counters = sb.counters().await;
    assert_eq!(
        counters["token_calls"],
        json!({STREAM_CLIENT_ID: 1, STREAM_LIMITED_CLIENT_ID: 1, OMNI_COMPANY_1_CLIENT_ID: 1})
    );
    assert_eq!(counters["requests"]["stream.token"], 2);
    assert_eq!(counters["requests"]["omniretain.token"], 1);
    assert_eq!(counters["status_calls"], json!({}));
}

#[tokio::test]
async fn settings_override_access_token_lifetimes() {
    let sb = Sandbox::new();
    let r = sb
        .send(
            post("/_control/settings")
                .json(&json!({"token_lifetime_s": {"stream": 5, "omniretain": 6}})),
        )
        .await;
    assert_eq!(
        r.assert(200).json()["token_lifetime_s"],
        json!({"stream": 5, "omniretain": 6})
    );
    sb.settings(json!({"token_lifetime_s": {"streamdiver": 7, "powerepos": 8}}))
        .await;
    assert_eq!(
        sb.send(get("/_control/settings")).await.json()["token_lifetime_s"],
        json!({"stream": 5, "omniretain": 6, "streamdiver": 7, "powerepos": 8})
    );

    assert_eq!(sb.stream_token_reply(&[]).await.json()["expires_in"], 5);
    let omni = sb
        .send(
            post("/omniretain/backend/core/authentication/token/").form(&[
                ("grant_type", "client_credentials"),
                ("client_id", OMNI_COMPANY_1_CLIENT_ID),
                ("client_secret", OMNI_COMPANY_1_CLIENT_SECRET),
            ]),
        )
        .await;
    assert_eq!(omni.json()["expires_in"], 6);
    let sd = sb
        .send(
            post("/streamdiver/realms/acme/protocol/openid-connect/token").form(&[
                ("grant_type", "client_credentials"),
                ("client_id", STREAMDIVER_ACME_CLIENT_ID),
                ("client_secret", STREAMDIVER_ACME_CLIENT_SECRET),
            ]),
        )
        .await;
    assert_eq!(sd.json()["expires_in"], 7);
    let pe = sb.powerepos_token_reply().await;
    assert_eq!(pe.json()["expires_in"], 8);
    let payload = jwt_payload(pe.json()["access_token"].as_str().unwrap());
    assert_eq!(
        payload["exp"].as_u64().unwrap() - payload["iat"].as_u64().unwrap(),
        8
    );

    // Lifetime 0: the token is already expired at the protected resource.
    sb.settings(json!({"token_lifetime_s": {"omniretain": 0}}))
        .await;
    let omni = sb
        .send(
            post("/omniretain/backend/core/authentication/token/").form(&[
                ("grant_type", "client_credentials"),
                ("client_id", OMNI_COMPANY_1_CLIENT_ID),
                ("client_secret", OMNI_COMPANY_1_CLIENT_SECRET),
            ]),
        )
        .await
        .json();
    sb.send(get("/omniretain/api/v1/member/ping").bearer(omni["access_token"].as_str().unwrap()))
        .await
        .assert(401);

    sb.send(post("/_control/settings").json(&json!({"token_lifetime_s": {"nope": 1}})))
        .await
        .assert_error(400, "invalid_request");
    sb.send(post("/_control/settings").json(&json!({"token_lifetime_s": {"stream": -1}})))
        .await
        .assert_error(400, "invalid_request");
}

#[tokio::test]
async fn revoke_credential_invalidates_every_refresh_token_of_the_client() {
    let sb = Sandbox::new();
    let a = sb.stream_token_reply(&[]).await.json();
    let b = sb.stream_token_reply(&["sso"]).await.json();
    let limited = sb
        .send(
            post("/stream/oauth/token").json(&json!({"grant_type": "client_credentials",
            "client_id": STREAM_LIMITED_CLIENT_ID, "client_secret": STREAM_LIMITED_CLIENT_SECRET})),
        )
        .await
        .json();
    let r = sb
        .send(post("/_control/revoke-credential").json(&json!({"client_id": STREAM_CLIENT_ID})))
        .await;
    assert_eq!(r.assert(200).json()["revoked_refresh_tokens"], 2);

    let refresh = |id: &str, secret: &str, rt: &serde_json::Value| {
        sb.send(
            post("/stream/oauth/token").json(&json!({"grant_type": "refresh_token",
            "client_id": id, "client_secret": secret, "refresh_token": rt})),
        )
    };
    refresh(STREAM_CLIENT_ID, STREAM_CLIENT_SECRET, &a["refresh_token"])
        .await
        .assert_error(400, "invalid_grant");
    refresh(STREAM_CLIENT_ID, STREAM_CLIENT_SECRET, &b["refresh_token"])
        .await
        .assert_error(400, "invalid_grant");
    // Other clients are untouched.
    refresh(
        STREAM_LIMITED_CLIENT_ID,
        STREAM_LIMITED_CLIENT_SECRET,
        &limited["refresh_token"],
    )
    .await
    .assert(200);

    // OmniRetain too.
    let omni = sb
        .send(
            post("/omniretain/backend/core/authentication/token/").form(&[
                ("grant_type", "password"),
                ("client_id", OMNI_COMPANY_1_CLIENT_ID),
                ("client_secret", OMNI_COMPANY_1_CLIENT_SECRET),
                ("username", OMNI_COMPANY_1_USERNAME),
                ("password", OMNI_COMPANY_1_PASSWORD),
            ]),
        )
        .await
        .json();
    sb.send(
        post("/_control/revoke-credential").json(&json!({"client_id": OMNI_COMPANY_1_CLIENT_ID})),
    )
    .await
    .assert(200);
    sb.send(
        post("/omniretain/backend/core/authentication/token/").form(&[
            ("grant_type", "refresh_token"),
            ("client_id", OMNI_COMPANY_1_CLIENT_ID),
            ("client_secret", OMNI_COMPANY_1_CLIENT_SECRET),
            ("refresh_token", omni["refresh_token"].as_str().unwrap()),
        ]),
    )
    .await
    .assert_error(400, "invalid_grant");

    sb.send(post("/_control/revoke-credential").json(&json!({})))
        .await
        .assert_error(400, "invalid_request");
}

#[tokio::test]
async fn reset_clears_state_faults_counters_and_settings() {
    let sb = Sandbox::new();
    let admin = sb.admin().await;
    assert_eq!(sb.org(&admin).await, "org_1");
    sb.faults(json!([{"route": "stream.sso", "status": 500}]))
        .await
        .assert(200);
    sb.settings(json!({"token_lifetime_s": {"stream": 5}}))
        .await;

    sb.send(post("/_control/reset")).await.assert(204);

    // No counters, no faults; tokens are gone, ids start again, default lifetimes.
    assert_eq!(
        sb.counters().await,
        json!({"token_calls": {}, "status_calls": {}, "requests": {}})
    );
    sb.send(
        post("/stream/organizations")
            .bearer(&admin)
            .json(&json!({})),
    )
    .await
    .assert_error(401, "invalid_token");
    assert_eq!(sb.send(get("/_control/faults")).await.json(), json!([]));
    let reply = sb.stream_token_reply(&[]).await;
    assert_eq!(reply.json()["expires_in"], 3600);
    let admin = reply.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(sb.org(&admin).await, "org_1");
}

#[tokio::test]
async fn seed_fidelity_settings_shape_the_partners_answers() {
    let sb = Sandbox::new();
    // Stream: a stated expires_in unlike the real lifetime, and a short refresh-token lifetime.
    sb.settings(
        json!({"stream_stated_expires_in": 1_893_456_000u64, "stream_refresh_lifetime_s": 2}),
    )
    .await;
    let body = sb.stream_token_reply(&[]).await.json();
    assert_eq!(body["expires_in"], 1_893_456_000u64);
    assert_eq!(body["refresh_token_expires_in"], 2);
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    sb.send(post("/stream/oauth/token").json(&json!({
        "grant_type": "refresh_token", "client_id": STREAM_CLIENT_ID,
        "client_secret": STREAM_CLIENT_SECRET, "refresh_token": refresh,
    })))
    .await
    .assert_error(400, "invalid_grant");
    // Each settings POST states these anew: absent, the partner's own values return.
    sb.settings(json!({})).await;
    let body = sb.stream_token_reply(&[]).await.json();
    assert!(body["expires_in"].as_u64().unwrap() <= 3600);
    assert_eq!(body["refresh_token_expires_in"], 30 * 24 * 3600);
    // PowerEPOS: an answer for another organisation.
    sb.settings(json!({"powerepos_answer_org_id": "ORG999"}))
        .await;
    let pe = sb.powerepos_token_reply().await;
    assert_eq!(pe.json()["org_id"], "ORG999");
}

#[tokio::test]
async fn bare_locations_other_paths_and_the_organizations_list() {
    let sb = Sandbox::new();
    let admin = sb.admin().await;
    let org = sb.org(&admin).await;
    assert_eq!(
        sb.send(get("/_control/organizations")).await.json(),
        json!([{"org_id": org, "name": "Tony's Pizza"}])
    );
    sb.settings(json!({"bare_locations": true})).await;
    let onboarding = sb.active_onboarding(&admin, &org, "dsp").await;
    let id = onboarding["_id"].as_str().unwrap();
    let listed = sb
        .send(get(&format!("/stream/onboarding/locations?onboarding_id={id}")).bearer(&admin))
        .await
        .json();
    let first = &listed["locations"][0];
    assert!(
        first.get("name").is_none() && first.get("type").is_none(),
        "{first}"
    );
    assert_eq!(first["timezone"], "Europe/Vienna");
    // The v2 paths serve the same operations.
    sb.send(get(&format!("/stream/v2/onboardings/{id}")).bearer(&admin))
        .await
        .assert(200);
    assert_eq!(sb.counters().await["requests"]["stream.v2"], 1);
}
