//! The white-label landing page and the consent page.

use crate::support::*;
use serde_json::json;

#[tokio::test]
async fn sso_landing_page_shows_the_user_once_then_sso_token_redeemed() {
    let sb = Sandbox::new();
    let sso = sb.stream_token(&["sso"]).await;
    let token = sb.sso_token(&sso, &sso_user()).await;
    let url = format!("/white-label/redirect/sso?code={token}");

    let page = sb.send(get(&url)).await;
    page.assert(200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    let html = page.text();
    assert_eq!(
        element_text(&html, "wl-name").as_deref(),
        Some("Sarah Johnson")
    );
    assert_eq!(
        element_text(&html, "wl-email").as_deref(),
        Some("sarah.manager@restaurantchain.com")
    );
    assert_eq!(element_text(&html, "wl-role").as_deref(), Some("manager"));
    assert_eq!(
        element_text(&html, "wl-org").as_deref(),
        Some("restaurant_chain_abc_123")
    );
    assert!(!html.contains(&token), "the page must not show the token");

    let again = sb.send(get(&url)).await;
    again.assert(400);
    assert!(again
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(
        element_text(&again.text(), "wl-error").as_deref(),
        Some("sso_token_redeemed")
    );

    let unknown = sb
        .send(get("/white-label/redirect/sso?code=never-issued"))
        .await;
    unknown.assert(400);
    assert_eq!(
        element_text(&unknown.text(), "wl-error").as_deref(),
        Some("sso_token_redeemed")
    );
    let missing = sb.send(get("/white-label/redirect/sso")).await;
    missing.assert(400);
    assert_eq!(
        element_text(&missing.text(), "wl-error").as_deref(),
        Some("invalid_request")
    );
}

#[tokio::test]
async fn sso_landing_page_escapes_what_the_partner_sent() {
    let sb = Sandbox::new();
    let sso = sb.stream_token(&["sso"]).await;
    let token = sb
        .send(post("/stream/white-label/generate-session").bearer(&sso).json(&json!({
            "email": "x@evil.example", "full_name": "<script>alert('x')</script> & \"co\"", "phone_number": "5551234567"
        })))
        .await
        .json()["sso_login_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = sb
        .send(get(&format!("/white-label/redirect/sso?code={token}")))
        .await;
    let html = page.assert(200).text();
    assert!(!html.contains("<script>"));
    assert_eq!(
        element_text(&html, "wl-name").as_deref(),
        Some("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;")
    );
    // No role or provider_org_id given: shown empty.
    assert_eq!(element_text(&html, "wl-role").as_deref(), Some(""));
    assert_eq!(element_text(&html, "wl-org").as_deref(), Some(""));
}

#[tokio::test]
async fn consent_page_names_source_and_type_and_has_both_buttons() {
    let sb = Sandbox::new();
    let admin = sb.admin().await;
    let org = sb.org(&admin).await;
    let o = sb
        .init_onboarding(&admin, &org, "dsp", "https://partner.example/cb?state=abc")
        .await;
    let entry = o["entry_url"].as_str().unwrap();
    let path = entry.strip_prefix(PUBLIC_URL).unwrap();

    let page = sb.send(get(path)).await;
    page.assert(200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    let html = page.text();
    assert_eq!(
        element_text(&html, "consent-source").as_deref(),
        Some("toast")
    );
    assert_eq!(element_text(&html, "consent-type").as_deref(), Some("DSP"));
    assert!(html.contains("id=\"consent-authorize\""));
    assert!(html.contains("id=\"consent-deny\""));
    assert!(html.contains("<form method=\"post\""));
    assert!(html.contains("name=\"decision\" value=\"authorize\""));

    let missing = sb.send(get("/consent/onb_404")).await;
    missing.assert(404);
    assert!(missing
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    sb.send(post("/consent/onb_404").form(&[("decision", "authorize")]))
        .await
        .assert(404);
}

#[tokio::test]
async fn consent_authorize_redirects_with_a_code_and_keeps_state() {
    let sb = Sandbox::new();
    let admin = sb.admin().await;
    let org = sb.org(&admin).await;
    let o = sb
        .init_onboarding(
            &admin,
            &org,
            "pos",
            "https://partner.example/cb?state=abc%20def&x=1#frag",
        )
        .await;
    let id = o["_id"].as_str().unwrap();
    let location = sb.consent(id, "authorize").await;
    assert!(
        location.starts_with("https://partner.example/cb?state=abc%20def&x=1&code="),
        "{location}"
    );
    assert!(location.ends_with("#frag"));
    assert_eq!(query_param(&location, "state").as_deref(), Some("abc def"));
    assert_eq!(query_param(&location, "x").as_deref(), Some("1"));

    // Authorizing again replaces the code: the first no longer completes.
    let first = query_param(&location, "code").unwrap();
    let second = query_param(&sb.consent(id, "authorize").await, "code").unwrap();
    assert_ne!(first, second);
    let complete = |code: &str| {
        sb.send(
            post(&format!("/stream/onboarding/integrations/{id}/complete"))
                .bearer(&admin)
                .json(&json!({"code": code})),
        )
    };
    complete(&first).await.assert_error(400, "invalid_code");
    complete(&second).await.assert(200);

    // Once active, the consent page says so.
    let page = sb.send(get(&format!("/consent/{id}"))).await;
    page.assert(409);
    assert!(page.text().contains("active"));
}

#[tokio::test]
async fn consent_deny_redirects_with_access_denied_and_fails_the_onboarding() {
    let sb = Sandbox::new();
    let admin = sb.admin().await;
    let org = sb.org(&admin).await;
    let o = sb
        .init_onboarding(&admin, &org, "pos", "http://localhost:9/back?state=s-1")
        .await;
    let id = o["_id"].as_str().unwrap();
    let location = sb.consent(id, "deny").await;
    assert_eq!(
        query_param(&location, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(query_param(&location, "state").as_deref(), Some("s-1"));
    assert!(query_param(&location, "code").is_none());
    let status = sb
        .send(get(&format!("/stream/onboarding/integrations/{id}")).bearer(&admin))
        .await
        .json();
    assert_eq!(status["status"], "failed");
    sb.send(post(&format!("/consent/{id}")).form(&[("decision", "authorize")]))
        .await
        .assert(409);
}

#[tokio::test]
async fn consent_rejects_a_missing_or_unknown_decision() {
    let sb = Sandbox::new();
    let admin = sb.admin().await;
    let org = sb.org(&admin).await;
    let o = sb
        .init_onboarding(&admin, &org, "pos", "https://p.example/cb")
        .await;
    let id = o["_id"].as_str().unwrap();
    sb.send(post(&format!("/consent/{id}")).form(&[("decision", "maybe")]))
        .await
        .assert(400);
    sb.send(post(&format!("/consent/{id}")).form(&[]))
        .await
        .assert(400);
    sb.send(post(&format!("/consent/{id}")).json(&json!({"decision": "authorize"})))
        .await
        .assert(400);
    // Still pending.
    let status = sb
        .send(get(&format!("/stream/onboarding/integrations/{id}")).bearer(&admin))
        .await
        .json();
    assert_eq!(status["status"], "pending");
}
