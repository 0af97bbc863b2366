//! OmniRetain, Streamdiver and PowerEPOS token endpoints and protected resources.

use crate::support::*;
use gatehouse_core::contract::powerepos::AccessTokenClaims;
use gatehouse_sandbox::credentials::*;
use serde_json::json;

const OMNI_TOKEN: &str = "/omniretain/backend/core/authentication/token/";
const OMNI_PING: &str = "/omniretain/api/v1/member/ping";

fn omni_password(n: u8) -> Vec<(&'static str, &'static str)> {
    let (id, secret, user, pass) = if n == 1 {
        (
            OMNI_COMPANY_1_CLIENT_ID,
            OMNI_COMPANY_1_CLIENT_SECRET,
            OMNI_COMPANY_1_USERNAME,
            OMNI_COMPANY_1_PASSWORD,
        )
    } else {
        (
            OMNI_COMPANY_2_CLIENT_ID,
            OMNI_COMPANY_2_CLIENT_SECRET,
            OMNI_COMPANY_2_USERNAME,
            OMNI_COMPANY_2_PASSWORD,
        )
    };
    vec![
        ("grant_type", "password"),
        ("client_id", id),
        ("client_secret", secret),
        ("username", user),
        ("password", pass),
    ]
}

#[tokio::test]
async fn omniretain_password_grant_like_django_oauth_toolkit() {
    let sb = Sandbox::new();
    let reply = sb.send(post(OMNI_TOKEN).form(&omni_password(1))).await;
    reply.assert(200);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let body = reply.json();
    assert_eq!(body["expires_in"], 36000);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "read write");
    assert!(body["refresh_token"].as_str().unwrap().len() >= 32);
    assert_eq!(body["user"]["company"], 1);
    let typed: gatehouse_core::contract::omniretain::TokenResponse =
        serde_json::from_value(body.clone()).unwrap();
    assert_eq!(typed.expires_in, 36000);

    let access = body["access_token"].as_str().unwrap();
    let ping = sb.send(get(OMNI_PING).bearer(access)).await;
    assert_eq!(ping.assert(200).json(), json!({"ok": true, "company": 1}));

    // Company 2 has its own application and user.
    let two = sb
        .send(post(OMNI_TOKEN).form(&omni_password(2)))
        .await
        .json();
    let ping = sb
        .send(get(OMNI_PING).bearer(two["access_token"].as_str().unwrap()))
        .await;
    assert_eq!(ping.json()["company"], 2);

    // Basic client authentication, credentials out of the body.
    let reply = sb
        .send(
            post(OMNI_TOKEN)
                .basic(OMNI_COMPANY_1_CLIENT_ID, OMNI_COMPANY_1_CLIENT_SECRET)
                .form(&[
                    ("grant_type", "password"),
                    ("username", OMNI_COMPANY_1_USERNAME),
                    ("password", OMNI_COMPANY_1_PASSWORD),
                ]),
        )
        .await;
    reply.assert(200);

    // The document's Postman sample posts JSON: accepted too.
    let reply = sb
        .send(post(OMNI_TOKEN).basic(OMNI_COMPANY_1_CLIENT_ID, OMNI_COMPANY_1_CLIENT_SECRET).json(&json!({
            "grant_type": "password", "username": OMNI_COMPANY_1_USERNAME, "password": OMNI_COMPANY_1_PASSWORD
        })))
        .await;
    reply.assert(200);
}

#[tokio::test]
async fn omniretain_errors_like_django_oauth_toolkit() {
    let sb = Sandbox::new();
    let with = |k: &'static str, v: &'static str| {
        let mut f = omni_password(1);
        f.retain(|(key, _)| *key != k);
        if !v.is_empty() {
            f.push((k, v));
        }
        f
    };
    let r = sb
        .send(post(OMNI_TOKEN).form(&with("password", "wrong")))
        .await;
    r.assert_error(400, "invalid_grant");
    assert_eq!(r.json()["error_description"], "Invalid credentials given.");
    // Company 2's user through company 1's application.
    let mut cross = omni_password(1);
    cross.retain(|(k, _)| *k != "username" && *k != "password");
    cross.push(("username", OMNI_COMPANY_2_USERNAME));
    cross.push(("password", OMNI_COMPANY_2_PASSWORD));
    sb.send(post(OMNI_TOKEN).form(&cross))
        .await
        .assert_error(400, "invalid_grant");

    sb.send(post(OMNI_TOKEN).form(&with("client_secret", "nope")))
        .await
        .assert_error(401, "invalid_client");
    sb.send(post(OMNI_TOKEN).form(&with("client_secret", "")))
        .await
        .assert_error(401, "invalid_client");
    let r = sb
        .send(
            post(OMNI_TOKEN)
                .basic(OMNI_COMPANY_1_CLIENT_ID, "nope")
                .form(&[("grant_type", "client_credentials")]),
        )
        .await;
    r.assert_error(401, "invalid_client");
    assert!(r.header("www-authenticate").is_some());
    sb.send(post(OMNI_TOKEN).form(&with("grant_type", "authorization_code")))
        .await
        .assert_error(400, "unsupported_grant_type");
    sb.send(post(OMNI_TOKEN).form(&with("grant_type", "")))
        .await
        .assert_error(400, "invalid_request");
    sb.send(post(OMNI_TOKEN).form(&with("username", "")))
        .await
        .assert_error(400, "invalid_request");
    sb.send(post(OMNI_TOKEN).form(&with("scope", "admin")))
        .await
        .assert_error(400, "invalid_scope");
    sb.send(post(OMNI_TOKEN).raw("text/plain", "grant_type=password"))
        .await
        .assert_error(400, "invalid_request");
    sb.send(post(OMNI_TOKEN).raw("application/json", "{oops"))
        .await
        .assert_error(400, "invalid_request");

    let r = sb.send(get(OMNI_PING).bearer("nope")).await;
    r.assert(401);
    assert_eq!(
        r.json()["detail"],
        "Authentication credentials were not provided."
    );
    sb.send(get(OMNI_PING)).await.assert(401);
}

#[tokio::test]
async fn omniretain_revokes_a_clients_own_tokens_like_django_oauth_toolkit() {
    const REVOKE: &str = "/omniretain/backend/core/authentication/revoke_token/";
    let sb = Sandbox::new();
    let first = sb
        .send(post(OMNI_TOKEN).form(&omni_password(1)))
        .await
        .json();
    let rt = first["refresh_token"].as_str().unwrap().to_owned();
    let at = first["access_token"].as_str().unwrap().to_owned();
    // Another application's client cannot revoke it (200 all the same: RFC 7009 §2.2).
    sb.send(
        post(REVOKE)
            .basic(OMNI_COMPANY_2_CLIENT_ID, OMNI_COMPANY_2_CLIENT_SECRET)
            .form(&[("token", rt.as_str()), ("token_type_hint", "refresh_token")]),
    )
    .await
    .assert(200);
    // A wrong client secret is refused.
    sb.send(
        post(REVOKE)
            .basic(OMNI_COMPANY_1_CLIENT_ID, "wrong")
            .form(&[("token", rt.as_str())]),
    )
    .await
    .assert_error(401, "invalid_client");
    // Its own client revokes the refresh token, then the access token.
    for token in [&rt, &at] {
        sb.send(
            post(REVOKE)
                .basic(OMNI_COMPANY_1_CLIENT_ID, OMNI_COMPANY_1_CLIENT_SECRET)
                .form(&[("token", token.as_str())]),
        )
        .await
        .assert(200);
    }
    sb.send(post(OMNI_TOKEN).form(&[
        ("grant_type", "refresh_token"),
        ("client_id", OMNI_COMPANY_1_CLIENT_ID),
        ("client_secret", OMNI_COMPANY_1_CLIENT_SECRET),
        ("refresh_token", &rt),
    ]))
    .await
    .assert_error(400, "invalid_grant");
    sb.send(get(OMNI_PING).bearer(&at)).await.assert(401);
}

#[tokio::test]
async fn omniretain_client_credentials_has_no_refresh_and_refresh_rotates() {
    let sb = Sandbox::new();
    let cc = sb
        .send(post(OMNI_TOKEN).form(&[
            ("grant_type", "client_credentials"),
            ("client_id", OMNI_COMPANY_2_CLIENT_ID),
            ("client_secret", OMNI_COMPANY_2_CLIENT_SECRET),
        ]))
        .await;
    let body = cc.assert(200).json();
    assert!(body.get("refresh_token").is_none());
    assert_eq!(body["expires_in"], 36000);
    assert!(body.get("user").is_none());

    let first = sb
        .send(post(OMNI_TOKEN).form(&omni_password(1)))
        .await
        .json();
    let r1 = first["refresh_token"].as_str().unwrap().to_owned();
    let refresh = |rt: String, id: &'static str, secret: &'static str| {
        sb.send(post(OMNI_TOKEN).form(&[
            ("grant_type", "refresh_token"),
            ("client_id", id),
            ("client_secret", secret),
            ("refresh_token", &rt),
        ]))
    };
    // Another company's application cannot use it.
    refresh(
        r1.clone(),
        OMNI_COMPANY_2_CLIENT_ID,
        OMNI_COMPANY_2_CLIENT_SECRET,
    )
    .await
    .assert_error(400, "invalid_grant");
    let second = refresh(
        r1.clone(),
        OMNI_COMPANY_1_CLIENT_ID,
        OMNI_COMPANY_1_CLIENT_SECRET,
    )
    .await;
    let second = second.assert(200).json();
    let r2 = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);
    assert_eq!(second["user"]["company"], 1);
    refresh(r1, OMNI_COMPANY_1_CLIENT_ID, OMNI_COMPANY_1_CLIENT_SECRET)
        .await
        .assert_error(400, "invalid_grant");
    refresh(r2, OMNI_COMPANY_1_CLIENT_ID, OMNI_COMPANY_1_CLIENT_SECRET)
        .await
        .assert(200);
}

const SD_ACME: &str = "/streamdiver/realms/acme/protocol/openid-connect/token";
const SD_SETTINGS: &str = "/streamdiver/v2/tenants/current/settings";

#[tokio::test]
async fn streamdiver_client_credentials_like_keycloak() {
    let sb = Sandbox::new();
    let reply = sb
        .send(post(SD_ACME).form(&[
            ("grant_type", "client_credentials"),
            ("client_id", STREAMDIVER_ACME_CLIENT_ID),
            ("client_secret", STREAMDIVER_ACME_CLIENT_SECRET),
        ]))
        .await;
    reply.assert(200);
    let body = reply.json();
    assert_eq!(body["expires_in"], 7200);
    assert_eq!(body["refresh_expires_in"], 0);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["not-before-policy"], 0);
    assert_eq!(body["scope"], "email profile");
    assert!(body.get("refresh_token").is_none());
    let access = body["access_token"].as_str().unwrap();
    assert_eq!(jwt_payload(access)["azp"], STREAMDIVER_ACME_CLIENT_ID);

    let settings = sb.send(get(SD_SETTINGS).bearer(access)).await;
    assert_eq!(settings.assert(200).json()["tenant"], "acme");

    // Basic works; globex is its own realm.
    let globex = sb
        .send(
            post("/streamdiver/realms/globex/protocol/openid-connect/token")
                .basic(
                    STREAMDIVER_GLOBEX_CLIENT_ID,
                    STREAMDIVER_GLOBEX_CLIENT_SECRET,
                )
                .form(&[("grant_type", "client_credentials")]),
        )
        .await;
    let token = globex.assert(200).json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        sb.send(get(SD_SETTINGS).bearer(&token)).await.json()["tenant"],
        "globex"
    );
}

#[tokio::test]
async fn streamdiver_errors_like_keycloak() {
    let sb = Sandbox::new();
    let form = |id: &'static str, secret: &'static str| {
        vec![
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
        ]
    };
    // A client of another realm.
    sb.send(post(SD_ACME).form(&form(
        STREAMDIVER_GLOBEX_CLIENT_ID,
        STREAMDIVER_GLOBEX_CLIENT_SECRET,
    )))
    .await
    .assert_error(401, "unauthorized_client");
    sb.send(post(SD_ACME).form(&form("nobody", "x")))
        .await
        .assert_error(401, "unauthorized_client");
    sb.send(post(SD_ACME).form(&form(STREAMDIVER_ACME_CLIENT_ID, "wrong")))
        .await
        .assert_error(401, "invalid_client");
    let unknown = sb
        .send(
            post("/streamdiver/realms/initech/protocol/openid-connect/token").form(&form(
                STREAMDIVER_ACME_CLIENT_ID,
                STREAMDIVER_ACME_CLIENT_SECRET,
            )),
        )
        .await;
    unknown.assert(404);
    assert_eq!(unknown.json(), json!({"error": "Realm does not exist"}));
    let mut pw = form(STREAMDIVER_ACME_CLIENT_ID, STREAMDIVER_ACME_CLIENT_SECRET);
    pw[0] = ("grant_type", "password");
    sb.send(post(SD_ACME).form(&pw))
        .await
        .assert_error(400, "unsupported_grant_type");
    // JSON is not read by Keycloak: the grant type is missing.
    sb.send(post(SD_ACME).json(&json!({"grant_type": "client_credentials"})))
        .await
        .assert_error(400, "invalid_request");
    sb.send(post(SD_ACME).form(&[("grant_type", "client_credentials")]))
        .await
        .assert_error(401, "invalid_client");

    let r = sb.send(get(SD_SETTINGS).bearer("nope")).await;
    r.assert_error(401, "invalid_token");
    assert!(r
        .header("www-authenticate")
        .unwrap()
        .contains("invalid_token"));
}

const PE_TOKEN: &str = "/powerepos/authorisation/token";

fn pe_password(
    org: &'static str,
    user: &'static str,
    pass: &'static str,
    scope: &'static str,
) -> Vec<(&'static str, &'static str)> {
    vec![
        ("grant_type", "password"),
        ("client_id", POWEREPOS_CLIENT_ID),
        ("client_secret", POWEREPOS_CLIENT_SECRET),
        ("org_id", org),
        ("username", user),
        ("password", pass),
        ("scope", scope),
    ]
}

#[tokio::test]
async fn powerepos_password_grant_with_service_uri_claim() {
    let sb = Sandbox::new();
    let reply = sb
        .send(post(PE_TOKEN).form(&pe_password(
            POWEREPOS_ORG_1,
            POWEREPOS_ORG_1_USERNAME,
            POWEREPOS_ORG_1_PASSWORD,
            "partnerservices offline_access",
        )))
        .await;
    reply.assert(200);
    let body = reply.json();
    let svc = format!("{PUBLIC_URL}/powerepos/services/ORG001/");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 28800);
    assert_eq!(body["svc"], svc.as_str());
    assert_eq!(body["org_id"], "ORG001");
    assert!(body["refresh_token"].as_str().unwrap().len() >= 32);
    let access = body["access_token"].as_str().unwrap();
    let payload = jwt_payload(access);
    assert_eq!(payload["AuthServerClaims"]["Service"], svc.as_str());
    assert_eq!(payload["org_id"], "ORG001");
    assert_eq!(payload["sub"], POWEREPOS_ORG_1_USERNAME);
    assert!(payload["iss"].is_string());
    assert!(payload["exp"].as_u64().unwrap() > payload["iat"].as_u64().unwrap());
    // Core's reader agrees.
    let claims = AccessTokenClaims::from_jwt(access).unwrap();
    assert_eq!(claims.service_uri(), svc);
    // A test setting makes the token server's claim point elsewhere (`svc` and the JWT alike).
    sb.settings(json!({"powerepos_service_uri": "https://elsewhere.test/x?u="}))
        .await;
    let body = sb.powerepos_token_reply().await.json();
    assert_eq!(body["svc"], "https://elsewhere.test/x?u=");
    let claims = AccessTokenClaims::from_jwt(body["access_token"].as_str().unwrap()).unwrap();
    assert_eq!(claims.service_uri(), "https://elsewhere.test/x?u=");

    let ping = sb
        .send(get("/powerepos/services/ORG001/ping").bearer(access))
        .await;
    assert_eq!(
        ping.assert(200).json(),
        json!({"ok": true, "org_id": "ORG001"})
    );
    sb.send(get("/powerepos/services/ORG002/ping").bearer(access))
        .await
        .assert_error(403, "forbidden");
    sb.send(get("/powerepos/services/ORG001/ping").bearer("nope"))
        .await
        .assert_error(401, "invalid_token");

    // Without offline_access: no refresh token.
    let reply = sb
        .send(post(PE_TOKEN).form(&pe_password(
            POWEREPOS_ORG_2,
            POWEREPOS_ORG_2_USERNAME,
            POWEREPOS_ORG_2_PASSWORD,
            "partnerservices",
        )))
        .await;
    assert!(reply.assert(200).json().get("refresh_token").is_none());
    assert_eq!(reply.json()["org_id"], "ORG002");
}

#[tokio::test]
async fn powerepos_rejects_bad_input_and_rotates_refresh_tokens() {
    let sb = Sandbox::new();
    let good = || {
        pe_password(
            POWEREPOS_ORG_1,
            POWEREPOS_ORG_1_USERNAME,
            POWEREPOS_ORG_1_PASSWORD,
            "partnerservices offline_access",
        )
    };
    let send = |form: Vec<(&'static str, &'static str)>| sb.send(post(PE_TOKEN).form(&form));
    let replace = |k: &'static str, v: &'static str| {
        let mut f = good();
        f.retain(|(key, _)| *key != k);
        if !v.is_empty() {
            f.push((k, v));
        }
        f
    };
    send(replace("scope", "offline_access"))
        .await
        .assert_error(400, "invalid_scope");
    send(replace("scope", ""))
        .await
        .assert_error(400, "invalid_scope");
    send(replace("scope", "partnerservices admin"))
        .await
        .assert_error(400, "invalid_scope");
    send(replace("org_id", ""))
        .await
        .assert_error(400, "invalid_request");
    send(replace("org_id", POWEREPOS_ORG_2))
        .await
        .assert_error(400, "invalid_grant");
    send(replace("org_id", "ORG999"))
        .await
        .assert_error(400, "invalid_grant");
    send(replace("password", "wrong"))
        .await
        .assert_error(400, "invalid_grant");
    send(replace("client_secret", "wrong"))
        .await
        .assert_error(401, "invalid_client");
    send(replace("client_id", ""))
        .await
        .assert_error(400, "invalid_request");
    send(replace("grant_type", "client_credentials"))
        .await
        .assert_error(400, "unsupported_grant_type");
    sb.send(post(PE_TOKEN).json(&json!({"grant_type": "password"})))
        .await
        .assert_error(400, "invalid_request");

    let first = send(good()).await.json();
    let r1 = first["refresh_token"].as_str().unwrap().to_owned();
    let refresh = |rt: String| {
        sb.send(
            post(PE_TOKEN)
                .basic(POWEREPOS_CLIENT_ID, POWEREPOS_CLIENT_SECRET)
                .form(&[("grant_type", "refresh_token"), ("refresh_token", &rt)]),
        )
    };
    let second = refresh(r1.clone()).await;
    let second = second.assert(200).json();
    assert_eq!(second["org_id"], "ORG001");
    let r2 = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);
    refresh(r1).await.assert_error(400, "invalid_grant");
    // org_id, when given on refresh, must match.
    sb.send(
        post(PE_TOKEN)
            .basic(POWEREPOS_CLIENT_ID, POWEREPOS_CLIENT_SECRET)
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", &r2),
                ("org_id", "ORG002"),
            ]),
    )
    .await
    .assert_error(400, "invalid_grant");
    refresh(r2).await.assert(200);
}
