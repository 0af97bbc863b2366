//! Pins the profile every provider preset builds from a `CREDENTIALS` entry, and how each
//! malformed entry is refused, through the public loader only: restructuring the loader must not
//! change a profile or a message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use gatehouse_core::tokens::profile::{load, load_each};

fn secret(name: &str) -> Option<String> {
    match name {
        "S" => Some("client-secret".into()),
        "P" => Some("service-password".into()),
        "EMPTY" => Some(String::new()),
        _ => None,
    }
}

/// `(fields of the entry "c" besides its client and secrets, the profile's Debug)`.
const PROFILES: &[(&str, &str)] = &[
    (
        r#""provider":"stream","base_url":"https://s.example/stream/""#,
        r#"Profile { provider: "stream", token_url: "https://s.example/stream/oauth/token", revoke_url: None, encoding: Json, client_auth: Body, grant: ClientCredentials, scope: Some(Array(["user", "onboarding", "sso"])), extra: [], default_lifetime_s: 3600, max_lifetime_s: 3600, token_lifetime_s: None, api_base: Fixed("https://s.example/stream"), forbidden_means_invalid_token: false, api_hosts: [] }"#,
    ),
    (
        r#""provider":"stream","base_url":"https://s.example","scopes":["sso"],"token_lifetime_s":600,"max_lifetime_s":1800,"default_lifetime_s":7200"#,
        r#"Profile { provider: "stream", token_url: "https://s.example/oauth/token", revoke_url: None, encoding: Json, client_auth: Body, grant: ClientCredentials, scope: Some(Array(["sso"])), extra: [], default_lifetime_s: 1800, max_lifetime_s: 1800, token_lifetime_s: Some(600), api_base: Fixed("https://s.example"), forbidden_means_invalid_token: false, api_hosts: [] }"#,
    ),
    (
        r#""provider":"stream","base_url":"https://s.example","token_url":"https://auth.example/t/","encoding":"form","client_auth":"basic","grant":"password","username":"u""#,
        r#"Profile { provider: "stream", token_url: "https://auth.example/t", revoke_url: None, encoding: Form, client_auth: Basic, grant: ClientCredentials, scope: Some(Array(["user", "onboarding", "sso"])), extra: [], default_lifetime_s: 3600, max_lifetime_s: 3600, token_lifetime_s: None, api_base: Fixed("https://s.example"), forbidden_means_invalid_token: false, api_hosts: [] }"#,
    ),
    (
        r#""provider":"stream","base_url":"https://s.example","api_base_claim":"svc","api_hosts":["*.s.example"],"forbidden_means_invalid_token":true,"paths":{"onboarding":"/v2/o/{id}"},"proxy":[{"methods":["GET"],"path":"/v1/**"}]"#,
        r#"Profile { provider: "stream", token_url: "https://s.example/oauth/token", revoke_url: None, encoding: Json, client_auth: Body, grant: ClientCredentials, scope: Some(Array(["user", "onboarding", "sso"])), extra: [], default_lifetime_s: 3600, max_lifetime_s: 3600, token_lifetime_s: None, api_base: JwtClaim("svc"), forbidden_means_invalid_token: true, api_hosts: ["*.s.example"] }"#,
    ),
    (
        r#""provider":"omniretain","base_url":"https://o.example/omni","username":"svc""#,
        r#"Profile { provider: "omniretain", token_url: "https://o.example/omni/backend/core/authentication/token/", revoke_url: Some("https://o.example/omni/backend/core/authentication/revoke_token/"), encoding: Form, client_auth: Basic, grant: Password, scope: None, extra: [], default_lifetime_s: 36000, max_lifetime_s: 36000, token_lifetime_s: None, api_base: Fixed("https://o.example/omni"), forbidden_means_invalid_token: true, api_hosts: [] }"#,
    ),
    (
        r#""provider":"omniretain","base_url":"https://o.example","grant":"client_credentials","scopes":["read","write"],"forbidden_means_invalid_token":false,"default_lifetime_s":0"#,
        r#"Profile { provider: "omniretain", token_url: "https://o.example/backend/core/authentication/token/", revoke_url: Some("https://o.example/backend/core/authentication/revoke_token/"), encoding: Form, client_auth: Basic, grant: ClientCredentials, scope: Some(Spaced("read write")), extra: [], default_lifetime_s: 0, max_lifetime_s: 36000, token_lifetime_s: None, api_base: Fixed("https://o.example"), forbidden_means_invalid_token: false, api_hosts: [] }"#,
    ),
    (
        r#""provider":"omniretain","base_url":"https://o.example","username":"svc","scopes":[]"#,
        r#"Profile { provider: "omniretain", token_url: "https://o.example/backend/core/authentication/token/", revoke_url: Some("https://o.example/backend/core/authentication/revoke_token/"), encoding: Form, client_auth: Basic, grant: Password, scope: Some(Spaced("")), extra: [], default_lifetime_s: 36000, max_lifetime_s: 36000, token_lifetime_s: None, api_base: Fixed("https://o.example"), forbidden_means_invalid_token: true, api_hosts: [] }"#,
    ),
    (
        r#""provider":"streamdiver","auth_base":"https://a.example/","api_base":"https://api.example/","tenant":"acme""#,
        r#"Profile { provider: "streamdiver", token_url: "https://a.example/realms/acme/protocol/openid-connect/token", revoke_url: Some("https://a.example/realms/acme/protocol/openid-connect/revoke"), encoding: Form, client_auth: Body, grant: ClientCredentials, scope: None, extra: [], default_lifetime_s: 7200, max_lifetime_s: 57600, token_lifetime_s: None, api_base: Fixed("https://api.example"), forbidden_means_invalid_token: false, api_hosts: [] }"#,
    ),
    (
        r#""provider":"streamdiver","auth_base":"https://a.example","api_base":"https://api.example","tenant":"acme","scopes":["openid"],"grant":"password","max_lifetime_s":0"#,
        r#"Profile { provider: "streamdiver", token_url: "https://a.example/realms/acme/protocol/openid-connect/token", revoke_url: Some("https://a.example/realms/acme/protocol/openid-connect/revoke"), encoding: Form, client_auth: Body, grant: ClientCredentials, scope: Some(Spaced("openid")), extra: [], default_lifetime_s: 7200, max_lifetime_s: 57600, token_lifetime_s: None, api_base: Fixed("https://api.example"), forbidden_means_invalid_token: false, api_hosts: [] }"#,
    ),
    (
        r#""provider":"powerepos","auth_base":"https://auth.powerepos.cloud","org_id":"ORG001","username":"svc""#,
        r#"Profile { provider: "powerepos", token_url: "https://auth.powerepos.cloud/authorisation/token", revoke_url: None, encoding: Form, client_auth: Body, grant: Password, scope: Some(Spaced("partnerservices offline_access")), extra: [("org_id", "ORG001")], default_lifetime_s: 28800, max_lifetime_s: 86400, token_lifetime_s: None, api_base: JwtClaim("AuthServerClaims.Service"), forbidden_means_invalid_token: false, api_hosts: ["*.powerepos.cloud"] }"#,
    ),
    (
        r#""provider":"powerepos","auth_base":"https://auth.powerepos.cloud","org_id":"ORG001","username":"svc","scopes":["a"],"api_hosts":["127.0.0.1"],"api_base_claim":"X.Y","grant":"client_credentials","tenant":"t","base_url":"https://ignored.example""#,
        r#"Profile { provider: "powerepos", token_url: "https://auth.powerepos.cloud/authorisation/token", revoke_url: None, encoding: Form, client_auth: Body, grant: Password, scope: Some(Spaced("a")), extra: [("org_id", "ORG001")], default_lifetime_s: 28800, max_lifetime_s: 86400, token_lifetime_s: None, api_base: JwtClaim("X.Y"), forbidden_means_invalid_token: false, api_hosts: ["127.0.0.1"] }"#,
    ),
    (
        r#""provider":"custom","token_url":"https://auth.example/t/{tenant}/o/{org_id}/token","tenant":"shop-9","org_id":"o_1","api_base":"https://api.example/""#,
        r#"Profile { provider: "custom", token_url: "https://auth.example/t/shop-9/o/o_1/token", revoke_url: None, encoding: Form, client_auth: Body, grant: ClientCredentials, scope: None, extra: [("org_id", "o_1")], default_lifetime_s: 3600, max_lifetime_s: 86400, token_lifetime_s: None, api_base: Fixed("https://api.example"), forbidden_means_invalid_token: false, api_hosts: [] }"#,
    ),
    (
        r#""provider":"custom","token_url":"https://auth.example/token","api_base_claim":"svc","api_hosts":["*.example"],"encoding":"json","client_auth":"basic","grant":"password","username":"u","scopes":["x","y"],"max_lifetime_s":100,"default_lifetime_s":5000"#,
        r#"Profile { provider: "custom", token_url: "https://auth.example/token", revoke_url: None, encoding: Json, client_auth: Basic, grant: Password, scope: Some(Spaced("x y")), extra: [], default_lifetime_s: 100, max_lifetime_s: 100, token_lifetime_s: None, api_base: JwtClaim("svc"), forbidden_means_invalid_token: false, api_hosts: ["*.example"] }"#,
    ),
    (
        r#""provider":"custom","token_url":"https://auth.example/token","org_id":"not in the url","api_base":"https://api.example""#,
        r#"Profile { provider: "custom", token_url: "https://auth.example/token", revoke_url: None, encoding: Form, client_auth: Body, grant: ClientCredentials, scope: None, extra: [("org_id", "not in the url")], default_lifetime_s: 3600, max_lifetime_s: 86400, token_lifetime_s: None, api_base: Fixed("https://api.example"), forbidden_means_invalid_token: false, api_hosts: [] }"#,
    ),
];

/// `(CREDENTIALS, each entry's outcome or "whole: " and the error of the whole value)`.
const OUTCOMES: &[(&str, &str)] = &[
    (
        r#"[]"#,
        r#"whole: CREDENTIALS is not valid: invalid type: sequence, expected a map at line 1 column 0"#,
    ),
    (
        r#"{"#,
        r#"whole: CREDENTIALS is not valid: EOF while parsing an object at line 1 column 1"#,
    ),
    (
        r#"{"a":1}"#,
        r#"credential `a`: invalid type: integer `1`, expected struct Spec"#,
    ),
    (
        r#"{"a":null}"#,
        r#"credential `a`: invalid type: null, expected struct Spec"#,
    ),
    (r#"{"a":{}}"#, r#"credential `a`: missing field `provider`"#),
    (
        r#"{"a":{"provider":"nope","client_id":"c","secrets":{"client_secret":"S"}}}"#,
        r#"credential `a`: unknown variant `nope`, expected one of `stream`, `omniretain`, `streamdiver`, `powerepos`, `custom`"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s","extra":1}}"#,
        r#"credential `a`: unknown field `extra`, expected one of `provider`, `client_id`, `secrets`, `base_url`, `auth_base`, `api_base`, `tenant`, `org_id`, `username`, `grant`, `scopes`, `token_url`, `revoke_url`, `encoding`, `client_auth`, `api_base_claim`, `default_lifetime_s`, `max_lifetime_s`, `token_lifetime_s`, `forbidden_means_invalid_token`, `api_hosts`, `paths`, `proxy`"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S","pw":"P"},"base_url":"https://s"}}"#,
        r#"credential `a`: unknown field `pw`, expected `client_secret` or `password`"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{},"base_url":"https://s"}}"#,
        r#"credential `a`: missing field `client_secret`"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":5,"secrets":{"client_secret":"S"},"base_url":"https://s"}}"#,
        r#"credential `a`: invalid type: integer `5`, expected a string"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s","default_lifetime_s":-1}}"#,
        r#"credential `a`: invalid value: integer `-1`, expected u64"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s","default_lifetime_s":1.5}}"#,
        r#"credential `a`: invalid type: floating point `1.5`, expected u64"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s","default_lifetime_s":"60"}}"#,
        r#"credential `a`: invalid type: string "60", expected u64"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s","grant":"implicit"}}"#,
        r#"credential `a`: unknown variant `implicit`, expected `client_credentials` or `password`"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s","encoding":"xml"}}"#,
        r#"credential `a`: unknown variant `xml`, expected `json` or `form`"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s","scopes":"user"}}"#,
        r#"credential `a`: invalid type: string "user", expected a sequence"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s","proxy":[{"methods":["GET"]}]}}"#,
        r#"credential `a`: missing field `path`"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s","proxy":[{"methods":["GET"],"path":"/x","y":1}]}}"#,
        r#"credential `a`: unknown field `y`, expected `methods` or `path`"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s","paths":{"nope":"/x"}}}"#,
        r#"credential `a`: unknown field `nope`, expected one of `init_onboarding`, `onboarding`, `complete_onboarding`, `revoke_onboarding`, `onboarding_locations`, `ingest_locations`, `bind_locations`, `organizations`, `organization_locations`, `generate_session`, `partner_tokens`, `partner_token`"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s","paths":{"onboarding":"/x"}}}"#,
        r#"credential `a`: paths.onboarding: must contain {id}"#,
    ),
    (
        r#"{"a b":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s"}}"#,
        r#"credential `a b`: ids are 1-64 characters of letters, digits, `-` and `_`"#,
    ),
    (
        r#"{"":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s"}}"#,
        r#"credential ``: ids are 1-64 characters of letters, digits, `-` and `_`"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"}}}"#,
        r#"credential `a`: `base_url` is required for provider `stream`"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":""}}"#,
        r#"credential `a`: `base_url` is required for provider `stream`"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"ftp://s"}}"#,
        r#"credential `a`: base_url `ftp://s` is not an absolute http(s) URL"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://"}}"#,
        r#"credential `a`: base_url `https://` is not an absolute http(s) URL"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s","token_lifetime_s":59}}"#,
        r#"credential `a`: token_lifetime_s must be 60..=3600 (Stream's `exp` is at most an hour after issue)"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s","token_lifetime_s":3601}}"#,
        r#"credential `a`: token_lifetime_s must be 60..=3600 (Stream's `exp` is at most an hour after issue)"#,
    ),
    (
        r#"{"a":{"provider":"omniretain","client_id":"c","secrets":{"client_secret":"S","password":"P"},"base_url":"https://s","username":"u","token_lifetime_s":60}}"#,
        r#"credential `a`: token_lifetime_s is Stream's `exp`; other providers set the lifetime themselves"#,
    ),
    (
        r#"{"a":{"provider":"omniretain","client_id":"c","secrets":{"client_secret":"S","password":"P"},"base_url":"https://s","username":"u","paths":{}}}"#,
        r#"credential `a`: paths are Stream's operations; other providers have none"#,
    ),
    (
        r#"{"a":{"provider":"omniretain","client_id":"c","secrets":{"client_secret":"S","password":"P"},"base_url":"https://s"}}"#,
        r#"credential `a`: `username` is required for provider `omniretain`"#,
    ),
    (
        r#"{"a":{"provider":"omniretain","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s","username":"u"}}"#,
        r#"credential `a`: `secrets.password` is required for provider `omniretain`"#,
    ),
    (
        r#"{"a":{"provider":"omniretain","client_id":"c","secrets":{"client_secret":"S","password":"NOPE"},"base_url":"https://s","username":"u"}}"#,
        r#"credential `a`: secret `NOPE` (for password) is not set"#,
    ),
    (
        r#"{"a":{"provider":"omniretain","client_id":"c","secrets":{"client_secret":"EMPTY","password":"P"},"base_url":"https://s","username":"u"}}"#,
        r#"credential `a`: secret `EMPTY` (for client_secret) is not set"#,
    ),
    (
        r#"{"a":{"provider":"omniretain","client_id":"","secrets":{"client_secret":"S","password":"P"},"base_url":"https://s","username":"u"}}"#,
        r#"credential `a`: `client_id` is required for provider `omniretain`"#,
    ),
    (
        r#"{"a":{"provider":"omniretain","client_id":"c","secrets":{"client_secret":"S","password":"P"},"base_url":"https://s","username":"u","api_base_claim":"x"}}"#,
        r#"credential `a`: `api_hosts` is required for provider `omniretain`"#,
    ),
    (
        r#"{"a":{"provider":"omniretain","client_id":"c","secrets":{"client_secret":"S","password":"P"},"base_url":"https://s","username":"u","token_url":"nope"}}"#,
        r#"credential `a`: token_url `nope` is not an absolute http(s) URL"#,
    ),
    (
        r#"{"a":{"provider":"omniretain","client_id":"c","secrets":{"client_secret":"S","password":"P"},"base_url":"https://s","username":"u","api_hosts":["a/b"]}}"#,
        r#"credential `a`: api_hosts entry `a/b` is not a host or `*.suffix`"#,
    ),
    (
        r#"{"a":{"provider":"streamdiver","client_id":"c","secrets":{"client_secret":"S"},"api_base":"https://b","tenant":"t"}}"#,
        r#"credential `a`: `auth_base` is required for provider `streamdiver`"#,
    ),
    (
        r#"{"a":{"provider":"streamdiver","client_id":"c","secrets":{"client_secret":"S"},"auth_base":"https://a","tenant":"t"}}"#,
        r#"credential `a`: `api_base` is required for provider `streamdiver`"#,
    ),
    (
        r#"{"a":{"provider":"streamdiver","client_id":"c","secrets":{"client_secret":"S"},"auth_base":"https://a","api_base":"https://b"}}"#,
        r#"credential `a`: `tenant` is required for provider `streamdiver`"#,
    ),
    (
        r#"{"a":{"provider":"streamdiver","client_id":"c","secrets":{"client_secret":"S"},"auth_base":"https://a","api_base":"https://b","tenant":"t/x"}}"#,
        r#"credential `a`: tenant must be letters, digits, `-` and `_`"#,
    ),
    (
        r#"{"a":{"provider":"streamdiver","client_id":"c","secrets":{"client_secret":"S"},"auth_base":"x","api_base":"y","tenant":"t/x"}}"#,
        r#"credential `a`: auth_base `x` is not an absolute http(s) URL"#,
    ),
    (
        r#"{"a":{"provider":"powerepos","client_id":"c","secrets":{"client_secret":"S","password":"P"},"org_id":"O","username":"u"}}"#,
        r#"credential `a`: `auth_base` is required for provider `powerepos`"#,
    ),
    (
        r#"{"a":{"provider":"powerepos","client_id":"c","secrets":{"client_secret":"S","password":"P"},"auth_base":"https://a","username":"u"}}"#,
        r#"credential `a`: `org_id` is required for provider `powerepos`"#,
    ),
    (
        r#"{"a":{"provider":"powerepos","client_id":"c","secrets":{"client_secret":"S","password":"P"},"auth_base":"https://a","org_id":"O"}}"#,
        r#"credential `a`: `username` is required for provider `powerepos`"#,
    ),
    (
        r#"{"a":{"provider":"powerepos","client_id":"c","secrets":{"client_secret":"S","password":"P"},"auth_base":"https://a","org_id":"O","username":"u","api_hosts":[]}}"#,
        r#"credential `a`: `api_hosts` is required for provider `powerepos`"#,
    ),
    (
        r#"{"a":{"provider":"custom","client_id":"c","secrets":{"client_secret":"S"},"api_base":"https://b"}}"#,
        r#"credential `a`: `token_url` is required for provider `custom`"#,
    ),
    (
        r#"{"a":{"provider":"custom","client_id":"c","secrets":{"client_secret":"S"},"token_url":"https://a/{org_id}","api_base":"https://b"}}"#,
        r#"credential `a`: `org_id` is required for provider `custom`"#,
    ),
    (
        r#"{"a":{"provider":"custom","client_id":"c","secrets":{"client_secret":"S"},"token_url":"https://a/{org_id}","org_id":"a.b","api_base":"https://b"}}"#,
        r#"credential `a`: org_id must be letters, digits, `-` and `_`"#,
    ),
    (
        r#"{"a":{"provider":"custom","client_id":"c","secrets":{"client_secret":"S"},"token_url":"https://a/t"}}"#,
        r#"credential `a`: `api_base` is required for provider `custom`"#,
    ),
    (
        r#"{"a":{"provider":"custom","client_id":"c","secrets":{"client_secret":"S"},"token_url":"https://a/t","api_base":"b"}}"#,
        r#"credential `a`: api_base `b` is not an absolute http(s) URL"#,
    ),
    (
        r#"{"a":{"provider":"custom","client_id":"c","secrets":{"client_secret":"S"},"token_url":"a/t","api_base":"https://b"}}"#,
        r#"credential `a`: token_url `a/t` is not an absolute http(s) URL"#,
    ),
    (
        r#"{"a":{"provider":"custom","client_id":"c","secrets":{"client_secret":"S"},"token_url":"https://a/t","api_base":"https://b","grant":"password","username":"u"}}"#,
        r#"credential `a`: `secrets.password` is required for provider `custom`"#,
    ),
    (
        r#"{"a":{"provider":"custom","client_id":"c","secrets":{"client_secret":"S"},"token_url":"https://a/t","api_base":"https://b","grant":"password","secrets":{"client_secret":"S"}}}"#,
        r#"credential `a`: `username` is required for provider `custom`"#,
    ),
    (
        r#"{"a":{"provider":"custom","provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s"}}"#,
        r#"ok"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s","default_lifetime_s":1e999}}"#,
        r#"whole: CREDENTIALS is not valid: number out of range at line 1 column 123"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s","zzz":1,"aaa":2}}"#,
        r#"credential `a`: unknown field `aaa`, expected one of `provider`, `client_id`, `secrets`, `base_url`, `auth_base`, `api_base`, `tenant`, `org_id`, `username`, `grant`, `scopes`, `token_url`, `revoke_url`, `encoding`, `client_auth`, `api_base_claim`, `default_lifetime_s`, `max_lifetime_s`, `token_lifetime_s`, `forbidden_means_invalid_token`, `api_hosts`, `paths`, `proxy`"#,
    ),
    (
        r#"{"a":{"provider":"stream","client_id":"c","secrets":{"client_secret":"S"},"base_url":"https://s"},"a":{"provider":"nope"}}"#,
        r#"credential `a`: unknown variant `nope`, expected one of `stream`, `omniretain`, `streamdiver`, `powerepos`, `custom`"#,
    ),
];

#[test]
fn every_preset_builds_the_same_profile() {
    for (fields, expected) in PROFILES {
        let json = format!(
            r#"{{"c":{{{fields},"client_id":"c","secrets":{{"client_secret":"S","password":"P"}}}}}}"#
        );
        let loaded = load(&json, secret).unwrap_or_else(|e| panic!("{fields}: {e}"));
        assert_eq!(format!("{:?}", loaded[0].profile), *expected, "{fields}");
    }
}

#[test]
fn every_refusal_keeps_its_message() {
    for (json, expected) in OUTCOMES {
        let got = match load_each(json, secret) {
            Err(e) => format!("whole: {e}"),
            Ok(each) => each
                .into_iter()
                .map(|(_, c)| c.map_or_else(|e| e.to_string(), |_| "ok".to_owned()))
                .collect::<Vec<_>>()
                .join(" | "),
        };
        assert_eq!(got, *expected, "{json}");
    }
}

#[test]
fn the_credential_around_the_profile() {
    let c = &load(
        r#"{"o":{"provider":"omniretain","base_url":"https://o.example","username":"svc","client_id":"cid","proxy":[{"methods":["GET"],"path":"/v1/**"}],"secrets":{"client_secret":"S","password":"P"}}}"#,
        secret,
    )
    .unwrap()[0];
    assert_eq!((c.id.as_str(), c.client_id.as_str()), ("o", "cid"));
    assert_eq!(c.client_secret.expose(), "client-secret");
    assert_eq!(c.username.as_deref(), Some("svc"));
    assert_eq!(c.password.as_ref().unwrap().expose(), "service-password");
    assert_eq!(
        format!("{:?}", c.proxy),
        r#"[ProxyRule { methods: ["GET"], path: "/v1/**" }]"#
    );
    assert_eq!(c.stream_paths, Default::default());
    let s = &load(
        r#"{"s":{"provider":"stream","base_url":"https://s.example","client_id":"c","paths":{"onboarding":"/v2/o/{id}"},"secrets":{"client_secret":"S","password":"P"}}}"#,
        secret,
    )
    .unwrap()[0];
    assert_eq!((s.username.as_ref(), s.password.is_none()), (None, true));
    assert_eq!(s.stream_paths.onboarding, "/v2/o/{id}");
    assert_eq!(s.stream_paths.init_onboarding, "/onboarding/integrations");
}
