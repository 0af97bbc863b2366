//! The claims of a token whose signature has been verified: time, issuer and audience against
//! the configuration, identity fields against the input rules ([`crate::validate`]).

use super::config::SessionConfig;
use super::error::SessionError;
use super::jws::Unverified;
use crate::contract::stream::{GenerateSessionRequest, Role};
use crate::validate::{valid_display_name, valid_email, valid_full_name, valid_id, valid_phone};
use serde::{Deserialize, Serialize};

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

/// A verified portal user: the only source of identity, organization and role. Each field holds
/// the claim of its name, unless its doc names another.
#[allow(missing_docs)] // the claims, as said above
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The portal's user id (`sub`).
    pub user_id: String,
    pub email: String,
    /// `name`.
    pub full_name: String,
    pub phone_number: String,
    /// The partner's organization identifier.
    pub provider_org_id: String,
    /// One of Stream's five.
    pub role: Role,
    /// `exp`, Unix seconds.
    pub expires_at: u64,
    /// Optional: the organization's display name, used when Gatehouse creates the Stream
    /// organization (the partner's dashboard shows it); the id when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_name: Option<String>,
    /// Optional: the Stream partner id this organization's SSO sessions are generated for; the
    /// deployment's `SSO_PARTNER_ID` when absent.
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
        .filter(|s| valid_full_name(s))
        .map(|s| s.trim().to_owned())
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
