//! Property tests for every parser in the core (docs/security.md item 23): arbitrary and
//! structure-aware inputs never panic, and what parses round-trips.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use base64::Engine;
use gatehouse_core::onboarding::{
    make_state, parse_return_pages, parse_state, pick_return_page, safe_absolute_url,
};
use gatehouse_core::session::{split, validate, Alg, SessionConfig};
use gatehouse_core::tokens::claims::string_claim;
use gatehouse_core::tokens::parse_token_response;
use gatehouse_core::tokens::profile;
use proptest::prelude::*;

fn cfg() -> SessionConfig {
    SessionConfig {
        issuer: "https://portal.example".into(),
        audience: "gatehouse".into(),
        algorithms: vec![Alg::HS256, Alg::ES256, Alg::RS256],
        leeway_s: 30,
        max_ttl_s: 3600,
    }
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}

/// JSON-ish text: objects with token-response and claim field names and odd values.
fn jsonish() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("access_token"),
        Just("expires_in"),
        Just("refresh_token"),
        Just("refresh_expires_in"),
        Just("scope"),
        Just("scopes"),
        Just("error"),
        Just("exp"),
        Just("nbf"),
        Just("iss"),
        Just("aud"),
        Just("sub"),
        Just("role"),
        Just("email"),
        Just("phone_number"),
        Just("provider_org_id"),
        Just("name"),
        Just("AuthServerClaims"),
        Just("token_type"),
        Just("provider"),
        Just("client_id"),
        Just("secrets"),
    ];
    let value = prop_oneof![
        Just("null".to_owned()),
        Just("1e400".to_owned()),
        Just("-1".to_owned()),
        Just("\"3600\"".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        Just("true".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:?}")),
        "[ -~]{0,40}".prop_map(|s| serde_json::to_string(&s).unwrap()),
    ];
    prop::collection::vec((key, value), 0..8).prop_map(|pairs| {
        let body: Vec<String> = pairs.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        format!("{{{}}}", body.join(","))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn token_responses_never_panic(status in 100u16..600, body in prop_oneof![jsonish(), ".{0,200}"]) {
        let _ = parse_token_response(status, body.as_bytes());
    }

    #[test]
    fn token_responses_from_bytes_never_panic(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_token_response(status, &body);
    }

    #[test]
    fn jwt_claims_never_panic(payload in prop_oneof![jsonish(), ".{0,100}"], path in "[A-Za-z.]{0,30}") {
        let token = format!("{}.{}.sig", b64("{\"alg\":\"none\"}"), b64(&payload));
        let _ = string_claim(&token, &path);
        let _ = string_claim(&payload, &path);
    }

    #[test]
    fn session_tokens_never_panic(header in prop_oneof![jsonish(), ".{0,60}"], payload in jsonish(), sig in "[A-Za-z0-9_-]{0,90}", now in any::<u64>()) {
        let token = format!("{}.{}.{}", b64(&header), b64(&payload), sig);
        if let Ok(u) = split(&token) {
            let _ = u.pinned_alg(&cfg(), Alg::HS256);
            let _ = validate(&u, &cfg(), now);
        }
        let _ = split(&header);
    }

    #[test]
    fn onboarding_states_round_trip_and_never_panic(org in "[A-Za-z0-9_.:-]{1,128}", random in any::<[u8; 32]>(), junk in ".{0,400}") {
        let state = make_state(&org, &random);
        let (o, _) = parse_state(&state).expect("a made state parses");
        prop_assert_eq!(o, org);
        let _ = parse_state(&junk);
    }

    #[test]
    fn return_pages_and_urls_never_panic(var in ".{0,300}", asked in ".{0,120}") {
        let _ = safe_absolute_url(&asked);
        if let Ok(pages) = parse_return_pages(&var) {
            // Whatever was configured, only an exact entry is ever picked.
            if let Some(p) = pick_return_page(&pages, Some(&asked)) {
                prop_assert_eq!(p, asked);
            }
        }
    }

    #[test]
    fn credential_configuration_never_panics(config in prop_oneof![jsonish(), ".{0,300}", Just("{\"x\":{\"provider\":\"stream\"}}".to_owned())]) {
        let _ = profile::load(&config, |name| Some(format!("secret-{name}")));
        let _ = profile::load(&config, |_| None);
    }
}
