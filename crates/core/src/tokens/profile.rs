//! Providers as configuration: a deployment lists its credentials as JSON (the `CREDENTIALS`
//! var); each names a provider preset (`stream`, `omniretain`, `streamdiver`, `powerepos`) or
//! `custom`, its non-secret parameters, and the *names* of the Worker secrets that hold its
//! client secret and service-account password. Loading resolves the secrets and reports the
//! first missing piece by credential id and field.

use crate::secret::{ClientSecret, ServicePassword};
use serde::Deserialize;
use std::collections::BTreeMap;

/// How the token request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyEncoding {
    /// `application/json` (Stream).
    Json,
    /// `application/x-www-form-urlencoded` (RFC 6749; OmniRetain, Keycloak, PowerEPOS).
    Form,
}

/// Where the client authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientAuth {
    /// `client_id` and `client_secret` in the body.
    Body,
    /// HTTP Basic (RFC 6749 §2.3.1).
    Basic,
}

/// The grant used to obtain a new token (refresh is used on top when a refresh token is held).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantKind {
    /// `client_credentials`.
    ClientCredentials,
    /// `password`, with a service account the partner issued — never an end user's password.
    Password,
}

/// How scopes go on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeParam {
    /// Stream: `"scopes": ["user", "sso"]` in a JSON body.
    Array(Vec<String>),
    /// RFC 6749: `scope=a b`.
    Spaced(String),
}

/// Where the partner API's base URL comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiBase {
    /// A configured URL.
    Fixed(String),
    /// A claim of the access token (a JWT), by path, e.g. `AuthServerClaims.Service`.
    JwtClaim(String),
}

/// Everything needed to talk to one provider's token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Provider name (`stream`, ..., or the custom name).
    pub provider: String,
    /// The token endpoint, templates resolved.
    pub token_url: String,
    /// Body encoding.
    pub encoding: BodyEncoding,
    /// Client authentication.
    pub client_auth: ClientAuth,
    /// Grant for a new token.
    pub grant: GrantKind,
    /// Scopes requested, if any.
    pub scope: Option<ScopeParam>,
    /// Extra body parameters (e.g. PowerEPOS `org_id`).
    pub extra: Vec<(String, String)>,
    /// Lifetime assumed when the answer has no usable `expires_in`.
    pub default_lifetime_s: u64,
    /// The longest lifetime the provider documents (Stream 1 h, OmniRetain 10 h, Streamdiver
    /// 16 h, PowerEPOS and custom 24 h): a larger `expires_in` (a timestamp sent as seconds, say)
    /// is capped to it, so no token is held for years.
    pub max_lifetime_s: u64,
    /// Stream only: the lifetime asked for with the token request's `exp` (seed 000), at most
    /// the documented hour; `None` sends no `exp` (the partner's default).
    pub token_lifetime_s: Option<u64>,
    /// Where API calls go.
    pub api_base: ApiBase,
    /// Whether the partner's API answers an invalid token with 403 instead of 401 (Django OAuth
    /// Toolkit's `protected_resource` does), so a 403 also earns one retry with a new token.
    pub forbidden_means_invalid_token: bool,
    /// Hosts an API base read from a token claim may name (`host` or `*.suffix`;
    /// [`super::api_base`]). PowerEPOS's preset allows `*.powerepos.cloud`.
    pub api_hosts: Vec<String>,
}

/// A rule of the proxy allowlist: methods and a path pattern (`*` one segment, `**` the rest).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProxyRule {
    /// Allowed methods, upper case.
    pub methods: Vec<String>,
    /// Path pattern relative to the API base, e.g. `/v2/tenants/*/settings`.
    pub path: String,
}

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

/// Why the configuration cannot be used; names the credential and the missing or bad piece.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The `CREDENTIALS` JSON does not parse (the serde message names the field).
    #[error("CREDENTIALS is not valid: {0}")]
    Syntax(String),
    /// A field the provider needs is missing.
    #[error("credential `{id}`: `{field}` is required for provider `{provider}`")]
    Missing {
        /// Credential id.
        id: String,
        /// Provider.
        provider: String,
        /// The missing field.
        field: &'static str,
    },
    /// A named Worker secret is not set.
    #[error("credential `{id}`: secret `{secret}` (for {field}) is not set")]
    SecretNotSet {
        /// Credential id.
        id: String,
        /// The secret's name.
        secret: String,
        /// What it is for.
        field: &'static str,
    },
    /// A value is not acceptable (a URL that is not http(s), an id with odd characters, ...).
    #[error("credential `{id}`: {problem}")]
    Invalid {
        /// Credential id.
        id: String,
        /// What is wrong.
        problem: String,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Preset {
    Stream,
    Omniretain,
    Streamdiver,
    Powerepos,
    Custom,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretNames {
    client_secret: String,
    #[serde(default)]
    password: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    provider: Preset,
    client_id: String,
    secrets: SecretNames,
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    auth_base: Option<String>,
    #[serde(default)]
    api_base: Option<String>,
    #[serde(default)]
    tenant: Option<String>,
    #[serde(default)]
    org_id: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    grant: Option<GrantKind>,
    #[serde(default)]
    scopes: Option<Vec<String>>,
    #[serde(default)]
    token_url: Option<String>,
    #[serde(default)]
    encoding: Option<BodyEncoding>,
    #[serde(default)]
    client_auth: Option<ClientAuth>,
    #[serde(default)]
    api_base_claim: Option<String>,
    #[serde(default)]
    default_lifetime_s: Option<u64>,
    #[serde(default)]
    max_lifetime_s: Option<u64>,
    #[serde(default)]
    token_lifetime_s: Option<u64>,
    #[serde(default)]
    forbidden_means_invalid_token: Option<bool>,
    #[serde(default)]
    api_hosts: Option<Vec<String>>,
    #[serde(default)]
    paths: Option<crate::contract::stream_paths::StreamPaths>,
    #[serde(default)]
    proxy: Vec<ProxyRule>,
}

/// Stream's documented longest token lifetime (`exp` at most one hour after issue, seed 000).
pub const STREAM_MAX_LIFETIME_S: u64 = 3600;

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
pub fn load_each(
    json: &str,
    secret: impl Fn(&str) -> Option<String>,
) -> Result<Vec<LoadedCredential>, ConfigError> {
    let specs: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(json).map_err(|e| ConfigError::Syntax(e.to_string()))?;
    Ok(specs
        .into_iter()
        .map(|(id, value)| {
            let built = serde_json::from_value::<Spec>(value)
                .map_err(|e| ConfigError::Invalid {
                    id: id.clone(),
                    problem: e.to_string(),
                })
                .and_then(|spec| build(id.clone(), spec, &secret));
            (id, built)
        })
        .collect())
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn http_url(id: &str, what: &str, url: &str) -> Result<String, ConfigError> {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.parse::<http::Uri>().is_ok_and(|u| u.host().is_some());
    if ok {
        Ok(url.trim_end_matches('/').to_owned())
    } else {
        Err(ConfigError::Invalid {
            id: id.to_owned(),
            problem: format!("{what} `{url}` is not an absolute http(s) URL"),
        })
    }
}

fn build(
    id: String,
    spec: Spec,
    secret: &impl Fn(&str) -> Option<String>,
) -> Result<Credential, ConfigError> {
    if !valid_id(&id) {
        return Err(ConfigError::Invalid {
            id,
            problem: "ids are 1-64 characters of letters, digits, `-` and `_`".into(),
        });
    }
    let provider = match spec.provider {
        Preset::Stream => "stream",
        Preset::Omniretain => "omniretain",
        Preset::Streamdiver => "streamdiver",
        Preset::Powerepos => "powerepos",
        Preset::Custom => "custom",
    };
    let need = |field: &'static str, v: &Option<String>| {
        v.clone()
            .filter(|s| !s.is_empty())
            .ok_or(ConfigError::Missing {
                id: id.clone(),
                provider: provider.to_owned(),
                field,
            })
    };
    let scopes = spec.scopes.clone();
    let (token_url, encoding, client_auth, grant, scope, extra, lifetime, api_base) = match spec
        .provider
    {
        Preset::Stream => {
            let base = http_url(&id, "base_url", &need("base_url", &spec.base_url)?)?;
            (
                format!("{base}/oauth/token"),
                BodyEncoding::Json,
                ClientAuth::Body,
                GrantKind::ClientCredentials,
                Some(ScopeParam::Array(scopes.unwrap_or_else(|| {
                    ["user", "onboarding", "sso"].map(String::from).to_vec()
                }))),
                vec![],
                3600,
                ApiBase::Fixed(base),
            )
        }
        Preset::Omniretain => {
            let base = http_url(&id, "base_url", &need("base_url", &spec.base_url)?)?;
            (
                format!("{base}/backend/core/authentication/token/"),
                BodyEncoding::Form,
                ClientAuth::Basic,
                spec.grant.unwrap_or(GrantKind::Password),
                scopes.map(|s| ScopeParam::Spaced(s.join(" "))),
                vec![],
                36000,
                ApiBase::Fixed(base),
            )
        }
        Preset::Streamdiver => {
            let auth = http_url(&id, "auth_base", &need("auth_base", &spec.auth_base)?)?;
            let api = http_url(&id, "api_base", &need("api_base", &spec.api_base)?)?;
            let tenant = need("tenant", &spec.tenant)?;
            if !valid_id(&tenant) {
                return Err(ConfigError::Invalid {
                    id,
                    problem: "tenant must be letters, digits, `-` and `_`".into(),
                });
            }
            (
                format!("{auth}/realms/{tenant}/protocol/openid-connect/token"),
                BodyEncoding::Form,
                ClientAuth::Body,
                GrantKind::ClientCredentials,
                scopes.map(|s| ScopeParam::Spaced(s.join(" "))),
                vec![],
                7200,
                ApiBase::Fixed(api),
            )
        }
        Preset::Powerepos => {
            let auth = http_url(&id, "auth_base", &need("auth_base", &spec.auth_base)?)?;
            let org = need("org_id", &spec.org_id)?;
            (
                format!("{auth}/authorisation/token"),
                BodyEncoding::Form,
                ClientAuth::Body,
                GrantKind::Password,
                Some(ScopeParam::Spaced(
                    scopes
                        .map(|s| s.join(" "))
                        .unwrap_or_else(|| "partnerservices offline_access".into()),
                )),
                vec![("org_id".to_owned(), org)],
                28800,
                // Seed 004: the service URI must always be read from the claim.
                ApiBase::JwtClaim("AuthServerClaims.Service".into()),
            )
        }
        Preset::Custom => {
            // `{tenant}` and `{org_id}` in the URL are filled from the same-named fields.
            let mut template = need("token_url", &spec.token_url)?;
            for (key, field, value) in [
                ("{tenant}", "tenant", &spec.tenant),
                ("{org_id}", "org_id", &spec.org_id),
            ] {
                if template.contains(key) {
                    let v = need(field, value)?;
                    if !valid_id(&v) {
                        return Err(ConfigError::Invalid {
                            id,
                            problem: format!("{field} must be letters, digits, `-` and `_`"),
                        });
                    }
                    template = template.replace(key, &v);
                }
            }
            let url = http_url(&id, "token_url", &template)?;
            let api = match (&spec.api_base, &spec.api_base_claim) {
                (_, Some(claim)) => ApiBase::JwtClaim(claim.clone()),
                (api, None) => ApiBase::Fixed(http_url(&id, "api_base", &need("api_base", api)?)?),
            };
            (
                url,
                spec.encoding.unwrap_or(BodyEncoding::Form),
                ClientAuth::Body,
                spec.grant.unwrap_or(GrantKind::ClientCredentials),
                scopes.map(|s| ScopeParam::Spaced(s.join(" "))),
                spec.org_id
                    .clone()
                    .map(|o| vec![("org_id".to_owned(), o)])
                    .unwrap_or_default(),
                3600,
                api,
            )
        }
    };
    let max_lifetime = spec
        .max_lifetime_s
        .filter(|s| *s > 0)
        .unwrap_or(match spec.provider {
            Preset::Stream => STREAM_MAX_LIFETIME_S,
            Preset::Omniretain => 36_000,
            Preset::Streamdiver => 57_600,
            Preset::Powerepos | Preset::Custom => 86_400,
        });
    let token_lifetime_s = match (spec.token_lifetime_s, &spec.provider) {
        (None, _) => None,
        (Some(s), Preset::Stream) if (60..=STREAM_MAX_LIFETIME_S).contains(&s) => Some(s),
        (Some(_), Preset::Stream) => {
            return Err(ConfigError::Invalid {
                id,
                problem: format!(
                    "token_lifetime_s must be 60..={STREAM_MAX_LIFETIME_S} (Stream's `exp` is at most an hour after issue)"
                ),
            })
        }
        (Some(_), _) => {
            return Err(ConfigError::Invalid {
                id,
                problem: "token_lifetime_s is Stream's `exp`; other providers set the lifetime themselves".into(),
            })
        }
    };
    if spec.paths.is_some() && !matches!(spec.provider, Preset::Stream) {
        return Err(ConfigError::Invalid {
            id,
            problem: "paths are Stream's operations; other providers have none".into(),
        });
    }
    let stream_paths = spec.paths.clone().unwrap_or_default();
    if let Err(e) = stream_paths.validate() {
        return Err(ConfigError::Invalid {
            id,
            problem: e.to_string(),
        });
    }
    let api_hosts = match spec.api_hosts.clone() {
        Some(hosts) => hosts,
        None if matches!(spec.provider, Preset::Powerepos) => vec!["*.powerepos.cloud".into()],
        None => Vec::new(),
    };
    if let Some(bad) = api_hosts
        .iter()
        .find(|h| !super::api_base::valid_host_pattern(h))
    {
        return Err(ConfigError::Invalid {
            id,
            problem: format!("api_hosts entry `{bad}` is not a host or `*.suffix`"),
        });
    }
    // An override of the claim path is honoured for every provider (PowerEPOS included).
    let api_base = match (api_base, spec.api_base_claim.clone()) {
        (_, Some(claim)) => ApiBase::JwtClaim(claim),
        (a, None) => a,
    };
    if matches!(api_base, ApiBase::JwtClaim(_)) && api_hosts.is_empty() {
        return Err(ConfigError::Missing {
            id,
            provider: provider.to_owned(),
            field: "api_hosts",
        });
    }
    let token_url = match &spec.token_url {
        Some(u) if !matches!(spec.provider, Preset::Custom) => http_url(&id, "token_url", u)?,
        _ => token_url,
    };
    let read_secret = |field: &'static str, name: &str| {
        secret(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ConfigError::SecretNotSet {
                id: id.clone(),
                secret: name.to_owned(),
                field,
            })
    };
    let client_secret =
        ClientSecret::new(read_secret("client_secret", &spec.secrets.client_secret)?);
    let (username, password) = if grant == GrantKind::Password {
        let user = need("username", &spec.username)?;
        let name = spec.secrets.password.clone().ok_or(ConfigError::Missing {
            id: id.clone(),
            provider: provider.to_owned(),
            field: "secrets.password",
        })?;
        (
            Some(user),
            Some(ServicePassword::new(read_secret("password", &name)?)),
        )
    } else {
        (None, None)
    };
    if spec.client_id.is_empty() {
        return Err(ConfigError::Missing {
            id,
            provider: provider.to_owned(),
            field: "client_id",
        });
    }
    Ok(Credential {
        profile: Profile {
            provider: provider.to_owned(),
            token_url,
            encoding: spec.encoding.unwrap_or(encoding),
            client_auth: spec.client_auth.unwrap_or(client_auth),
            grant,
            scope,
            extra,
            default_lifetime_s: spec
                .default_lifetime_s
                .unwrap_or(lifetime)
                .min(max_lifetime),
            max_lifetime_s: max_lifetime,
            token_lifetime_s,
            api_base,
            api_hosts,
            forbidden_means_invalid_token: spec
                .forbidden_means_invalid_token
                .unwrap_or(provider == "omniretain"),
        },
        id,
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
