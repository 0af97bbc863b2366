//! The session pipeline end to end: split, pin the algorithm, validate the claims.

use super::*;
use crate::contract::stream::Role;
use base64::Engine;

fn cfg() -> SessionConfig {
    SessionConfig {
        issuer: "https://portal.example".into(),
        audience: "gatehouse".into(),
        algorithms: vec![Alg::HS256, Alg::RS256],
        leeway_s: 30,
        max_ttl_s: 3600,
    }
}

fn token(header: &str, claims: serde_json::Value) -> String {
    let e = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    format!(
        "{}.{}.c2ln",
        e(header.as_bytes()),
        e(claims.to_string().as_bytes())
    )
}

fn claims(now: u64) -> serde_json::Value {
    demo_claims("sarah", &cfg(), now, 600).unwrap()
}

const NOW: u64 = 1_800_000_000;
const HS: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

#[test]
fn a_good_session_yields_the_user() {
    let t = token(HS, claims(NOW));
    let u = split(&t).unwrap();
    assert_eq!(u.pinned_alg(&cfg(), Alg::HS256).unwrap(), Alg::HS256);
    let s = validate(&u, &cfg(), NOW).unwrap();
    assert_eq!(s.user_id, "sarah");
    assert_eq!(s.provider_org_id, "restaurant_chain_abc_123");
    assert_eq!(s.role, Role::Manager);
    let req = s.generate_session_request();
    assert_eq!(req.phone_number, "+1-555-123-4567");
    assert!(t.starts_with(u.signing_input));
    assert_eq!(u.signing_input.matches('.').count(), 1);
}

#[test]
fn none_unknown_and_confused_algorithms_are_refused() {
    for (header, key) in [
        (r#"{"alg":"none"}"#, Alg::HS256),
        (r#"{"alg":"HS512"}"#, Alg::HS256),
        // HS/RS confusion: an HS256 token checked against an RSA key is refused unverified.
        (HS, Alg::RS256),
        (r#"{"alg":"RS256"}"#, Alg::HS256),
        // ES256 is not in this deployment's SESSION_ALGORITHMS.
        (r#"{"alg":"ES256"}"#, Alg::ES256),
    ] {
        let t = token(header, claims(NOW));
        let err = split(&t).unwrap().pinned_alg(&cfg(), key).unwrap_err();
        assert!(matches!(err, SessionError::Algorithm(_)), "{header}");
        assert_eq!(err.code(), "invalid_session");
    }
}

#[test]
fn time_issuer_and_audience_are_checked_with_leeway() {
    let check =
        |c: serde_json::Value, now: u64| validate(&split(&token(HS, c)).unwrap(), &cfg(), now);
    assert_eq!(
        check(claims(NOW), NOW + 600 + 31).unwrap_err(),
        SessionError::Expired
    );
    assert_eq!(
        check(claims(NOW), NOW + 600 + 31).unwrap_err().code(),
        "session_expired"
    );
    assert!(check(claims(NOW), NOW + 600 + 29).is_ok(), "within leeway");
    assert_eq!(
        check(claims(NOW + 100), NOW).unwrap_err(),
        SessionError::NotYetValid
    );
    assert!(check(claims(NOW + 20), NOW).is_ok(), "nbf within leeway");
    let mut c = claims(NOW);
    c["exp"] = (NOW + 7200).into();
    assert_eq!(check(c, NOW).unwrap_err(), SessionError::TooLong);
    let mut c = claims(NOW);
    c["iss"] = "https://evil.example".into();
    assert_eq!(check(c, NOW).unwrap_err(), SessionError::Issuer);
    let mut c = claims(NOW);
    c["aud"] = "someone-else".into();
    assert_eq!(check(c, NOW).unwrap_err(), SessionError::Audience);
    let mut c = claims(NOW);
    c["aud"] = serde_json::json!(["x", "gatehouse"]);
    assert!(check(c, NOW).is_ok(), "aud as an array");
    let mut c = claims(NOW);
    c.as_object_mut().unwrap().remove("exp");
    assert_eq!(check(c, NOW).unwrap_err(), SessionError::Claim("exp"));
}

#[test]
fn identity_fields_are_validated() {
    let check = |k: &str, v: serde_json::Value| {
        let mut c = claims(NOW);
        c[k] = v;
        validate(&split(&token(HS, c)).unwrap(), &cfg(), NOW)
    };
    assert_eq!(
        check("role", "superuser".into()).unwrap_err(),
        SessionError::Claim("role")
    );
    assert_eq!(
        check("role", "OWNER".into()).unwrap_err(),
        SessionError::Claim("role")
    );
    assert_eq!(
        check("email", "not-an-email".into()).unwrap_err(),
        SessionError::Claim("email")
    );
    assert_eq!(
        check("email", "a b@c.example".into()).unwrap_err(),
        SessionError::Claim("email")
    );
    assert_eq!(
        check("phone_number", "call me".into()).unwrap_err(),
        SessionError::Claim("phone_number")
    );
    assert_eq!(
        check("phone_number", "+12".into()).unwrap_err(),
        SessionError::Claim("phone_number")
    );
    assert_eq!(
        check("provider_org_id", "org/../b".into()).unwrap_err(),
        SessionError::Claim("provider_org_id")
    );
    assert_eq!(
        check("provider_org_id", 5.into()).unwrap_err(),
        SessionError::Malformed
    );
    assert!(check("phone_number", "+44 (20) 7946.0958".into()).is_ok());
    assert_eq!(
        check("email", "a@b..example".into()).unwrap_err(),
        SessionError::Claim("email")
    );
    assert_eq!(
        check("name", " \u{7} ".into()).unwrap_err(),
        SessionError::Claim("name")
    );
    let s = check("name", format!(" {} ", "é".repeat(200)).into()).unwrap();
    assert_eq!(
        s.full_name.chars().count(),
        200,
        "trimmed, counted in characters"
    );
}

#[test]
fn crit_headers_are_refused_and_no_header_brings_its_own_key() {
    // RFC 7515 §4.1.11: Gatehouse understands no extension, so any `crit` refuses the token.
    for header in [
        r#"{"alg":"HS256","crit":["exp"],"exp":1}"#,
        r#"{"alg":"HS256","crit":["b64"],"b64":false}"#,
        r#"{"alg":"HS256","crit":[]}"#,
        r#"{"alg":"HS256","crit":"x"}"#,
    ] {
        let err = split(&token(header, claims(NOW))).unwrap_err();
        assert_eq!(err, SessionError::CriticalHeader, "{header}");
        assert_eq!(err.code(), "invalid_session");
    }
    // `jku`, `x5u`, `jwk` and `x5c` are not even read: the header keeps only `alg` and `kid`,
    // and `kid` picks among configured keys (worker `session::crypto::key_for`).
    let t = token(
        r#"{"alg":"HS256","kid":"k1","jku":"https://evil.example/jwks","x5u":"https://evil.example/c","jwk":{"kty":"oct","k":"AAAA"}}"#,
        claims(NOW),
    );
    let u = split(&t).unwrap();
    assert_eq!(u.header.kid.as_deref(), Some("k1"));
    assert_eq!(u.header.alg, "HS256");
}

#[test]
fn malformed_tokens_do_not_panic() {
    for t in [
        "",
        ".",
        "..",
        "a.b.c",
        "a.b.c.d",
        "eyJ9.e30.",
        "e30.e30.c2ln",
        &"a".repeat(10_000),
    ] {
        let r = split(t).and_then(|u| validate(&u, &cfg(), NOW));
        assert!(r.is_err(), "{t:?}");
    }
}

#[test]
fn optional_org_name_and_partner_id_claims() {
    let check = |extra: serde_json::Value| {
        let mut c = claims(NOW);
        for (k, v) in extra.as_object().unwrap() {
            c[k] = v.clone();
        }
        validate(&split(&token(HS, c)).unwrap(), &cfg(), NOW)
    };
    let s = check(serde_json::json!({})).unwrap();
    assert_eq!((s.org_name, s.partner_id), (None, None));
    let s = check(
        serde_json::json!({"org_name": " Restaurant Chain ABC ", "partner_id": "partner_abc"}),
    )
    .unwrap();
    assert_eq!(s.org_name.as_deref(), Some("Restaurant Chain ABC"));
    assert_eq!(s.partner_id.as_deref(), Some("partner_abc"));
    for bad in [
        serde_json::json!({"org_name": ""}),
        serde_json::json!({"org_name": "a\u{0}b"}),
        serde_json::json!({"org_name": "x".repeat(129)}),
        serde_json::json!({"partner_id": "a/b"}),
        serde_json::json!({"partner_id": 5}),
    ] {
        assert!(check(bad.clone()).is_err(), "{bad}");
    }
}
