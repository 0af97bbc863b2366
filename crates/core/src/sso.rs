//! White-label SSO policy (seed 001): which roles may open the dashboard, and the identity a
//! request body may name, which must be the verified session's own.

use crate::contract::stream::Role;
use crate::session::claims::Session;
use serde::Deserialize;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn sarah() -> Session {
        Session {
            user_id: "sarah".into(),
            email: "sarah.manager@restaurantchain.example".into(),
            full_name: "Sarah Johnson".into(),
            phone_number: "+1-555-123-4567".into(),
            provider_org_id: "restaurant_chain_abc_123".into(),
            role: Role::Manager,
            expires_at: 1_800_000_600,
            org_name: None,
            partner_id: None,
        }
    }

    #[test]
    fn a_body_cannot_change_org_role_or_user() {
        let s = sarah();
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
        let other = ClaimedIdentity {
            user_id: Some("tony".into()),
            ..Default::default()
        };
        assert_eq!(other.mismatch(&s), Some(Mismatch::User));
    }

    #[test]
    fn allowed_roles_default_to_all_five() {
        assert_eq!(
            allowed_roles(Some("owner, admin")),
            vec![Role::Owner, Role::Admin]
        );
        assert_eq!(allowed_roles(Some("owner, superuser")), vec![Role::Owner]);
        assert_eq!(allowed_roles(None).len(), 5);
        assert_eq!(allowed_roles(Some("  ")).len(), 5);
    }
}
