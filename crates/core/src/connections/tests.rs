use super::*;
use crate::errors::ErrorCode;
use crate::tokens::classify::FailureClass;
use crate::tokens::profile::{ApiBase, ConfigError, GrantKind};
use crate::tokens::TokenError;

const TEMPLATES: &str = r#"{
  "powerepos": {
    "label": "PowerEPOS", "provider": "powerepos", "auth_base": "https://auth.powerepos.example",
    "client_id": "platform-client", "secrets": {"client_secret": "PE_CLIENT_SECRET"},
    "proxy": [{"methods": ["GET"], "path": "/ping"}]
  },
  "omniretain": {"label": "OmniRetain", "provider": "omniretain", "base_url": "https://omni.example"},
  "omniretain-cc": {"label": "OmniRetain (client only)", "provider": "omniretain",
    "base_url": "https://omni.example", "grant": "client_credentials"},
  "streamdiver": {"label": "Streamdiver", "provider": "streamdiver",
    "auth_base": "https://auth.streamdiver.example", "api_base": "https://api.streamdiver.example"},
  "acme": {"label": "Acme", "provider": "custom", "token_url": "https://{tenant}.acme.example/token",
    "api_base": "https://api.acme.example", "client_id": "platform",
    "secrets": {"client_secret": "ACME_SECRET"},
    "fields": [{"name": "shop", "label": "Shop", "target": "tenant"}]},
  "stream": {"label": "Stream", "provider": "stream", "base_url": "https://stream.example"}
}"#;

fn templates() -> Templates {
    Templates::parse(TEMPLATES).unwrap()
}

fn template(id: &str) -> Template {
    templates().get(id).unwrap().unwrap().clone()
}

fn sent(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn platform(name: &str) -> Option<String> {
    matches!(name, "PE_CLIENT_SECRET" | "ACME_SECRET").then(|| format!("value-of-{name}"))
}

#[test]
fn ids_are_128_random_bits_in_one_shape() {
    let a = ConnectionId::from_random([0; 16]);
    let b = ConnectionId::from_random([0xff; 16]);
    assert_eq!(a.as_str(), "con_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    assert_eq!(b.as_str(), "con_77777777777777777777777774");
    let c = ConnectionId::from_random(
        *b"\x01\x23\x45\x67\x89\xab\xcd\xef\x01\x23\x45\x67\x89\xab\xcd\xef",
    );
    assert_ne!(a, c);
    for id in [&a, &b, &c] {
        assert_eq!(ConnectionId::parse(id.as_str()).as_ref(), Some(id));
        let json = serde_json::to_string(id).unwrap();
        assert_eq!(&serde_json::from_str::<ConnectionId>(&json).unwrap(), id);
    }
    for bad in [
        "",
        "con_",
        "con_AAAAAAAAAAAAAAAAAAAAAAAAAA",
        "con_aaaaaaaaaaaaaaaaaaaaaaaaa",
        "cred_aaaaaaaaaaaaaaaaaaaaaaaaaa",
        "con_aaaaaaaaaaaaaaaaaaaaaaaaa1",
        "con_../aaaaaaaaaaaaaaaaaaaaaa",
    ] {
        assert_eq!(ConnectionId::parse(bad), None, "{bad}");
        assert!(serde_json::from_str::<ConnectionId>(&format!("\"{bad}\"")).is_err());
    }
}

#[test]
fn presets_ask_what_each_seed_says_the_merchant_has() {
    let names = |t: &Template| t.fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&template("powerepos")),
        ["org_id", "username", "password"]
    );
    assert_eq!(
        names(&template("omniretain")),
        ["client_id", "client_secret", "username", "password"]
    );
    assert_eq!(
        names(&template("omniretain-cc")),
        ["client_id", "client_secret"]
    );
    assert_eq!(
        names(&template("streamdiver")),
        ["tenant", "client_id", "client_secret"]
    );
    assert_eq!(names(&template("acme")), ["shop"]);
    let kinds: Vec<_> = template("powerepos")
        .fields
        .iter()
        .map(Field::kind)
        .collect();
    assert_eq!(kinds, [FieldKind::Text, FieldKind::Text, FieldKind::Secret]);
}

#[test]
fn a_bad_template_is_named_and_the_others_still_load() {
    let all = templates();
    let stream = all.get("stream").unwrap().unwrap_err();
    assert!(stream
        .to_string()
        .contains("connection template `stream`: Stream is the platform's own"));
    assert!(all.get("powerepos").unwrap().is_ok());
    assert!(all.get("nope").is_none());
    for (json, problem) in [
        (r#"{"t": {"provider": "powerepos"}}"#, "`label`"),
        (r#"{"t": {"label": "T"}}"#, "`provider` is required"),
        (
            r#"{"t": {"label": "T", "provider": "nope"}}"#,
            "provider: unknown variant",
        ),
        (
            r#"{"t": {"label": "T", "provider": "custom"}}"#,
            "declares its `fields`",
        ),
        (
            r#"{"t": {"label": "T", "provider": "powerepos", "fields": []}}"#,
            "has its own fields",
        ),
        (
            r#"{"t": {"label": "T", "provider": "powerepos", "org_id": "X"}}"#,
            "`org_id` is both fixed",
        ),
        (
            r#"{"t": {"label": "T", "provider": "streamdiver", "secrets": {"client_secret": "S"}}}"#,
            "`client_secret` is both fixed",
        ),
        (
            r#"{"t": {"label": "T", "provider": "custom", "secrets": {"client_secret": "field:x"},
            "fields": [{"name": "u", "label": "U", "target": "username"}]}}"#,
            "cannot contain `:`",
        ),
        (
            r#"{"t": {"label": "T", "provider": "custom", "fields": [
            {"name": "a", "label": "A", "target": "tenant"}, {"name": "b", "label": "B", "target": "tenant"}]}}"#,
            "fields `a` and `b` overlap",
        ),
        (
            r#"{"t": {"label": "T", "provider": "custom", "fields": [{"name": "a b", "label": "A", "target": "tenant"}]}}"#,
            "field name `a b`",
        ),
        (
            r#"{"t/x": {"label": "T", "provider": "powerepos"}}"#,
            "ids are 1-64",
        ),
    ] {
        let t = Templates::parse(json).unwrap();
        let err = t.0[0].as_ref().unwrap_err();
        assert!(err.problem.contains(problem), "{json}: {err}");
    }
    assert!(Templates::parse("[]")
        .unwrap_err()
        .problem
        .contains("not a JSON object"));
}

#[test]
fn values_are_checked_field_by_field_all_at_once() {
    let fields = template("streamdiver").fields;
    let problems = FieldValues::check(
        &fields,
        sent(&[
            ("tenant", "acme/../x"),
            ("client_secret", "s\u{7}"),
            ("extra", "1"),
        ]),
    )
    .unwrap_err();
    let got: Vec<_> = problems
        .iter()
        .map(|p| (p.field.as_str(), p.code.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("extra", "unknown_field"),
            ("tenant", "invalid"),
            ("client_id", "required"),
            ("client_secret", "invalid")
        ]
    );
    assert_eq!(problems[2].message, "Client ID is required.");
    let long = "x".repeat(257);
    let p = FieldValues::check(
        &fields,
        sent(&[
            ("tenant", "acme"),
            ("client_id", &long),
            ("client_secret", "s"),
        ]),
    )
    .unwrap_err();
    assert_eq!(
        (p[0].field.as_str(), p[0].code.as_str()),
        ("client_id", "too_long")
    );
    // Text is trimmed; a secret is kept exactly as typed (spaces can be part of a password).
    let ok = FieldValues::check(
        &fields,
        sent(&[
            ("tenant", " acme "),
            ("client_id", "c"),
            ("client_secret", " s p "),
        ]),
    )
    .unwrap();
    assert_eq!(ok.text("tenant"), Some("acme"));
    assert_eq!(
        ok.secret("client_secret").map(|s| s.expose()),
        Some(" s p ")
    );
    assert_eq!(
        ok.shown().keys().collect::<Vec<_>>(),
        ["client_id", "tenant"]
    );
    assert!(!format!("{ok:?}").contains(" s p "));
}

#[test]
fn a_connection_is_the_template_with_the_merchants_values_filled_in() {
    let pe = template("powerepos");
    let values = FieldValues::check(
        &pe.fields,
        sent(&[
            ("org_id", "ORG42"),
            ("username", "svc-42"),
            ("password", "pw 42"),
        ]),
    )
    .unwrap();
    let c = pe.credential("con_x", &values, &platform).unwrap();
    assert_eq!(c.id, "con_x");
    assert_eq!(
        c.profile.token_url,
        "https://auth.powerepos.example/authorisation/token"
    );
    assert_eq!(c.profile.extra, [("org_id".to_owned(), "ORG42".to_owned())]);
    assert_eq!(c.profile.grant, GrantKind::Password);
    assert!(matches!(c.profile.api_base, ApiBase::JwtClaim(_)));
    assert_eq!(c.client_id, "platform-client");
    assert_eq!(c.client_secret.expose(), "value-of-PE_CLIENT_SECRET");
    assert_eq!(c.username.as_deref(), Some("svc-42"));
    assert_eq!(c.password.as_ref().map(|p| p.expose()), Some("pw 42"));
    assert_eq!(c.proxy.len(), 1);

    let sd = template("streamdiver");
    let values = FieldValues::check(
        &sd.fields,
        sent(&[
            ("tenant", "acme"),
            ("client_id", "sd-client"),
            ("client_secret", "sd-secret"),
        ]),
    )
    .unwrap();
    let c = sd.credential("con_y", &values, &|_| None).unwrap();
    assert_eq!(
        c.profile.token_url,
        "https://auth.streamdiver.example/realms/acme/protocol/openid-connect/token"
    );
    assert_eq!(
        (c.client_id.as_str(), c.client_secret.expose()),
        ("sd-client", "sd-secret")
    );

    let acme = template("acme");
    let values = FieldValues::check(&acme.fields, sent(&[("shop", "corner-store")])).unwrap();
    let c = acme.credential("con_z", &values, &platform).unwrap();
    assert_eq!(
        c.profile.token_url,
        "https://corner-store.acme.example/token"
    );
}

#[test]
fn a_merchant_value_never_reads_a_platform_secret_and_checks_name_missing_ones() {
    // The merchant's secrets are read from its values only: a missing platform secret is the
    // template's problem, named, and the check with placeholders finds it before any merchant.
    let pe = template("powerepos");
    let err = pe.check(&|_| None).unwrap_err();
    assert_eq!(
        err,
        ConfigError::SecretNotSet {
            id: "powerepos".into(),
            secret: "PE_CLIENT_SECRET".into(),
            field: "client_secret"
        }
    );
    assert!(pe.check(&platform).is_ok());
    for id in ["omniretain", "omniretain-cc", "streamdiver", "acme"] {
        assert!(template(id).check(&platform).is_ok(), "{id}");
    }
}

#[test]
fn the_browser_sees_the_form_and_none_of_the_fixed_parts() {
    let view = serde_json::to_string(&template("powerepos").view()).unwrap();
    assert!(view.contains(r#""label":"Organisation Code""#));
    assert!(view.contains(r#""kind":"secret""#));
    for hidden in [
        "auth.powerepos.example",
        "platform-client",
        "PE_CLIENT_SECRET",
        "/ping",
    ] {
        assert!(!view.contains(hidden), "{hidden} in {view}");
    }
}

#[test]
fn refusals_point_at_the_fields_the_partner_blamed() {
    let oauth = |e: &str, status| TokenError::OAuth {
        status,
        error: e.into(),
    };
    let fields = |r: Refusal| (r.code.as_str(), r.fields, r.retryable);
    let pe = template("powerepos");
    assert_eq!(
        fields(refusal(
            &pe,
            Some(&oauth("invalid_grant", 400)),
            FailureClass::NeedsReauth
        )),
        (
            "invalid_credentials",
            vec!["org_id".into(), "username".into(), "password".into()],
            false
        )
    );
    // PowerEPOS's client is the platform's: not the merchant's to fix.
    assert_eq!(
        refusal(
            &pe,
            Some(&oauth("invalid_client", 401)),
            FailureClass::Misconfigured
        )
        .code,
        ErrorCode::Misconfigured
    );
    let sd = template("streamdiver");
    assert_eq!(
        fields(refusal(
            &sd,
            Some(&oauth("unauthorized_client", 401)),
            FailureClass::Misconfigured
        ))
        .0,
        "misconfigured"
    );
    assert_eq!(
        fields(refusal(
            &sd,
            Some(&oauth("invalid_client", 401)),
            FailureClass::Misconfigured
        )),
        (
            "invalid_credentials",
            vec!["client_id".into(), "client_secret".into()],
            false
        )
    );
    assert_eq!(
        fields(refusal(
            &sd,
            Some(&TokenError::Http { status: 404 }),
            FailureClass::Misconfigured
        )),
        ("invalid_tenant", vec!["tenant".into()], false)
    );
    let cc = template("omniretain-cc");
    assert_eq!(
        fields(refusal(
            &cc,
            Some(&oauth("invalid_grant", 400)),
            FailureClass::NeedsReauth
        ))
        .1,
        vec!["client_id".to_owned(), "client_secret".into()]
    );
    assert_eq!(
        fields(refusal(
            &pe,
            None,
            FailureClass::Retryable {
                retry_after_ms: None
            }
        )),
        ("partner_unavailable", vec![], true)
    );
}
