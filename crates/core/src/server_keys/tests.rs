use super::*;

fn key(scopes: &[&str], organizations: &[&str], targets: &[&str]) -> KeyRecord {
    NewKey {
        name: "sync".into(),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        organizations: organizations.iter().map(|s| (*s).to_owned()).collect(),
        targets: targets.iter().map(|s| (*s).to_owned()).collect(),
    }
    .record("key_x".into(), "gh_live_x", "ab".into(), 1_000)
}

fn need<'a>(
    scope: &'static str,
    org: Option<&'a str>,
    target: Option<(&'a str, Option<&'a str>)>,
) -> Need<'a> {
    Need {
        scope,
        organization: org,
        target,
    }
}

#[test]
fn keys_have_one_shape_and_only_that_shape_parses() {
    let (k, id) = make_key("test", [0xff; 10], [7; 32]);
    assert_eq!(k.len(), "gh_test_".len() + 16 + 1 + 52);
    let (parsed, prefix) = parse(&k).unwrap();
    assert_eq!(parsed, id);
    assert!(
        id.starts_with("key_") && k.starts_with(prefix) && !prefix.contains(&k[k.len() - 52..])
    );
    let bad = [
        String::new(),
        k.replacen("gh_test_", "gh_prod_", 1),
        k.to_uppercase(),
        format!("{k}a"),
        k[..k.len() - 1].to_owned(),
        k.replacen('_', "-", 3),
        "gh_live_aaaaaaaaaaaaaaaa_".to_owned() + &"1".repeat(52),
        format!("Bearer {k}"),
    ];
    for b in &bad {
        assert!(parse(b).is_none(), "{b}");
    }
    // Different random bytes, different keys and ids.
    assert_ne!(
        make_key("live", [1; 10], [2; 32]),
        make_key("live", [1; 10], [3; 32])
    );
    assert_ne!(
        make_key("live", [1; 10], [2; 32]).1,
        make_key("live", [2; 10], [2; 32]).1
    );
}

#[test]
fn a_key_is_refused_outside_its_scopes() {
    let read = key(&[scope::ONBOARDING_READ], &[], &[]);
    assert_eq!(
        read.allows(&need(scope::ONBOARDING_READ, Some("o1"), None), 1),
        Ok(())
    );
    for other in [
        scope::ONBOARDING_WRITE,
        scope::PROXY,
        scope::CONNECTIONS_READ,
        scope::CONNECTIONS_WRITE,
        scope::ADMIN,
    ] {
        assert_eq!(
            read.allows(&need(other, Some("o1"), None), 1),
            Err(Refusal::Scope)
        );
    }
}

#[test]
fn organizations_limit_every_call_and_a_call_for_none_is_refused() {
    let k = key(&[scope::PROXY, scope::CONNECTIONS_READ], &["o1", "o2"], &[]);
    assert!(k
        .allows(&need(scope::CONNECTIONS_READ, Some("o2"), None), 1)
        .is_ok());
    assert_eq!(
        k.allows(&need(scope::CONNECTIONS_READ, Some("o3"), None), 1),
        Err(Refusal::Organization)
    );
    // The platform's own credentials name no organization: not for a merchant-scoped key.
    assert_eq!(
        k.allows(&need(scope::PROXY, None, Some(("stream", None))), 1),
        Err(Refusal::Organization)
    );
    // Unlimited: any organization, and none.
    let any = key(&[scope::PROXY], &[], &[]);
    assert!(any
        .allows(&need(scope::PROXY, None, Some(("stream", None))), 1)
        .is_ok());
    assert!(any
        .allows(
            &need(scope::PROXY, Some("o9"), Some(("con_x", Some("t")))),
            1
        )
        .is_ok());
}

#[test]
fn targets_name_ids_or_templates() {
    let k = key(
        &[scope::PROXY],
        &[],
        &["stream", "template:powerepos", "con_abc"],
    );
    let ok = |id, tpl| k.allows(&need(scope::PROXY, Some("o"), Some((id, tpl))), 1);
    assert!(ok("stream", None).is_ok());
    assert!(ok("con_abc", Some("omniretain")).is_ok());
    assert!(ok("con_zzz", Some("powerepos")).is_ok());
    assert_eq!(ok("con_zzz", Some("omniretain")), Err(Refusal::Target));
    assert_eq!(ok("omniretain", None), Err(Refusal::Target));
    // `template:` names templates only, never a credential called that way.
    assert_eq!(ok("template:powerepos", None), Err(Refusal::Target));
    // A call with no target (a server route) is not limited by targets.
    assert!(
        key(&[scope::PROXY, scope::CONNECTIONS_READ], &[], &["stream"])
            .allows(&need(scope::CONNECTIONS_READ, Some("o"), None), 1)
            .is_ok()
    );
}

#[test]
fn a_rotated_key_works_until_its_grace_ends() {
    let mut old = key(&[scope::PROXY], &[], &[]);
    let rotate = Rotate::default();
    old.expires_at = rotate.old_expires_at(5_000);
    assert_eq!(old.expires_at, Some(5_000 + DEFAULT_GRACE_S));
    let n = need(scope::PROXY, None, None);
    assert!(old.allows(&n, 5_000 + DEFAULT_GRACE_S - 1).is_ok());
    assert_eq!(
        old.allows(&n, 5_000 + DEFAULT_GRACE_S),
        Err(Refusal::Expired)
    );
    let now = Rotate {
        expire_old_in_s: Some(0),
    };
    old.expires_at = now.old_expires_at(7);
    assert_eq!(old.allows(&n, 7), Err(Refusal::Expired));
    let too_long = Rotate {
        expire_old_in_s: Some(MAX_GRACE_S + 1),
    };
    assert_eq!(too_long.old_expires_at(7), None);
    let next = Rotate::successor(&old);
    assert_eq!(
        (next.name, next.scopes),
        (old.name.clone(), old.scopes.clone())
    );
}

#[test]
fn new_keys_are_checked() {
    let new = |scopes: &[&str], orgs: &[&str], targets: &[&str], name: &str| NewKey {
        name: name.into(),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        organizations: orgs.iter().map(|s| (*s).to_owned()).collect(),
        targets: targets.iter().map(|s| (*s).to_owned()).collect(),
    };
    assert!(
        new(&[scope::PROXY], &["o1"], &["template:powerepos"], "sync")
            .validate()
            .is_ok()
    );
    let bad = [
        new(&[], &[], &[], "x"),
        new(&[scope::PROXY], &[], &[], ""),
        new(&[scope::PROXY], &[], &[], "a\u{7}b"),
        new(&[scope::PROXY], &[], &[], &"n".repeat(129)),
        new(&[scope::ADMIN], &["o1"], &[], "x"),
        new(&[scope::PROXY], &["@connections"], &[], "x"),
        new(&[scope::PROXY], &["a b"], &[], "x"),
        new(&[scope::PROXY], &[], &["template:"], "x"),
        new(&[scope::CONNECTIONS_READ], &[], &["stream"], "x"),
        new(&[scope::PROXY], &vec!["o"; 101], &[], "x"),
    ];
    for b in bad {
        assert!(b.validate().is_err(), "{b:?}");
    }
    // Unknown scopes are refused by the check, unknown members and wrong types when the body is
    // read.
    let root = NewKey::read(br#"{"name":"x","scopes":["root"]}"#).unwrap();
    assert_eq!(root.validate(), Err(("scopes", "each one of proxy, onboarding:read, onboarding:write, connections:read, connections:write, admin")));
    for (body, field) in [
        (
            &br#"{"name":"x","scopes":["proxy"],"hash":"00"}"#[..],
            "body",
        ),
        (br#"{"name":"x","scopes":"proxy"}"#, "scopes"),
        (br#"{"name":"x","scopes":[1]}"#, "scopes"),
        (br#"{"name":1,"scopes":["proxy"]}"#, "name"),
        (br#"{"scopes":["proxy"]}"#, "name"),
        (
            br#"{"name":"x","scopes":["proxy"],"targets":{}}"#,
            "targets",
        ),
        (br#"["proxy"]"#, "body"),
        (b"{", "body"),
        (b"", "body"),
    ] {
        assert_eq!(
            NewKey::read(body).map(|_| ()).unwrap_err().0,
            field,
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    let read =
        NewKey::read(br#"{"name":"x","scopes":["onboarding:read","connections:write"]}"#).unwrap();
    assert_eq!(
        read.scopes,
        [scope::ONBOARDING_READ, scope::CONNECTIONS_WRITE]
    );
    assert!(read.organizations.is_empty() && read.targets.is_empty());
    let nulls =
        NewKey::read(br#"{"name":"x","scopes":["proxy"],"organizations":null,"targets":null}"#);
    assert!(nulls.is_ok_and(|k| k.organizations.is_empty() && k.targets.is_empty()));
    // Rotation's body is optional.
    assert_eq!(Rotate::read(b"").unwrap().expire_old_in_s, None);
    assert_eq!(Rotate::read(b" {} ").unwrap().expire_old_in_s, None);
    assert_eq!(
        Rotate::read(br#"{"expire_old_in_s":0}"#)
            .unwrap()
            .expire_old_in_s,
        Some(0)
    );
    for bad in [
        &br#"{"expire_old_in_s":-1}"#[..],
        br#"{"expire_old_in_s":"1"}"#,
        br#"{"grace":1}"#,
        b"1",
    ] {
        assert!(
            Rotate::read(bad).is_err(),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
    assert!(read.validate().is_ok());
}

#[test]
fn answers_never_carry_the_hash_and_use_is_written_sparingly() {
    let mut k = key(&[scope::PROXY], &[], &[]);
    let stored = serde_json::to_string(&k).unwrap();
    assert!(stored.contains("\"hash\":\"ab\""));
    let back: KeyRecord = serde_json::from_str(&stored).unwrap();
    assert_eq!(back, k);
    // The worker's reader reads what the writer wrote, and nothing else.
    let v: serde_json::Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(KeyRecord::from_value(&v), Some(k.clone()));
    k.expires_at = Some(9);
    k.last_used_at = Some(8);
    let v = serde_json::to_value(&k).unwrap();
    assert_eq!(KeyRecord::from_value(&v), Some(k.clone()));
    for bad in [
        serde_json::json!(null),
        serde_json::json!({"id": "key_x"}),
        serde_json::json!([1]),
    ] {
        assert_eq!(KeyRecord::from_value(&bad), None);
    }
    k.last_used_at = None;
    k.hash.clear();
    assert!(!serde_json::to_string(&k).unwrap().contains("hash"));
    assert!(k.needs_touch(10));
    k.last_used_at = Some(10);
    assert!(!k.needs_touch(10 + TOUCH_EVERY_S - 1));
    assert!(k.needs_touch(10 + TOUCH_EVERY_S));
}

#[test]
fn an_isolate_keeps_a_key_for_a_bounded_time() {
    assert!(cache_fresh(1_000, 1_000));
    assert!(cache_fresh(1_000, 1_000 + CACHE_MS - 1));
    assert!(!cache_fresh(1_000, 1_000 + CACHE_MS));
    // A clock that went back does not extend it beyond the bound either way.
    assert!(cache_fresh(1_000, 500));
    const { assert!(CACHE_MS <= 5_000) };
}

#[test]
fn a_refused_client_is_refused_for_the_period_and_no_other() {
    let mut refused = RefusedClients::default();
    assert!(!refused.holds("203.0.113.7", 0));
    refused.refuse("203.0.113.7", 1_000);
    assert!(refused.holds("203.0.113.7", 1_000));
    assert!(refused.holds("203.0.113.7", 1_000 + REFUSED_FOR_MS - 1));
    assert!(!refused.holds("203.0.113.7", 1_000 + REFUSED_FOR_MS));
    assert!(!refused.holds("203.0.113.8", 1_000));
    // Refused again: the period starts over, and the client is listed once.
    refused.refuse("203.0.113.7", 30_000);
    assert!(refused.holds("203.0.113.7", 30_000 + REFUSED_FOR_MS - 1));
    assert_eq!(refused.clients.len(), 1);
}

#[test]
fn refused_clients_are_bounded_and_expired_ones_go_first() {
    let mut refused = RefusedClients::default();
    for i in 0..MAX_REFUSED_CLIENTS {
        refused.refuse(&format!("c{i}"), 0);
    }
    assert_eq!(refused.clients.len(), MAX_REFUSED_CLIENTS);
    // One more while all are current: the oldest is forgotten.
    refused.refuse("new", 1);
    assert_eq!(refused.clients.len(), MAX_REFUSED_CLIENTS);
    assert!(!refused.holds("c0", 1));
    assert!(refused.holds("c1", 1) && refused.holds("new", 1));
    // Once their period is over, the expired entries are dropped at the next refusal.
    refused.refuse("later", REFUSED_FOR_MS + 1);
    assert_eq!(refused.clients.len(), 1);
    assert!(refused.holds("later", REFUSED_FOR_MS + 1));
}
