//! Stream's API: partner tokens, generate-session, organizations, onboarding, locations.

use crate::support::*;
use gatehouse_core::contract::stream::{
    InitOnboardingResponse, LocationsResponse, Onboarding, PartnerToken,
};
use serde_json::{json, Value};

#[tokio::test]
async fn partner_tokens_list_create_rename_delete() {
    let sb = Sandbox::new();
    let admin = sb.admin().await;
    let org = sb.org(&admin).await;
    let user = sb.stream_token(&["user"]).await;

    let list = sb
        .send(get(&format!("/stream/partner-tokens?org_id={org}")).bearer(&user))
        .await;
    assert_eq!(list.assert(200).json(), json!([]));

    let created = sb
        .send(post("/stream/partner-tokens").bearer(&user).json(&json!({
            "org_id": org, "token_name": "POS bridge", "scopes": ["user", "onboarding"]
        })))
        .await;
    created.assert(201);
    let created = created.json();
    assert_eq!(created["_id"], "ptk_1");
    assert_eq!(created["org_id"], org.as_str());
    assert_eq!(created["token_name"], "POS bridge");
    assert_eq!(created["scopes"], json!(["user", "onboarding"]));
    assert!(created["created_at"].as_str().unwrap().ends_with('Z'));
    let secret = created["token"].as_str().unwrap();
    assert!(secret.len() >= 32);
    let typed: PartnerToken = serde_json::from_value(created.clone()).unwrap();
    assert_eq!(typed.id, "ptk_1");

    // Listed without the secret.
    let list = sb
        .send(get(&format!("/stream/partner-tokens?org_id={org}")).bearer(&user))
        .await
        .json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["_id"], "ptk_1");
    assert!(list[0].get("token").is_none());
    assert!(!list.to_string().contains(secret));

    let renamed = sb
        .send(
            patch("/stream/partner-tokens/ptk_1")
                .bearer(&user)
                .json(&json!({"token_name": "Renamed"})),
        )
        .await;
    assert_eq!(renamed.assert(200).json()["token_name"], "Renamed");
    assert!(renamed.json().get("token").is_none());

    sb.send(delete("/stream/partner-tokens/ptk_1").bearer(&user))
        .await
        .assert(204);
    let list = sb
        .send(get(&format!("/stream/partner-tokens?org_id={org}")).bearer(&user))
        .await
        .json();
    assert_eq!(list, json!([]));

    // Unknown ids and bad input.
    sb.send(delete("/stream/partner-tokens/ptk_1").bearer(&user))
        .await
        .assert_error(404, "token_not_found");
    sb.send(
        patch("/stream/partner-tokens/ptk_9")
            .bearer(&user)
            .json(&json!({"token_name": "x"})),
    )
    .await
    .assert_error(404, "token_not_found");
    sb.send(
        patch("/stream/partner-tokens/ptk_9")
            .bearer(&user)
            .json(&json!({"name": "x"})),
    )
    .await
    .assert_error(400, "invalid_request");
    sb.send(get("/stream/partner-tokens").bearer(&user))
        .await
        .assert_error(400, "invalid_request");
    sb.send(get("/stream/partner-tokens?org_id=org_404").bearer(&user))
        .await
        .assert_error(404, "org_not_found");
    let create = |body: Value| sb.send(post("/stream/partner-tokens").bearer(&user).json(&body));
    create(json!({"org_id": org, "token_name": "t", "scopes": ["superuser"]}))
        .await
        .assert_error(400, "invalid_scope");
    create(json!({"org_id": org, "token_name": "t", "scopes": []}))
        .await
        .assert_error(400, "invalid_scope");
    create(json!({"org_id": org, "token_name": "  ", "scopes": ["user"]}))
        .await
        .assert_error(400, "invalid_token_name");
    create(json!({"org_id": org, "token_name": "t", "scopes": "user"}))
        .await
        .assert_error(400, "invalid_request");
    create(json!({"org_id": "org_404", "token_name": "t", "scopes": ["user"]}))
        .await
        .assert_error(404, "org_not_found");
    sb.send(
        post("/stream/partner-tokens")
            .bearer(&user)
            .raw("application/json", "{"),
    )
    .await
    .assert_error(400, "invalid_request");
}

#[tokio::test]
async fn generate_session_validates_the_user_and_returns_a_one_time_token() {
    let sb = Sandbox::new();
    let sso = sb.stream_token(&["sso"]).await;
    let reply = sb
        .send(
            post("/stream/white-label/generate-session?partner_id=partner_sandbox")
                .bearer(&sso)
                .json(&sso_user()),
        )
        .await;
    reply.assert(200);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let token = reply.json()["sso_login_token"].as_str().unwrap().to_owned();
    assert!(token.len() >= 32);
    assert_eq!(reply.json().as_object().unwrap().len(), 1);

    // Only the three required fields.
    let minimal = json!({"email": "a@b.io", "full_name": "A B", "phone_number": "5551234567"});
    sb.send(
        post("/stream/white-label/generate-session")
            .bearer(&sso)
            .json(&minimal),
    )
    .await
    .assert(200);

    let with = |k: &str, v: Value| {
        let mut body = sso_user();
        body[k] = v;
        sb.send(
            post("/stream/white-label/generate-session")
                .bearer(&sso)
                .json(&body),
        )
    };
    with("email", json!("not-an-email"))
        .await
        .assert_error(400, "invalid_email");
    with("phone_number", json!("12-34"))
        .await
        .assert_error(400, "invalid_phone_number");
    with("phone_number", json!("call me maybe"))
        .await
        .assert_error(400, "invalid_phone_number");
    with("full_name", json!(" "))
        .await
        .assert_error(400, "invalid_full_name");
    with("role", json!("emperor"))
        .await
        .assert_error(400, "invalid_role");
    with("role", json!("Owner"))
        .await
        .assert_error(400, "invalid_role");
    with("role", json!(3))
        .await
        .assert_error(400, "invalid_request");
    with("provider_org_id", json!("has spaces!"))
        .await
        .assert_error(400, "invalid_provider_org_id");
    with("provider_org_id", json!("x".repeat(129)))
        .await
        .assert_error(400, "invalid_provider_org_id");
    for role in ["owner", "admin", "manager", "team_member", "custom"] {
        with("role", json!(role)).await.assert(200);
    }
    let missing = sb
        .send(
            post("/stream/white-label/generate-session")
                .bearer(&sso)
                .json(&json!({"email": "a@b.io", "full_name": "A"})),
        )
        .await;
    missing.assert_error(400, "invalid_request");
    assert!(missing.json()["message"]
        .as_str()
        .unwrap()
        .contains("phone_number"));
    sb.send(
        post("/stream/white-label/generate-session")
            .bearer(&sso)
            .raw("text/plain", "hi"),
    )
    .await
    .assert_error(400, "invalid_request");
    sb.send(
        post("/stream/white-label/generate-session?partner_id=bad%20id")
            .bearer(&sso)
            .json(&sso_user()),
    )
    .await
    .assert_error(400, "invalid_partner_id");
}

#[tokio::test]
async fn organizations_create_and_list_locations_of_active_onboardings() {
    let sb = Sandbox::new();
    let admin = sb.admin().await;
    let reply = sb
        .send(post("/stream/organizations").bearer(&admin).json(&json!({
            "name": "Maria's Cafe", "provider_id": "marias_cafe_001",
            "user": {"email": "maria@cafe.example", "full_name": "Maria", "phone_number": "+43 1 234 5678"}
        })))
        .await;
    reply.assert(201);
    assert_eq!(reply.json(), json!({"org_id": "org_1", "user_id": "usr_1"}));
    assert_eq!(sb.org(&admin).await, "org_2");

    let locations = sb
        .send(get("/stream/organizations/org_1/locations").bearer(&admin))
        .await;
    assert_eq!(locations.assert(200).json(), json!({"locations": []}));

    let active = sb.active_onboarding(&admin, "org_1", "pos").await;
    let all: LocationsResponse = serde_json::from_value(
        sb.send(get("/stream/organizations/org_1/locations").bearer(&admin))
            .await
            .assert(200)
            .json(),
    )
    .unwrap();
    assert_eq!(all.locations.len(), 2);
    assert!(all
        .locations
        .iter()
        .all(|l| l.onboarding_id.as_deref() == active["_id"].as_str()));
    let first = all.locations[0].id.clone();
    let one = sb
        .send(
            get(&format!(
                "/stream/organizations/org_1/locations?location_id={first}"
            ))
            .bearer(&admin),
        )
        .await
        .json();
    assert_eq!(one["locations"].as_array().unwrap().len(), 1);
    assert_eq!(one["locations"][0]["_id"], first.as_str());
    // Other orgs see nothing of it.
    assert_eq!(
        sb.send(get("/stream/organizations/org_2/locations").bearer(&admin))
            .await
            .json(),
        json!({"locations": []})
    );
    // Revoked onboardings' locations are gone from the listing.
    let id = active["_id"].as_str().unwrap();
    sb.send(post(&format!("/stream/onboarding/integrations/{id}/revoke")).bearer(&admin))
        .await
        .assert(200);
    assert_eq!(
        sb.send(get("/stream/organizations/org_1/locations").bearer(&admin))
            .await
            .json(),
        json!({"locations": []})
    );

    sb.send(get("/stream/organizations/org_404/locations").bearer(&admin))
        .await
        .assert_error(404, "org_not_found");
    let create = |body: Value| sb.send(post("/stream/organizations").bearer(&admin).json(&body));
    let user = json!({"email": "u@x.io", "full_name": "U", "phone_number": "5551234567"});
    create(json!({"name": "N", "provider_id": "p"}))
        .await
        .assert_error(400, "invalid_request");
    create(json!({"name": "", "provider_id": "p", "user": user}))
        .await
        .assert_error(400, "invalid_name");
    create(json!({"name": "N", "provider_id": "", "user": user}))
        .await
        .assert_error(400, "invalid_provider_id");
    create(json!({"name": "N", "provider_id": "p", "user": {"email": "bad", "full_name": "U", "phone_number": "5551234567"}}))
        .await
        .assert_error(400, "invalid_email");
    create(json!({"name": "N", "provider_id": "p", "user": {"email": "u@x.io", "full_name": "U", "phone_number": "5551234567", "role": "boss"}}))
        .await
        .assert_error(400, "invalid_role");
}

#[tokio::test]
async fn onboarding_init_status_complete_revoke() {
    let sb = Sandbox::new();
    let admin = sb.admin().await;
    let org = sb.org(&admin).await;

    let reply = sb
        .send(post("/stream/onboarding/integrations").bearer(&admin).json(&json!({
            "org_id": org, "source": "toast", "type": "pos", "return_url": "https://partner.example/cb?state=xyz"
        })))
        .await;
    reply.assert(201);
    let typed: InitOnboardingResponse = serde_json::from_value(reply.json()).unwrap();
    let o = reply.json()["onboarding"].clone();
    assert_eq!(o["_id"], "onb_1");
    assert_eq!(o["status"], "pending");
    assert_eq!(o["type"], "pos");
    assert_eq!(o["org_id"], org.as_str());
    assert_eq!(o["source"], "toast");
    assert_eq!(o["partner_id"], "partner_sandbox");
    assert_eq!(o["entry_url"], format!("{PUBLIC_URL}/consent/onb_1"));
    assert_eq!(o["return_url"], "https://partner.example/cb?state=xyz");
    assert!(o.get("merchant_id").is_none() && o.get("integration_id").is_none());
    assert_eq!(typed.onboarding.id, "onb_1");

    let status = sb
        .send(get("/stream/onboarding/integrations/onb_1").bearer(&admin))
        .await;
    assert_eq!(status.assert(200).json(), o);

    // Complete needs the code issued by the consent page for this onboarding.
    let complete = |id: &str, body: Value| {
        sb.send(
            post(&format!("/stream/onboarding/integrations/{id}/complete"))
                .bearer(&admin)
                .json(&body),
        )
    };
    complete("onb_1", json!({"code": "guessed"}))
        .await
        .assert_error(400, "invalid_code");
    complete("onb_1", json!({}))
        .await
        .assert_error(400, "invalid_request");
    complete("onb_1", json!({"code": 5}))
        .await
        .assert_error(400, "invalid_request");
    let location = sb.consent("onb_1", "authorize").await;
    let code = query_param(&location, "code").unwrap();
    assert!(code.len() >= 32);

    // A code issued for another onboarding does not work here.
    let other = sb
        .init_onboarding(&admin, &org, "dsp", "https://partner.example/cb")
        .await;
    let other_id = other["_id"].as_str().unwrap();
    complete(other_id, json!({"code": code}))
        .await
        .assert_error(400, "invalid_code");

    let done = complete("onb_1", json!({"code": code})).await;
    done.assert(200);
    let done: Onboarding = serde_json::from_value(done.json()).unwrap();
    assert_eq!(done.status.as_str(), "active");
    assert!(
        done.merchant_id.is_some()
            && done.integration_id.is_some()
            && done.partner_org_id.is_some()
    );

    // Single use, and an active onboarding cannot be completed again.
    complete("onb_1", json!({"code": code}))
        .await
        .assert_error(409, "invalid_state");
    let after = sb
        .send(get("/stream/onboarding/integrations/onb_1").bearer(&admin))
        .await
        .json();
    assert_eq!(after["status"], "active");

    // Revoke, twice: both 200.
    for _ in 0..2 {
        let r = sb
            .send(post("/stream/onboarding/integrations/onb_1/revoke").bearer(&admin))
            .await;
        assert_eq!(r.assert(200).json()["status"], "revoked");
    }
    complete("onb_1", json!({"code": code}))
        .await
        .assert_error(409, "invalid_state");
    sb.send(post("/stream/onboarding/integrations/onb_404/revoke").bearer(&admin))
        .await
        .assert_error(404, "onboarding_not_found");
    sb.send(get("/stream/onboarding/integrations/onb_404").bearer(&admin))
        .await
        .assert_error(404, "onboarding_not_found");
    complete("onb_404", json!({"code": "x"}))
        .await
        .assert_error(404, "onboarding_not_found");

    // Revoking a pending onboarding invalidates its outstanding consent code.
    let pending = sb
        .init_onboarding(&admin, &org, "pos", "https://partner.example/cb")
        .await;
    let pid = pending["_id"].as_str().unwrap();
    let code = query_param(&sb.consent(pid, "authorize").await, "code").unwrap();
    sb.send(post(&format!("/stream/onboarding/integrations/{pid}/revoke")).bearer(&admin))
        .await
        .assert(200);
    complete(pid, json!({"code": code}))
        .await
        .assert_error(409, "invalid_state");

    // Status calls are counted per id.
    let counters = sb.counters().await;
    assert_eq!(counters["status_calls"]["onb_1"], 2);
}

#[tokio::test]
async fn onboarding_init_rejects_bad_input() {
    let sb = Sandbox::new();
    let admin = sb.admin().await;
    let org = sb.org(&admin).await;
    let init = |body: Value| {
        sb.send(
            post("/stream/onboarding/integrations")
                .bearer(&admin)
                .json(&body),
        )
    };
    let base = || json!({"org_id": org, "source": "toast", "type": "pos", "return_url": "https://p.example/cb"});
    let with = |k: &str, v: Value| {
        let mut b = base();
        b[k] = v;
        b
    };
    init(base()).await.assert(201);
    init(with("type", json!("kiosk")))
        .await
        .assert_error(400, "invalid_type");
    init(with("type", json!(null)))
        .await
        .assert_error(400, "invalid_request");
    init(with("return_url", json!("/relative")))
        .await
        .assert_error(400, "invalid_return_url");
    init(with("return_url", json!("javascript:alert(1)")))
        .await
        .assert_error(400, "invalid_return_url");
    init(with("return_url", json!("ftp://p.example/")))
        .await
        .assert_error(400, "invalid_return_url");
    init(with("source", json!("")))
        .await
        .assert_error(400, "invalid_source");
    init(with("org_id", json!("org_404")))
        .await
        .assert_error(404, "org_not_found");
    let mut missing = base();
    missing.as_object_mut().unwrap().remove("return_url");
    init(missing).await.assert_error(400, "invalid_request");
    sb.send(
        post("/stream/onboarding/integrations")
            .bearer(&admin)
            .raw("application/json", "not json"),
    )
    .await
    .assert_error(400, "invalid_request");
}

#[tokio::test]
async fn locations_list_ingest_and_bind() {
    let sb = Sandbox::new();
    let admin = sb.admin().await;
    let org = sb.org(&admin).await;
    let other_org = sb.org(&admin).await;

    // Pending: empty list.
    let pending = sb
        .init_onboarding(&admin, &org, "pos", "https://p.example/cb")
        .await;
    let pending_id = pending["_id"].as_str().unwrap();
    let list = |id: &str| {
        sb.send(get(&format!("/stream/onboarding/locations?onboarding_id={id}")).bearer(&admin))
    };
    assert_eq!(
        list(pending_id).await.assert(200).json(),
        json!({"locations": []})
    );
    list("onb_404")
        .await
        .assert_error(404, "onboarding_not_found");
    sb.send(get("/stream/onboarding/locations").bearer(&admin))
        .await
        .assert_error(400, "invalid_request");

    let pos = sb.active_onboarding(&admin, &org, "pos").await;
    let pos_id = pos["_id"].as_str().unwrap();
    let pos_locations = list(pos_id).await.assert(200).json()["locations"].clone();
    assert_eq!(pos_locations.as_array().unwrap().len(), 2);
    for l in pos_locations.as_array().unwrap() {
        assert_eq!(l["type"], "pos");
        assert_eq!(l["onboarding_id"], pos_id);
        assert!(l["name"].is_string() && l["external_id"].is_string() && l["address"].is_string());
        assert!(l.get("bound_pos_location_id").is_none());
    }

    // Ingest: upsert by external_id.
    let ingest = |body: Value| {
        sb.send(
            post("/stream/onboarding/locations/ingest")
                .bearer(&admin)
                .json(&body),
        )
    };
    let r = ingest(json!({"onboarding_id": pos_id, "locations": [
        {"external_id": "store-9", "name": "Store 9", "address": "9 Main St"},
        {"external_id": "store-10", "name": "Store 10"}
    ]}))
    .await;
    let all = r.assert(200).json()["locations"].clone();
    assert_eq!(all.as_array().unwrap().len(), 4);
    let store10 = all
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["external_id"] == "store-10")
        .unwrap();
    assert!(store10.get("address").is_none());
    let r = ingest(json!({"onboarding_id": pos_id, "locations": [{"external_id": "store-9", "name": "Store Nine"}]})).await;
    let all = r.assert(200).json()["locations"].clone();
    assert_eq!(all.as_array().unwrap().len(), 4);
    assert!(all
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["name"] == "Store Nine"));

    ingest(json!({"onboarding_id": pos_id, "locations": []}))
        .await
        .assert_error(400, "invalid_request");
    ingest(json!({"onboarding_id": pos_id, "locations": [{"name": "no id"}]}))
        .await
        .assert_error(400, "invalid_request");
    ingest(json!({"onboarding_id": pos_id, "locations": [{"external_id": "", "name": "x"}]}))
        .await
        .assert_error(400, "invalid_location");
    ingest(json!({"onboarding_id": pending_id, "locations": [{"external_id": "a", "name": "x"}]}))
        .await
        .assert_error(409, "invalid_state");
    ingest(json!({"onboarding_id": "onb_404", "locations": [{"external_id": "a", "name": "x"}]}))
        .await
        .assert_error(404, "onboarding_not_found");

    // Bind DSP locations to POS locations of the same org.
    let dsp = sb.active_onboarding(&admin, &org, "dsp").await;
    let dsp_id = dsp["_id"].as_str().unwrap();
    ingest(json!({"onboarding_id": dsp_id, "locations": [{"external_id": "a", "name": "x"}]}))
        .await
        .assert_error(409, "invalid_state");
    let dsp_locations = list(dsp_id).await.json()["locations"].clone();
    assert!(dsp_locations
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["type"] == "dsp"));
    let dsp1 = dsp_locations[0]["_id"].as_str().unwrap();
    let pos1 = pos_locations[0]["_id"].as_str().unwrap();
    let bind = |body: Value| {
        sb.send(
            post("/stream/onboarding/locations/bind")
                .bearer(&admin)
                .json(&body),
        )
    };
    let r = bind(json!({"onboarding_id": dsp_id, "locations": [{"dsp_location_id": dsp1, "pos_location_id": pos1}]})).await;
    let bound = r.assert(200).json()["locations"].clone();
    let b = bound
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["_id"] == dsp1)
        .unwrap();
    assert_eq!(b["bound_pos_location_id"], pos1);

    let pair = |d: &str, p: &str| json!({"onboarding_id": dsp_id, "locations": [{"dsp_location_id": d, "pos_location_id": p}]});
    bind(pair("loc_404", pos1))
        .await
        .assert_error(404, "location_not_found");
    bind(pair(dsp1, "loc_404"))
        .await
        .assert_error(404, "location_not_found");
    // A POS location given as the DSP side is not a location of this onboarding.
    bind(pair(pos1, pos1))
        .await
        .assert_error(400, "invalid_location");
    let dsp2 = dsp_locations[1]["_id"].as_str().unwrap();
    bind(pair(dsp1, dsp2))
        .await
        .assert_error(400, "invalid_location");
    // A POS location of another organization.
    let foreign = sb.active_onboarding(&admin, &other_org, "pos").await;
    let foreign_loc = list(foreign["_id"].as_str().unwrap()).await.json()["locations"][0]["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    bind(pair(dsp1, &foreign_loc))
        .await
        .assert_error(400, "location_org_mismatch");
    bind(json!({"onboarding_id": pos_id, "locations": [{"dsp_location_id": dsp1, "pos_location_id": pos1}]}))
        .await
        .assert_error(409, "invalid_state");
    bind(json!({"onboarding_id": dsp_id, "locations": [{"dsp_location_id": dsp1}]}))
        .await
        .assert_error(400, "invalid_request");
    bind(json!({"onboarding_id": dsp_id, "locations": []}))
        .await
        .assert_error(400, "invalid_request");
    // A failed bind changed nothing.
    let unchanged = list(dsp_id).await.json()["locations"].clone();
    assert_eq!(unchanged, bound);
    // With the partner's own ownership checks turned off (a test setting, so Gatehouse's own
    // check can be seen alone), the same foreign bind goes through.
    sb.settings(json!({"skip_location_ownership": true})).await;
    bind(pair(dsp1, &foreign_loc)).await.assert(200);
}

#[tokio::test]
async fn revoke_conflict_answers_409_to_a_second_revoke() {
    let sb = Sandbox::new();
    let admin = sb.admin().await;
    let org = sb.org(&admin).await;
    let onboarding = sb.active_onboarding(&admin, &org, "pos").await;
    let id = onboarding["_id"].as_str().unwrap();
    let revoke =
        || sb.send(post(&format!("/stream/onboarding/integrations/{id}/revoke")).bearer(&admin));
    revoke().await.assert(200);
    revoke().await.assert(200); // idempotent by default
    sb.settings(json!({"revoke_conflict": true})).await;
    revoke().await.assert_error(409, "already_revoked");
}
