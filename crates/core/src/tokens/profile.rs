//! Providers as configuration: a deployment lists its credentials as JSON (the `CREDENTIALS`
//! var); each names a provider preset (`stream`, `omniretain`, `streamdiver`, `powerepos`) or
//! `custom`, its non-secret parameters, and the *names* of the Worker secrets that hold its
//! client secret and service-account password. Loading starts from the provider's preset
//! profile (`presets.rs`), applies the entry's overrides, resolves the secrets and reports the
//! first missing piece by credential id and field.

use super::config::{valid_name, Check, Spec};
use super::presets;
use crate::secret::{ClientSecret, ServicePassword};
use std::collections::BTreeMap;

pub use super::config::{ConfigError, ProxyRule};
pub use super::presets::STREAM_MAX_LIFETIME_S;
pub use super::provider::{
    ApiBase, BodyEncoding, ClientAuth, GrantKind, Profile, ProviderKind, ScopeParam,
};

/// One configured credential, secrets resolved.
#[derive(Debug, Clone)]
pub struct Credential {
    /// The credential id (also its Durable Object's name).
    pub id: String,
    /// The provider profile.
    pub profile: Profile,
    /// OAuth client id.
    pub client_id: String,
    /// OAuth client secret.
    pub client_secret: ClientSecret,
    /// Service-account username (password grant).
    pub username: Option<String>,
    /// Service-account password (password grant).
    pub password: Option<ServicePassword>,
    /// What the proxy may forward with this credential's token.
    pub proxy: Vec<ProxyRule>,
    /// Stream only: where its operations live (defaults: today's paths).
    pub stream_paths: crate::contract::stream_paths::StreamPaths,
}

/// Loads every credential of a `CREDENTIALS` JSON object (`{"<id>": {...}, ...}`), reading
/// secrets through `secret(name)`; the first problem fails the whole list (config-check, tests).
pub fn load(
    json: &str,
    secret: impl Fn(&str) -> Option<String>,
) -> Result<Vec<Credential>, ConfigError> {
    load_each(json, secret)?
        .into_iter()
        .map(|(_, c)| c)
        .collect()
}

/// One entry of `CREDENTIALS`: its id, and the credential or what keeps it from loading.
pub type LoadedCredential = (String, Result<Credential, ConfigError>);

/// Loads each credential on its own (docs/security.md item 30): a missing secret, a typo or a
/// bad URL in one entry is that entry's error only, and every other credential loads. Only a
/// `CREDENTIALS` value that is not a JSON object at all fails as a whole.
///
/// The entries go through `serde_json::Value` on purpose: reading each entry's text again with
/// its own parser (`RawValue`) makes the worker's wasm 2.7 KB (gzip) larger. It is read with
/// `from_slice`, not `from_str`: the worker reads all its other JSON from bytes, and a second
/// reader type (`StrRead`) would put a second copy of the parser in its wasm (2.2 KB gzip).
pub fn load_each(
    json: &str,
    secret: impl Fn(&str) -> Option<String>,
) -> Result<Vec<LoadedCredential>, ConfigError> {
    let specs: BTreeMap<String, serde_json::Value> =
        serde_json::from_slice(json.as_bytes()).map_err(|e| ConfigError::Syntax(e.to_string()))?;
    Ok(specs
        .into_iter()
        .map(|(id, value)| {
            let built = load_value(&id, value, &secret);
            (id, built)
        })
        .collect())
}

/// Loads one entry written as JSON (a `CREDENTIALS` entry, or a connection: its template's fixed
/// parts with the merchant's fields filled in), reading secrets through `secret(name)`.
pub fn load_value(
    id: &str,
    value: serde_json::Value,
    secret: &dyn Fn(&str) -> Option<String>,
) -> Result<Credential, ConfigError> {
    serde_json::from_value::<Spec>(value)
        .map_err(|e| ConfigError::Invalid {
            id: id.to_owned(),
            problem: e.to_string(),
        })
        .and_then(|spec| build(id, spec, secret))
}

/// The credential of one entry: its provider's preset profile, the entry's overrides, its
/// secrets. Checks run in a fixed order, so an entry with several problems always names the same
/// first one.
fn build(
    id: &str,
    spec: Spec,
    secret: &dyn Fn(&str) -> Option<String>,
) -> Result<Credential, ConfigError> {
    let check = Check {
        id,
        provider: spec.provider,
    };
    if !valid_name(id) {
        return Err(check.invalid("ids are 1-64 characters of letters, digits, `-` and `_`"));
    }
    let mut profile = presets::profile(&spec, &check)?;
    let is_stream = spec.provider == ProviderKind::Stream;
    if let Some(max) = spec.max_lifetime_s.filter(|s| *s > 0) {
        profile.max_lifetime_s = max;
    }
    profile.token_lifetime_s = match spec.token_lifetime_s {
        None => None,
        Some(s) if is_stream && (60..=STREAM_MAX_LIFETIME_S).contains(&s) => Some(s),
        Some(_) if is_stream => {
            return Err(check.invalid(format!(
                "token_lifetime_s must be 60..={STREAM_MAX_LIFETIME_S} (Stream's `exp` is at most an hour after issue)"
            )))
        }
        Some(_) => {
            return Err(check.invalid(
                "token_lifetime_s is Stream's `exp`; other providers set the lifetime themselves",
            ))
        }
    };
    if spec.paths.is_some() && !is_stream {
        return Err(check.invalid("paths are Stream's operations; other providers have none"));
    }
    let stream_paths = spec.paths.unwrap_or_default();
    if let Err(e) = stream_paths.validate() {
        return Err(check.invalid(e.to_string()));
    }
    if let Some(hosts) = spec.api_hosts {
        profile.api_hosts = hosts;
    }
    if let Some(url) = &spec.revoke_url {
        // Checked like every URL, kept exactly as written (a trailing `/` matters to Django).
        check.http_url("revoke_url", url)?;
        profile.revoke_url = Some(url.clone());
    }
    if let Some(bad) = profile
        .api_hosts
        .iter()
        .find(|h| !super::api_base::valid_host_pattern(h))
    {
        return Err(check.invalid(format!(
            "api_hosts entry `{bad}` is not a host or `*.suffix`"
        )));
    }
    // An override of the claim path is honoured for every provider (PowerEPOS included).
    if let Some(claim) = spec.api_base_claim {
        profile.api_base = ApiBase::JwtClaim(claim);
    }
    if matches!(profile.api_base, ApiBase::JwtClaim(_)) && profile.api_hosts.is_empty() {
        return Err(check.missing("api_hosts"));
    }
    // A custom entry's `token_url` is its template, already resolved by the preset.
    match &spec.token_url {
        Some(url) if spec.provider != ProviderKind::Custom => {
            profile.token_url = check.http_url("token_url", url)?;
        }
        _ => {}
    }
    let read_secret = |field: &'static str, name: &str| {
        secret(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ConfigError::SecretNotSet {
                id: id.to_owned(),
                secret: name.to_owned(),
                field,
            })
    };
    let client_secret =
        ClientSecret::new(read_secret("client_secret", &spec.secrets.client_secret)?);
    let (username, password) = if profile.grant == GrantKind::Password {
        let user = check.need("username", &spec.username)?;
        let name = spec
            .secrets
            .password
            .as_deref()
            .ok_or_else(|| check.missing("secrets.password"))?;
        (
            Some(user),
            Some(ServicePassword::new(read_secret("password", name)?)),
        )
    } else {
        (None, None)
    };
    if spec.client_id.is_empty() {
        return Err(check.missing("client_id"));
    }
    if let Some(encoding) = spec.encoding {
        profile.encoding = encoding;
    }
    if let Some(client_auth) = spec.client_auth {
        profile.client_auth = client_auth;
    }
    profile.default_lifetime_s = spec
        .default_lifetime_s
        .unwrap_or(profile.default_lifetime_s)
        .min(profile.max_lifetime_s);
    if let Some(forbidden) = spec.forbidden_means_invalid_token {
        profile.forbidden_means_invalid_token = forbidden;
    }
    Ok(Credential {
        id: id.to_owned(),
        profile,
        client_id: spec.client_id,
        client_secret,
        username,
        password,
        proxy: spec.proxy,
        stream_paths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(name: &str) -> Option<String> {
        match name {
            "S" => Some("client-secret".into()),
            "P" => Some("service-password".into()),
            _ => None,
        }
    }

    #[test]
    fn presets_fill_in_each_seed_providers_profile() {
        let creds = load(
            r#"{
              "stream": {"provider":"stream","base_url":"http://127.0.0.1:8790/stream/","client_id":"c","secrets":{"client_secret":"S"}},
              "omni-1": {"provider":"omniretain","base_url":"http://h/omniretain","client_id":"c","username":"u","secrets":{"client_secret":"S","password":"P"}},
              "sd-acme": {"provider":"streamdiver","auth_base":"http://h/streamdiver","api_base":"http://h/sd-api","tenant":"acme","client_id":"c","secrets":{"client_secret":"S"}},
              "pe-1": {"provider":"powerepos","auth_base":"http://h/powerepos","org_id":"ORG001","username":"svc","client_id":"c","secrets":{"client_secret":"S","password":"P"}}
            }"#,
            secrets,
        )
        .unwrap();
        let by = |id: &str| creds.iter().find(|c| c.id == id).unwrap();
        let s = by("stream");
        assert_eq!(
            s.profile.token_url,
            "http://127.0.0.1:8790/stream/oauth/token"
        );
        assert_eq!(s.profile.encoding, BodyEncoding::Json);
        assert_eq!(
            s.profile.api_base,
            ApiBase::Fixed("http://127.0.0.1:8790/stream".into())
        );
        let o = by("omni-1");
        assert_eq!(
            o.profile.token_url,
            "http://h/omniretain/backend/core/authentication/token/"
        );
        assert_eq!(
            (o.profile.grant, o.profile.client_auth),
            (GrantKind::Password, ClientAuth::Basic)
        );
        assert_eq!(o.password.as_ref().unwrap().expose(), "service-password");
        let d = by("sd-acme");
        assert_eq!(
            d.profile.token_url,
            "http://h/streamdiver/realms/acme/protocol/openid-connect/token"
        );
        assert_eq!(d.profile.default_lifetime_s, 7200);
        let p = by("pe-1");
        assert_eq!(
            p.profile.api_base,
            ApiBase::JwtClaim("AuthServerClaims.Service".into())
        );
        assert_eq!(
            p.profile.extra,
            vec![("org_id".to_owned(), "ORG001".to_owned())]
        );
        assert_eq!(
            p.profile.scope,
            Some(ScopeParam::Spaced("partnerservices offline_access".into()))
        );
        // A fifth partner by configuration only: templated token URL, JSON body, claim-routed API.
        let custom = load(
            r#"{"fifth":{"provider":"custom","token_url":"https://auth.fifth.example/t/{tenant}/oauth2/token","tenant":"shop-9","encoding":"json","grant":"client_credentials","scopes":["orders","menu"],"api_base_claim":"svc","api_hosts":["*.fifth.example"],"client_id":"c","secrets":{"client_secret":"S"}}}"#,
            secrets,
        )
        .unwrap();
        assert_eq!(
            custom[0].profile.token_url,
            "https://auth.fifth.example/t/shop-9/oauth2/token"
        );
        assert_eq!(custom[0].profile.encoding, BodyEncoding::Json);
        assert_eq!(custom[0].profile.api_base, ApiBase::JwtClaim("svc".into()));
        // Secrets never show in Debug output of a loaded credential.
        assert!(!format!("{creds:?}").contains("client-secret"));
        assert!(!format!("{creds:?}").contains("service-password"));
    }

    #[test]
    fn stream_paths_can_follow_the_real_api_and_are_checked() {
        let c = load(r#"{"s":{"provider":"stream","base_url":"https://s.example","client_id":"c","paths":{"onboarding":"/v2/onboardings/{id}"},"secrets":{"client_secret":"S"}}}"#, secrets).unwrap();
        assert_eq!(c[0].stream_paths.onboarding, "/v2/onboardings/{id}");
        assert_eq!(
            c[0].stream_paths.init_onboarding,
            "/onboarding/integrations"
        );
        let err = load(r#"{"s":{"provider":"stream","base_url":"https://s.example","client_id":"c","paths":{"onboarding":"/v2/onboardings"},"secrets":{"client_secret":"S"}}}"#, secrets).unwrap_err();
        assert_eq!(
            err.to_string(),
            "credential `s`: paths.onboarding: must contain {id}"
        );
        let err = load(r#"{"d":{"provider":"streamdiver","auth_base":"https://a","api_base":"https://b","tenant":"t","client_id":"c","paths":{},"secrets":{"client_secret":"S"}}}"#, secrets).unwrap_err();
        assert!(err.to_string().contains("paths are Stream's"), "{err}");
    }

    #[test]
    fn each_credential_loads_and_fails_on_its_own() {
        let each = load_each(
            r#"{
              "good": {"provider":"stream","base_url":"http://h/stream","client_id":"c","secrets":{"client_secret":"S"}},
              "no-secret": {"provider":"stream","base_url":"http://h/stream","client_id":"c","secrets":{"client_secret":"MISSING"}},
              "typo": {"provider":"stream","base_ur":"http://h/stream","client_id":"c","secrets":{"client_secret":"S"}},
              "pe": {"provider":"powerepos","auth_base":"http://h/pe","org_id":"O","username":"u","client_id":"c","secrets":{"client_secret":"S","password":"P"}}
            }"#,
            secrets,
        )
        .unwrap();
        let by = |id: &str| &each.iter().find(|(i, _)| i == id).unwrap().1;
        assert!(by("good").is_ok());
        assert!(by("pe").is_ok());
        assert_eq!(
            by("no-secret").as_ref().unwrap_err().to_string(),
            "credential `no-secret`: secret `MISSING` (for client_secret) is not set"
        );
        let typo = by("typo").as_ref().unwrap_err().to_string();
        assert!(
            typo.starts_with("credential `typo`: unknown field `base_ur`"),
            "{typo}"
        );
        // Only a value that is not an object of entries fails as a whole.
        assert!(matches!(
            load_each("[]", secrets),
            Err(ConfigError::Syntax(_))
        ));
        // `load` still reports the first problem for config-check.
        assert!(load(r#"{"a":{"provider":"nope"}}"#, secrets).is_err());
    }

    #[test]
    fn claimed_api_bases_need_an_allowlist_and_the_claim_path_can_be_overridden() {
        let pe = |extra: &str| {
            load(
                &format!(
                    r#"{{"pe":{{"provider":"powerepos","auth_base":"https://auth.powerepos.cloud","org_id":"O","username":"u","client_id":"c","secrets":{{"client_secret":"S","password":"P"}}{extra}}}}}"#
                ),
                secrets,
            )
        };
        let p = &pe("").unwrap()[0];
        assert_eq!(p.profile.api_hosts, vec!["*.powerepos.cloud".to_owned()]);
        let p = &pe(r#","api_base_claim":"svc_uri","api_hosts":["127.0.0.1"]"#).unwrap()[0];
        assert_eq!(p.profile.api_base, ApiBase::JwtClaim("svc_uri".into()));
        assert_eq!(p.profile.api_hosts, vec!["127.0.0.1".to_owned()]);
        let err = pe(r#","api_hosts":[]"#).unwrap_err();
        assert!(err.to_string().contains("api_hosts"), "{err}");
        let err = pe(r#","api_hosts":["https://x"]"#).unwrap_err();
        assert!(err.to_string().contains("api_hosts"), "{err}");
        let err = load(r#"{"c":{"provider":"custom","token_url":"https://a.example/t","api_base_claim":"svc","client_id":"c","secrets":{"client_secret":"S"}}}"#, secrets).unwrap_err();
        assert_eq!(
            err.to_string(),
            "credential `c`: `api_hosts` is required for provider `custom`"
        );
    }

    #[test]
    fn misconfiguration_names_the_credential_and_the_missing_piece() {
        let err = load(r#"{"pe":{"provider":"powerepos","auth_base":"http://h","client_id":"c","username":"u","secrets":{"client_secret":"S","password":"P"}}}"#, secrets).unwrap_err();
        assert_eq!(
            err.to_string(),
            "credential `pe`: `org_id` is required for provider `powerepos`"
        );
        let err = load(r#"{"s":{"provider":"stream","base_url":"http://h","client_id":"c","secrets":{"client_secret":"NOPE"}}}"#, secrets).unwrap_err();
        assert_eq!(
            err.to_string(),
            "credential `s`: secret `NOPE` (for client_secret) is not set"
        );
        let err = load(r#"{"s":{"provider":"stream","base_url":"javascript:alert(1)","client_id":"c","secrets":{"client_secret":"S"}}}"#, secrets).unwrap_err();
        assert!(matches!(err, ConfigError::Invalid { .. }), "{err}");
        let err = load(r#"{"o":{"provider":"omniretain","base_url":"http://h","client_id":"c","username":"u","secrets":{"client_secret":"S"}}}"#, secrets).unwrap_err();
        assert!(err.to_string().contains("secrets.password"), "{err}");
        assert!(matches!(
            load(r#"{"x":{"provider":"nope"}}"#, secrets).unwrap_err(),
            ConfigError::Invalid { .. }
        ));
        let err = load(r#"{"c":{"provider":"custom","token_url":"http://h/realms/{tenant}/token","api_base":"http://h","client_id":"c","secrets":{"client_secret":"S"}}}"#, secrets).unwrap_err();
        assert_eq!(
            err.to_string(),
            "credential `c`: `tenant` is required for provider `custom`"
        );
        let err = load(r#"{"c":{"provider":"custom","token_url":"http://h/realms/{tenant}/token","tenant":"a/../b","api_base":"http://h","client_id":"c","secrets":{"client_secret":"S"}}}"#, secrets).unwrap_err();
        assert!(matches!(err, ConfigError::Invalid { .. }), "{err}");
        assert!(matches!(load(r#"{"a b":{"provider":"stream","base_url":"http://h","client_id":"c","secrets":{"client_secret":"S"}}}"#, secrets).unwrap_err(), ConfigError::Invalid { .. }));
    }
}
