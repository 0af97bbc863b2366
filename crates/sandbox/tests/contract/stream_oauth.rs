//! Stream's OAuth token endpoint and Bearer checks.

use crate::support::*;
use gatehouse_sandbox::credentials::*;
use serde_json::{json, Value};
use std::time::{SystemTime, UNIX_EPOCH};

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn cc(extra: Value) -> Value {
    let mut body = json!({
        "grant_type": "client_credentials",
        "client_id": STREAM_CLIENT_ID,
        "client_secret": STREAM_CLIENT_SECRET,
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

#[tokio::test]
async fn client_credentials_issues_the_documented_response() {
    let sb = Sandbox::new();
    let reply = sb
        .send(post("/stream/oauth/token").json(&cc(json!({}))))
        .await;
    reply.assert(200);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let body = reply.json();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["refresh_token_expires_in"], 30 * 24 * 3600);
    assert_eq!(
        body["scopes"],
        json!(["user", "onboarding", "legacy_onboarding", "sso"])
    );
    let access = body["access_token"].as_str().unwrap();
    let refresh = body["refresh_token"].as_str().unwrap();
    assert!(access.len() >= 32 && refresh.len() >= 32);
    assert_ne!(access, refresh);
    // The contract type reads it.
    let typed: gatehouse_core::contract::stream::TokenResponse =
        serde_json::from_value(body.clone()).unwrap();
    assert_eq!(typed.scopes.len(), 4);
    // Each call gets fresh tokens.
    let again = sb
        .send(post("/stream/oauth/token").json(&cc(json!({}))))
        .await
        .json();
    assert_ne!(again["access_token"], body["access_token"]);
}

#[tokio::test]
async fn http_basic_client_authentication_is_accepted() {
    let sb = Sandbox::new();
    let reply = sb
        .send(
            post("/stream/oauth/token")
                .basic(STREAM_CLIENT_ID, STREAM_CLIENT_SECRET)
                .json(&json!({"grant_type": "client_credentials", "scopes": ["sso"]})),
        )
        .await;
    reply.assert(200);
    assert_eq!(reply.json()["scopes"], json!(["sso"]));

    // A different client_id in the body than in Basic is two authentications.
    sb.send(
        post("/stream/oauth/token")
            .basic(STREAM_CLIENT_ID, STREAM_CLIENT_SECRET)
            .json(
                &json!({"grant_type": "client_credentials", "client_id": STREAM_LIMITED_CLIENT_ID}),
            ),
    )
    .await
    .assert_error(400, "invalid_request");

    // A wrong secret via Basic: 401 with a Basic challenge.
    let reply = sb
        .send(
            post("/stream/oauth/token")
                .basic(STREAM_CLIENT_ID, "wrong")
                .json(&json!({"grant_type": "client_credentials"})),
        )
        .await;
    reply.assert_error(401, "invalid_client");
    assert!(reply
        .header("www-authenticate")
        .unwrap()
        .starts_with("Basic"));
}

#[tokio::test]
async fn exp_shortens_the_lifetime_but_never_beyond_an_hour_or_into_the_past() {
    let sb = Sandbox::new();
    let reply = sb
        .send(post("/stream/oauth/token").json(&cc(json!({"exp": now() + 600}))))
        .await;
    let expires_in = reply.assert(200).json()["expires_in"].as_u64().unwrap();
    assert!((598..=600).contains(&expires_in), "{expires_in}");

    let reply = sb
        .send(post("/stream/oauth/token").json(&cc(json!({"exp": now() + 7200}))))
        .await;
    assert_eq!(reply.assert(200).json()["expires_in"], 3600);

    // "number": a float is read as seconds.
    let reply = sb
        .send(post("/stream/oauth/token").json(&cc(json!({"exp": (now() + 120) as f64 + 0.5}))))
        .await;
    assert!(reply.assert(200).json()["expires_in"].as_u64().unwrap() <= 120);

    let reply = sb
        .send(post("/stream/oauth/token").json(&cc(json!({"exp": now() - 10}))))
        .await;
    reply.assert_error(400, "invalid_request");
    assert!(reply.json()["error_description"]
        .as_str()
        .unwrap()
        .contains("exp"));
    sb.send(post("/stream/oauth/token").json(&cc(json!({"exp": "tomorrow"}))))
        .await
        .assert_error(400, "invalid_request");
}

#[tokio::test]
async fn scopes_must_be_a_subset_of_the_clients() {
    let sb = Sandbox::new();
    let reply = sb
        .send(post("/stream/oauth/token").json(&cc(json!({"scopes": ["sso", "user", "sso"]}))))
        .await;
    assert_eq!(reply.assert(200).json()["scopes"], json!(["sso", "user"]));

    // Empty list = default.
    let reply = sb
        .send(post("/stream/oauth/token").json(&cc(json!({"scopes": []}))))
        .await;
    assert_eq!(
        reply.assert(200).json()["scopes"].as_array().unwrap().len(),
        4
    );

    // Unknown scope value.
    sb.send(post("/stream/oauth/token").json(&cc(json!({"scopes": ["admin"]}))))
        .await
        .assert_error(400, "invalid_scope");
    // Wrong type.
    sb.send(post("/stream/oauth/token").json(&cc(json!({"scopes": "user"}))))
        .await
        .assert_error(400, "invalid_request");

    // The limited client: only `user`.
    let limited = |scopes: Value| {
        json!({"grant_type": "client_credentials", "client_id": STREAM_LIMITED_CLIENT_ID,
               "client_secret": STREAM_LIMITED_CLIENT_SECRET, "scopes": scopes})
    };
    let reply = sb
        .send(post("/stream/oauth/token").json(&limited(json!([]))))
        .await;
    assert_eq!(reply.assert(200).json()["scopes"], json!(["user"]));
    let reply = sb
        .send(post("/stream/oauth/token").json(&limited(json!(["user", "sso"]))))
        .await;
    reply.assert_error(400, "invalid_scope");
    assert!(reply.json()["error_description"]
        .as_str()
        .unwrap()
        .contains("sso"));
}

#[tokio::test]
async fn bad_clients_grants_and_bodies_are_rfc6749_errors() {
    let sb = Sandbox::new();
    let token = |body: Value| sb.send(post("/stream/oauth/token").json(&body));

    let r = token(cc(json!({"client_secret": "nope"}))).await;
    r.assert_error(401, "invalid_client");
    assert!(r.json()["error_description"].is_string());
    assert_eq!(r.header("cache-control"), Some("no-store"));
    // No challenge when Basic was not used.
    assert!(r.header("www-authenticate").is_none());
    token(cc(json!({"client_id": "nobody"})))
        .await
        .assert_error(401, "invalid_client");
    // The limited client's secret does not open the full client.
    token(cc(json!({"client_secret": STREAM_LIMITED_CLIENT_SECRET})))
        .await
        .assert_error(401, "invalid_client");

    token(cc(json!({"grant_type": "password"})))
        .await
        .assert_error(400, "unsupported_grant_type");
    token(cc(json!({"grant_type": "authorization_code"})))
        .await
        .assert_error(400, "unsupported_grant_type");
    token(cc(json!({"grant_type": 7})))
        .await
        .assert_error(400, "invalid_request");

    let missing =
        token(json!({"grant_type": "client_credentials", "client_id": STREAM_CLIENT_ID})).await;
    missing.assert_error(400, "invalid_request");
    assert!(missing.json()["error_description"]
        .as_str()
        .unwrap()
        .contains("client_secret"));
    token(json!({"client_id": STREAM_CLIENT_ID, "client_secret": STREAM_CLIENT_SECRET}))
        .await
        .assert_error(400, "invalid_request");
    token(json!([1, 2]))
        .await
        .assert_error(400, "invalid_request");

    sb.send(post("/stream/oauth/token").raw("application/json", "{\"grant_type\": \"client_cre"))
        .await
        .assert_error(400, "invalid_request");
    sb.send(post("/stream/oauth/token").form(&[
        ("grant_type", "client_credentials"),
        ("client_id", STREAM_CLIENT_ID),
        ("client_secret", STREAM_CLIENT_SECRET),
    ]))
    .await
    .assert_error(400, "invalid_request");
    sb.send(post("/stream/oauth/token"))
        .await
        .assert_error(400, "invalid_request");

    // A wrong-typed secret is refused without echoing what was sent.
    let r = token(cc(json!({"client_secret": ["hunter2-secret"]}))).await;
    r.assert_error(400, "invalid_request");
    assert!(!r.text().contains("hunter2"));
}

#[tokio::test]
async fn refresh_rotates_and_a_used_refresh_token_is_invalid_grant() {
    let sb = Sandbox::new();
    let first = sb.stream_token_reply(&["user", "sso"]).await.json();
    let r1 = first["refresh_token"].as_str().unwrap();

    let refresh = |rt: &str, extra: Value| {
        let mut body = json!({"grant_type": "refresh_token", "client_id": STREAM_CLIENT_ID,
                              "client_secret": STREAM_CLIENT_SECRET, "refresh_token": rt});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        sb.send(post("/stream/oauth/token").json(&body))
    };

    // Widening scopes fails and does not burn the token.
    refresh(r1, json!({"scopes": ["onboarding"]}))
        .await
        .assert_error(400, "invalid_scope");

    let second = refresh(r1, json!({})).await;
    second.assert(200);
    assert_eq!(second.header("cache-control"), Some("no-store"));
    let second = second.json();
    assert_eq!(second["scopes"], json!(["user", "sso"]));
    let r2 = second["refresh_token"].as_str().unwrap();
    assert_ne!(r1, r2);
    assert_ne!(first["access_token"], second["access_token"]);

    // Reuse of the rotated-out token.
    let reuse = refresh(r1, json!({})).await;
    reuse.assert_error(400, "invalid_grant");
    assert!(reuse.json()["error_description"].is_string());

    // Narrowing on refresh works, and the new access token carries only that scope.
    let third = refresh(r2, json!({"scopes": ["sso"]})).await;
    assert_eq!(third.assert(200).json()["scopes"], json!(["sso"]));
    let access = third.json()["access_token"].as_str().unwrap().to_owned();
    sb.send(get("/stream/partner-tokens?org_id=org_1").bearer(&access))
        .await
        .assert_error(403, "insufficient_scope");

    refresh("not-a-real-refresh-token", json!({}))
        .await
        .assert_error(400, "invalid_grant");
    sb.send(
        post("/stream/oauth/token").json(&json!({"grant_type": "refresh_token",
        "client_id": STREAM_CLIENT_ID, "client_secret": STREAM_CLIENT_SECRET})),
    )
    .await
    .assert_error(400, "invalid_request");

    // Another client cannot use this client's refresh token.
    let r3 = third.json()["refresh_token"].as_str().unwrap().to_owned();
    sb.send(post("/stream/oauth/token").json(&json!({"grant_type": "refresh_token",
        "client_id": STREAM_LIMITED_CLIENT_ID, "client_secret": STREAM_LIMITED_CLIENT_SECRET, "refresh_token": r3})))
        .await
        .assert_error(400, "invalid_grant");
    // ...and that attempt did not burn it for its owner.
    refresh(&r3, json!({})).await.assert(200);
}

#[tokio::test]
async fn bearer_errors_are_401_invalid_token_with_a_challenge_and_403_for_scope() {
    let sb = Sandbox::new();
    let admin = sb.admin().await;
    let org = sb.org(&admin).await;
    let path = format!("/stream/partner-tokens?org_id={org}");

    sb.send(get(&path).bearer(&admin)).await.assert(200);

    for call in [
        get(&path),
        get(&path).bearer("unknown-token"),
        get(&path).basic(STREAM_CLIENT_ID, STREAM_CLIENT_SECRET),
    ] {
        let r = sb.send(call).await;
        r.assert_error(401, "invalid_token");
        assert_eq!(
            r.header("www-authenticate"),
            Some("Bearer error=\"invalid_token\"")
        );
        assert!(r.json()["message"].is_string());
    }

    let sso_only = sb.stream_token(&["sso"]).await;
    let r = sb.send(get(&path).bearer(&sso_only)).await;
    r.assert_error(403, "insufficient_scope");
    assert!(r
        .header("www-authenticate")
        .unwrap()
        .contains("insufficient_scope"));
    sb.send(
        post("/stream/organizations")
            .bearer(&sso_only)
            .json(&json!({})),
    )
    .await
    .assert_error(403, "insufficient_scope");
    let user_only = sb.stream_token(&["user"]).await;
    sb.send(
        post("/stream/white-label/generate-session")
            .bearer(&user_only)
            .json(&sso_user()),
    )
    .await
    .assert_error(403, "insufficient_scope");

    // legacy_onboarding opens the onboarding endpoints too.
    let legacy = sb.stream_token(&["legacy_onboarding"]).await;
    sb.send(get(&format!("/stream/organizations/{org}/locations")).bearer(&legacy))
        .await
        .assert(200);
}

#[tokio::test]
async fn an_expired_access_token_is_invalid_token() {
    let sb = Sandbox::new();
    sb.settings(json!({"token_lifetime_s": {"stream": 0}}))
        .await;
    let reply = sb.stream_token_reply(&[]).await;
    assert_eq!(reply.assert(200).json()["expires_in"], 0);
    let token = reply.json()["access_token"].as_str().unwrap().to_owned();
    let r = sb
        .send(
            post("/stream/organizations")
                .bearer(&token)
                .json(&json!({})),
        )
        .await;
    r.assert_error(401, "invalid_token");
    assert!(r.json()["message"].as_str().unwrap().contains("expired"));
}
