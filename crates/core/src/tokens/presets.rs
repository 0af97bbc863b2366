//! What each provider's token endpoint looks like, one function per provider: the [`Profile`]
//! built from the entry's fields, with the body and client authentication, the grant, the
//! scopes and the lifetimes the partner documents. The entry's overrides are applied on top by
//! the loader (`super::profile`).

use super::config::{Check, ConfigError, Spec};
use super::provider::{
    ApiBase, BodyEncoding, ClientAuth, GrantKind, Profile, ProviderKind, ScopeParam,
};

/// Stream's documented longest token lifetime (`exp` at most one hour after issue, seed 000).
pub const STREAM_MAX_LIFETIME_S: u64 = 3600;

/// The profile of `spec`'s provider, before the entry's overrides.
pub(crate) fn profile(spec: &Spec, check: &Check<'_>) -> Result<Profile, ConfigError> {
    match spec.provider {
        ProviderKind::Stream => stream(spec, check),
        ProviderKind::OmniRetain => omniretain(spec, check),
        ProviderKind::Streamdiver => streamdiver(spec, check),
        ProviderKind::PowerEpos => powerepos(spec, check),
        ProviderKind::Custom => custom(spec, check),
    }
}

fn spaced(scopes: &Option<Vec<String>>) -> Option<ScopeParam> {
    scopes.as_ref().map(|s| ScopeParam::Spaced(s.join(" ")))
}

/// Stream (seed 000): a JSON body with an array of scopes, one-hour tokens.
fn stream(spec: &Spec, check: &Check<'_>) -> Result<Profile, ConfigError> {
    let base = check.need_url("base_url", &spec.base_url)?;
    let scopes = spec
        .scopes
        .clone()
        .unwrap_or_else(|| ["user", "onboarding", "sso"].map(String::from).to_vec());
    Ok(Profile {
        provider: ProviderKind::Stream.as_str().into(),
        token_url: format!("{base}/oauth/token"),
        revoke_url: None,
        encoding: BodyEncoding::Json,
        client_auth: ClientAuth::Body,
        grant: GrantKind::ClientCredentials,
        scope: Some(ScopeParam::Array(scopes)),
        extra: Vec::new(),
        default_lifetime_s: 3600,
        max_lifetime_s: STREAM_MAX_LIFETIME_S,
        token_lifetime_s: None,
        api_base: ApiBase::Fixed(base),
        api_hosts: Vec::new(),
        forbidden_means_invalid_token: false,
    })
}

/// OmniRetain (seed 002): Django OAuth Toolkit with HTTP Basic, the service account's password
/// grant unless configured otherwise, 10-hour tokens, 403 for an invalid token.
fn omniretain(spec: &Spec, check: &Check<'_>) -> Result<Profile, ConfigError> {
    let base = check.need_url("base_url", &spec.base_url)?;
    Ok(Profile {
        provider: ProviderKind::OmniRetain.as_str().into(),
        token_url: format!("{base}/backend/core/authentication/token/"),
        // Django OAuth Toolkit's revocation view sits beside its token view.
        revoke_url: Some(format!("{base}/backend/core/authentication/revoke_token/")),
        encoding: BodyEncoding::Form,
        client_auth: ClientAuth::Basic,
        grant: spec.grant.unwrap_or(GrantKind::Password),
        scope: spaced(&spec.scopes),
        extra: Vec::new(),
        default_lifetime_s: 36_000,
        max_lifetime_s: 36_000,
        token_lifetime_s: None,
        api_base: ApiBase::Fixed(base),
        api_hosts: Vec::new(),
        forbidden_means_invalid_token: true,
    })
}

/// Streamdiver (seed 003): the tenant's Keycloak realm, client credentials, 16-hour sessions.
fn streamdiver(spec: &Spec, check: &Check<'_>) -> Result<Profile, ConfigError> {
    let auth = check.need_url("auth_base", &spec.auth_base)?;
    let api = check.need_url("api_base", &spec.api_base)?;
    let tenant = check.need_name("tenant", &spec.tenant)?;
    Ok(Profile {
        provider: ProviderKind::Streamdiver.as_str().into(),
        token_url: format!("{auth}/realms/{tenant}/protocol/openid-connect/token"),
        // Keycloak's RFC 7009 endpoint, in the same realm.
        revoke_url: Some(format!(
            "{auth}/realms/{tenant}/protocol/openid-connect/revoke"
        )),
        encoding: BodyEncoding::Form,
        client_auth: ClientAuth::Body,
        grant: GrantKind::ClientCredentials,
        scope: spaced(&spec.scopes),
        extra: Vec::new(),
        default_lifetime_s: 7200,
        max_lifetime_s: 57_600,
        token_lifetime_s: None,
        api_base: ApiBase::Fixed(api),
        api_hosts: Vec::new(),
        forbidden_means_invalid_token: false,
    })
}

/// PowerEPOS (seed 004): the service account's password grant for one organisation code; the
/// API base is always read from the token's `AuthServerClaims.Service` claim.
fn powerepos(spec: &Spec, check: &Check<'_>) -> Result<Profile, ConfigError> {
    let auth = check.need_url("auth_base", &spec.auth_base)?;
    let org = check.need("org_id", &spec.org_id)?;
    let scopes = spec
        .scopes
        .as_ref()
        .map_or_else(|| "partnerservices offline_access".into(), |s| s.join(" "));
    Ok(Profile {
        provider: ProviderKind::PowerEpos.as_str().into(),
        token_url: format!("{auth}/authorisation/token"),
        // Seed 004 documents no revocation endpoint (`revoke_url` adds one).
        revoke_url: None,
        encoding: BodyEncoding::Form,
        client_auth: ClientAuth::Body,
        grant: GrantKind::Password,
        scope: Some(ScopeParam::Spaced(scopes)),
        extra: vec![("org_id".to_owned(), org)],
        default_lifetime_s: 28_800,
        max_lifetime_s: 86_400,
        token_lifetime_s: None,
        api_base: ApiBase::JwtClaim("AuthServerClaims.Service".into()),
        api_hosts: vec!["*.powerepos.cloud".into()],
        forbidden_means_invalid_token: false,
    })
}

/// Any other OAuth server: the token URL as configured, its `{tenant}` and `{org_id}` filled from
/// the same-named fields; the API base configured or read from a claim.
fn custom(spec: &Spec, check: &Check<'_>) -> Result<Profile, ConfigError> {
    let mut template = check.need("token_url", &spec.token_url)?;
    for (field, value) in [("tenant", &spec.tenant), ("org_id", &spec.org_id)] {
        let placeholder = format!("{{{field}}}");
        if template.contains(&placeholder) {
            template = template.replace(&placeholder, &check.need_name(field, value)?);
        }
    }
    let token_url = check.http_url("token_url", &template)?;
    let api_base = match &spec.api_base_claim {
        Some(claim) => ApiBase::JwtClaim(claim.clone()),
        None => ApiBase::Fixed(check.need_url("api_base", &spec.api_base)?),
    };
    Ok(Profile {
        provider: ProviderKind::Custom.as_str().into(),
        token_url,
        revoke_url: None,
        encoding: spec.encoding.unwrap_or(BodyEncoding::Form),
        client_auth: ClientAuth::Body,
        grant: spec.grant.unwrap_or(GrantKind::ClientCredentials),
        scope: spaced(&spec.scopes),
        extra: spec
            .org_id
            .clone()
            .map(|o| vec![("org_id".to_owned(), o)])
            .unwrap_or_default(),
        default_lifetime_s: 3600,
        max_lifetime_s: 86_400,
        token_lifetime_s: None,
        api_base,
        api_hosts: Vec::new(),
        forbidden_means_invalid_token: false,
    })
}
