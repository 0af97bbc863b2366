//! Portal sessions: who is asking. The partner's portal backend signs a short-lived JWT for its
//! logged-in user; Gatehouse verifies it and takes identity, organization and role from it only
//! (docs/security.md item 11).
//!
//! Sans-IO: this module splits a compact JWS, pins the algorithm per key, and validates the
//! claims against the configuration and a clock passed in. The signature itself is checked by the
//! caller with the platform's WebCrypto over [`Unverified::signing_input`] — the worker does that,
//! then calls [`validate`].

use crate::contract::stream::{GenerateSessionRequest, Role};
use base64::Engine;
use serde::{Deserialize, Serialize};

/// Signature algorithms a deployment may accept (never `none`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Alg {
    /// HMAC with SHA-256 and the shared `SESSION_SECRET`.
    HS256,
    /// ECDSA P-256 with SHA-256, public key from `SESSION_JWKS`.
    ES256,
    /// RSASSA-PKCS1-v1_5 with SHA-256, public key from `SESSION_JWKS`.
    RS256,
}

impl Alg {
    /// Parses a JOSE `alg` name; `none` and everything else is refused.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "HS256" => Some(Self::HS256),
            "ES256" => Some(Self::ES256),
            "RS256" => Some(Self::RS256),
            _ => None,
        }
    }

    /// The JOSE name.
    pub fn name(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::ES256 => "ES256",
            Self::RS256 => "RS256",
        }
    }
}

/// How sessions are checked (from Worker vars; the keys themselves are handled by the worker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionConfig {
    /// Expected `iss`.
    pub issuer: String,
    /// Expected `aud` (one of the token's audiences).
    pub audience: String,
    /// Algorithms accepted at all (`SESSION_ALGORITHMS`); each key is further pinned to one.
    pub algorithms: Vec<Alg>,
    /// Clock leeway for `exp` and `nbf`, seconds.
    pub leeway_s: u64,
    /// Longest accepted remaining lifetime (`exp − now`), seconds: sessions are short-lived.
    pub max_ttl_s: u64,
}

impl SessionConfig {
    /// Reads the configuration from named values; the error names the missing or wrong one.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let need = |name: &str| get(name).ok_or_else(|| format!("var {name} is not set"));
        let algorithms = get("SESSION_ALGORITHMS")
            .unwrap_or_else(|| "HS256".into())
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                Alg::parse(s).ok_or_else(|| {
                    format!("SESSION_ALGORITHMS: {s:?} is not one of HS256, ES256, RS256")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if algorithms.is_empty() {
            return Err("SESSION_ALGORITHMS is empty".into());
        }
        let number = |name: &str, default: u64| -> Result<u64, String> {
            get(name).map_or(Ok(default), |v| {
                v.parse()
                    .map_err(|_| format!("var {name} is not a number of seconds"))
            })
        };
        Ok(Self {
            issuer: need("SESSION_ISSUER")?,
            audience: need("SESSION_AUDIENCE")?,
            algorithms,
            leeway_s: number("SESSION_LEEWAY_S", 30)?,
            max_ttl_s: number("SESSION_MAX_TTL_S", 3600)?,
        })
    }
}

/// Why a session token is refused. The client sees only [`SessionError::code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// Not a compact JWS with a JSON header and payload.
    #[error("not a compact JWS")]
    Malformed,
    /// The header's `alg` is not accepted (`none`, an unknown one, or not this key's).
    #[error("algorithm {0:?} is not accepted")]
    Algorithm(String),
    /// No configured key for this header (`kid`).
    #[error("no configured key matches")]
    UnknownKey,
    /// The header lists `crit` extensions; Gatehouse understands none, so it must refuse the
    /// token (RFC 7515 §4.1.11).
    #[error("critical header extensions are not understood")]
    CriticalHeader,
    /// The signature does not verify.
    #[error("bad signature")]
    Signature,
    /// `exp` has passed.
    #[error("expired")]
    Expired,
    /// `nbf` is in the future.
    #[error("not yet valid")]
    NotYetValid,
    /// `exp` is further ahead than `SESSION_MAX_TTL_S`.
    #[error("lifetime longer than allowed")]
    TooLong,
    /// `iss` is not the configured issuer.
    #[error("wrong issuer")]
    Issuer,
    /// `aud` does not include the configured audience.
    #[error("wrong audience")]
    Audience,
    /// A claim is missing or has the wrong form (named).
    #[error("claim {0} is missing or invalid")]
    Claim(&'static str),
}

impl SessionError {
    /// The stable API code: `session_expired` for an expired session (mint a new one), else
    /// `invalid_session`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Expired => "session_expired",
            _ => "invalid_session",
        }
    }
}

/// The JOSE header fields Gatehouse reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Header {
    /// The algorithm the token claims.
    pub alg: String,
    /// The key id: picks one of the *configured* JWKS keys, never a key from elsewhere.
    /// (`jku`, `x5u`, `jwk`, `x5c` are not read at all: no header can bring its own key.)
    #[serde(default)]
    pub kid: Option<String>,
    /// Critical extensions (RFC 7515 §4.1.11): present at all, the token is refused.
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

/// A split compact JWS whose signature has not been checked yet.
#[derive(Debug, Clone)]
pub struct Unverified<'a> {
    /// The parsed header.
    pub header: Header,
    /// `base64url(header) . base64url(payload)`: what the signature covers.
    pub signing_input: &'a str,
    /// The decoded signature (for ES256: raw `r || s`, as WebCrypto wants it).
    pub signature: Vec<u8>,
    payload: Vec<u8>,
}

fn b64(s: &str) -> Result<Vec<u8>, SessionError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| SessionError::Malformed)
}

/// Largest session token accepted (bytes).
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

/// Splits `token` into header, signing input and signature.
pub fn split(token: &str) -> Result<Unverified<'_>, SessionError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(SessionError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SessionError::Malformed);
    };
    let header: Header = serde_json::from_slice(&b64(h)?).map_err(|_| SessionError::Malformed)?;
    if header.crit.is_some() {
        return Err(SessionError::CriticalHeader);
    }
    let signature = b64(s)?;
    if signature.is_empty() {
        return Err(SessionError::Signature);
    }
    Ok(Unverified {
        header,
        signing_input: &token[..h.len() + 1 + p.len()],
        signature,
        payload: b64(p)?,
    })
}

impl Unverified<'_> {
    /// The algorithm to verify with: the header's, only if the deployment accepts it and the
    /// selected key is pinned to it (`key_alg`). This refuses `none` and HS/RS confusion.
    pub fn pinned_alg(&self, config: &SessionConfig, key_alg: Alg) -> Result<Alg, SessionError> {
        let alg = Alg::parse(&self.header.alg)
            .filter(|a| config.algorithms.contains(a) && *a == key_alg)
            .ok_or_else(|| SessionError::Algorithm(self.header.alg.chars().take(16).collect()))?;
        Ok(alg)
    }
}

/// `aud` may be a string or an array of strings.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

/// The claims a portal session carries.
#[derive(Debug, Clone, Deserialize)]
struct Claims {
    iss: Option<String>,
    aud: Option<Audience>,
    exp: Option<f64>,
    nbf: Option<f64>,
    sub: Option<String>,
    email: Option<String>,
    name: Option<String>,
    phone_number: Option<String>,
    provider_org_id: Option<String>,
    role: Option<String>,
    org_name: Option<String>,
    partner_id: Option<String>,
}

/// A verified portal user: the only source of identity, organization and role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The portal's user id (`sub`).
    pub user_id: String,
    /// `email`.
    pub email: String,
    /// `name`.
    pub full_name: String,
    /// `phone_number`.
    pub phone_number: String,
    /// `provider_org_id`: the partner's organization identifier.
    pub provider_org_id: String,
    /// `role`, one of Stream's five.
    pub role: Role,
    /// `exp`, Unix seconds.
    pub expires_at: u64,
    /// `org_name` (optional): the organization's display name, used when Gatehouse creates the
    /// Stream organization (the partner's dashboard shows it); the id when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_name: Option<String>,
    /// `partner_id` (optional): the Stream partner id this organization's SSO sessions are
    /// generated for; the deployment's `SSO_PARTNER_ID` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_id: Option<String>,
}

impl Session {
    /// What Stream's `generate-session` is sent for this user.
    pub fn generate_session_request(&self) -> GenerateSessionRequest {
        GenerateSessionRequest {
            email: self.email.clone(),
            full_name: self.full_name.clone(),
            phone_number: self.phone_number.clone(),
            role: Some(self.role.clone()),
            provider_org_id: Some(self.provider_org_id.clone()),
        }
    }
}

/// Validates the claims of a token whose signature the caller has verified.
pub fn validate(
    token: &Unverified<'_>,
    config: &SessionConfig,
    now_s: u64,
) -> Result<Session, SessionError> {
    let c: Claims = serde_json::from_slice(&token.payload).map_err(|_| SessionError::Malformed)?;
    let now = now_s as f64;
    let leeway = config.leeway_s as f64;
    let exp = c
        .exp
        .filter(|e| e.is_finite())
        .ok_or(SessionError::Claim("exp"))?;
    if exp + leeway <= now {
        return Err(SessionError::Expired);
    }
    if exp - now > config.max_ttl_s as f64 + leeway {
        return Err(SessionError::TooLong);
    }
    if let Some(nbf) = c.nbf {
        if !nbf.is_finite() || nbf - leeway > now {
            return Err(SessionError::NotYetValid);
        }
    }
    if c.iss.as_deref() != Some(config.issuer.as_str()) {
        return Err(SessionError::Issuer);
    }
    let aud_ok = match &c.aud {
        Some(Audience::One(a)) => *a == config.audience,
        Some(Audience::Many(list)) => list.contains(&config.audience),
        None => false,
    };
    if !aud_ok {
        return Err(SessionError::Audience);
    }
    let user_id = c
        .sub
        .filter(|s| valid_id(s))
        .ok_or(SessionError::Claim("sub"))?;
    let email = c
        .email
        .filter(|s| valid_email(s))
        .ok_or(SessionError::Claim("email"))?;
    let full_name = c
        .name
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty() && s.len() <= 200 && !s.chars().any(char::is_control))
        .ok_or(SessionError::Claim("name"))?;
    let phone_number = c
        .phone_number
        .filter(|s| valid_phone(s))
        .ok_or(SessionError::Claim("phone_number"))?;
    let provider_org_id = c
        .provider_org_id
        .filter(|s| valid_id(s))
        .ok_or(SessionError::Claim("provider_org_id"))?;
    let role = c
        .role
        .map(Role::from)
        .filter(|r| !matches!(r, Role::Other(_)))
        .ok_or(SessionError::Claim("role"))?;
    // Optional claims are checked like the rest: present and malformed refuses the session.
    let org_name = match c.org_name {
        None => None,
        Some(n) if valid_display_name(&n) => Some(n.trim().to_owned()),
        Some(_) => return Err(SessionError::Claim("org_name")),
    };
    let partner_id = match c.partner_id {
        None => None,
        Some(p) if valid_id(&p) => Some(p),
        Some(_) => return Err(SessionError::Claim("partner_id")),
    };
    Ok(Session {
        user_id,
        email,
        full_name,
        phone_number,
        provider_org_id,
        role,
        expires_at: exp as u64,
        org_name,
        partner_id,
    })
}

/// A display name: 1–128 characters after trimming, no control characters.
pub fn valid_display_name(s: &str) -> bool {
    let t = s.trim();
    (1..=128).contains(&t.chars().count()) && !t.chars().any(char::is_control)
}

pub use crate::ids::valid_id;

/// A plain `local@domain.tld` address, at most 254 characters, no spaces or controls.
pub fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && s.chars().all(|c| c.is_ascii_graphic())
}

/// A phone number as people write it (`+1-555-123-4567`, `+44 20 7946 0958`): an optional
/// leading `+`, digits with spaces, dashes, dots or parentheses between them, 7–15 digits.
pub fn valid_phone(s: &str) -> bool {
    let body = s.strip_prefix('+').unwrap_or(s);
    let digits = body.bytes().filter(u8::is_ascii_digit).count();
    (7..=15).contains(&digits)
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || b" -.()".contains(&b))
        && body
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'(')
}

/// Which roles may open the white-label dashboard (`SSO_ALLOWED_ROLES`, comma-separated; default
/// all five). A role outside the list gets `403 forbidden_role`.
pub fn allowed_roles(var: Option<&str>) -> Vec<Role> {
    match var {
        Some(v) if !v.trim().is_empty() => v
            .split(',')
            .map(|s| Role::from(s.trim()))
            .filter(|r| !matches!(r, Role::Other(_)))
            .collect(),
        _ => Role::KNOWN.to_vec(),
    }
}

/// Identity fields a caller put in an SSO request body. They are never used; if one differs from
/// the verified session the request is refused (a user of org A asking for org B, or for a
/// higher role).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ClaimedIdentity {
    /// A `provider_org_id` in the body.
    pub provider_org_id: Option<String>,
    /// A `role` in the body.
    pub role: Option<String>,
    /// An `email` in the body.
    pub email: Option<String>,
    /// A user id in the body.
    pub user_id: Option<String>,
}

/// What a body's identity claim asked for, if it differs from the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    /// Another organization.
    Org,
    /// Another role.
    Role,
    /// Another user.
    User,
}

impl ClaimedIdentity {
    /// Compares with the verified session.
    pub fn mismatch(&self, s: &Session) -> Option<Mismatch> {
        if self
            .provider_org_id
            .as_ref()
            .is_some_and(|o| *o != s.provider_org_id)
        {
            return Some(Mismatch::Org);
        }
        if self
            .role
            .as_ref()
            .is_some_and(|r| Role::from(r.as_str()) != s.role)
        {
            return Some(Mismatch::Role);
        }
        if self.email.as_ref().is_some_and(|e| *e != s.email)
            || self.user_id.as_ref().is_some_and(|u| *u != s.user_id)
        {
            return Some(Mismatch::User);
        }
        None
    }
}

/// Demo portal users for the development-only session route: several orgs and roles.
pub const DEMO_USERS: &[(&str, &str, &str, &str, &str, Role)] = &[
    // (user id, email, name, phone, provider_org_id, role)
    (
        "sarah",
        "sarah.manager@restaurantchain.example",
        "Sarah Johnson",
        "+1-555-123-4567",
        "restaurant_chain_abc_123",
        Role::Manager,
    ),
    (
        "tony",
        "tony@tonyspizza.example",
        "Tony Russo",
        "+1-555-987-6543",
        "independent_tonys_pizza_main",
        Role::Owner,
    ),
    (
        "maria",
        "maria@mariascafe.example",
        "Maria Lopez",
        "+44 20 7946 0958",
        "marias_cafe_001",
        Role::TeamMember,
    ),
    (
        "casey",
        "casey@restaurantchain.example",
        "Casey Kim",
        "+1-555-222-3333",
        "restaurant_chain_abc_123",
        Role::Custom,
    ),
];

/// The claims the development route signs for demo user `id`, valid `ttl_s` from `now_s`.
pub fn demo_claims(
    id: &str,
    config: &SessionConfig,
    now_s: u64,
    ttl_s: u64,
) -> Option<serde_json::Value> {
    let (sub, email, name, phone, org, role) = DEMO_USERS.iter().find(|u| u.0 == id)?;
    Some(serde_json::json!({
        "iss": config.issuer, "aud": config.audience, "iat": now_s, "nbf": now_s, "exp": now_s + ttl_s,
        "sub": sub, "email": email, "name": name, "phone_number": phone,
        "provider_org_id": org, "role": role,
    }))
}

/// `base64url(header) . base64url(claims)` for a token to be signed with `alg`.
pub fn signing_input(alg: Alg, claims: &serde_json::Value) -> String {
    let e = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let header = serde_json::json!({"alg": alg.name(), "typ": "JWT"}).to_string();
    format!(
        "{}.{}",
        e(header.as_bytes()),
        e(claims.to_string().as_bytes())
    )
}

/// Appends the signature to a signing input.
pub fn compact(signing_input: &str, signature: &[u8]) -> String {
    format!(
        "{signing_input}.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(signature)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_body_cannot_change_org_role_or_user() {
        let s = validate(&split(&token(HS, claims(NOW))).unwrap(), &cfg(), NOW).unwrap();
        let ask = |org: Option<&str>, role: Option<&str>| ClaimedIdentity {
            provider_org_id: org.map(Into::into),
            role: role.map(Into::into),
            ..Default::default()
        };
        assert_eq!(
            ask(Some("independent_tonys_pizza_main"), None).mismatch(&s),
            Some(Mismatch::Org)
        );
        assert_eq!(ask(None, Some("owner")).mismatch(&s), Some(Mismatch::Role));
        assert_eq!(
            ask(Some("restaurant_chain_abc_123"), Some("manager")).mismatch(&s),
            None
        );
        let other = ClaimedIdentity {
            email: Some("x@y.example".into()),
            ..Default::default()
        };
        assert_eq!(other.mismatch(&s), Some(Mismatch::User));
    }

    #[test]
    fn configuration_names_what_is_wrong() {
        let vars = |extra: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                [("SESSION_ISSUER", "i"), ("SESSION_AUDIENCE", "a")]
                    .iter()
                    .chain(extra)
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(
            SessionConfig::from_vars(vars(&[])).unwrap().algorithms,
            vec![Alg::HS256]
        );
        let e =
            SessionConfig::from_vars(vars(&[("SESSION_ALGORITHMS", "HS256,none")])).unwrap_err();
        assert!(e.contains("\"none\""), "{e}");
        let e =
            SessionConfig::from_vars(|k| (k == "SESSION_ISSUER").then(|| "i".into())).unwrap_err();
        assert!(e.contains("SESSION_AUDIENCE"), "{e}");
        assert_eq!(
            allowed_roles(Some("owner, admin")),
            vec![Role::Owner, Role::Admin]
        );
        assert_eq!(allowed_roles(None).len(), 5);
    }
}
