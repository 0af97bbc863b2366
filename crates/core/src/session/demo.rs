//! Demo portal users for the development-only session route (several organizations and roles),
//! and the claims it signs for them.

use super::config::SessionConfig;
use crate::contract::stream::Role;

/// A portal user the development route can sign a session for. Each field holds the claim of its
/// name, unless its doc names another.
#[allow(missing_docs)] // the claims, as said above
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUser {
    /// The `sub` claim, and what the route is asked for.
    pub id: &'static str,
    pub email: &'static str,
    /// The `name` claim.
    pub full_name: &'static str,
    pub phone_number: &'static str,
    pub provider_org_id: &'static str,
    pub role: Role,
}

impl DemoUser {
    /// Every demo user: two of one organization, and two organizations of one user each.
    pub const ALL: &'static [DemoUser] = &[
        DemoUser {
            id: "sarah",
            email: "sarah.manager@restaurantchain.example",
            full_name: "Sarah Johnson",
            phone_number: "+1-555-123-4567",
            provider_org_id: "restaurant_chain_abc_123",
            role: Role::Manager,
        },
        DemoUser {
            id: "tony",
            email: "tony@tonyspizza.example",
            full_name: "Tony Russo",
            phone_number: "+1-555-987-6543",
            provider_org_id: "independent_tonys_pizza_main",
            role: Role::Owner,
        },
        DemoUser {
            id: "maria",
            email: "maria@mariascafe.example",
            full_name: "Maria Lopez",
            phone_number: "+44 20 7946 0958",
            provider_org_id: "marias_cafe_001",
            role: Role::TeamMember,
        },
        DemoUser {
            id: "casey",
            email: "casey@restaurantchain.example",
            full_name: "Casey Kim",
            phone_number: "+1-555-222-3333",
            provider_org_id: "restaurant_chain_abc_123",
            role: Role::Custom,
        },
    ];
}

/// The claims the development route signs for demo user `id`, valid `ttl_s` from `now_s`.
pub fn demo_claims(
    id: &str,
    config: &SessionConfig,
    now_s: u64,
    ttl_s: u64,
) -> Option<serde_json::Value> {
    let user = DemoUser::ALL.iter().find(|u| u.id == id)?;
    Some(serde_json::json!({
        "iss": config.issuer, "aud": config.audience, "iat": now_s, "nbf": now_s, "exp": now_s + ttl_s,
        "sub": user.id, "email": user.email, "name": user.full_name,
        "phone_number": user.phone_number, "provider_org_id": user.provider_org_id,
        "role": user.role,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_two_users_of_one_organization_and_one_user_of_two_others() {
        let ids: Vec<&str> = DemoUser::ALL.iter().map(|u| u.id).collect();
        assert_eq!(ids, ["sarah", "tony", "maria", "casey"]);
        let maria = &DemoUser::ALL[2];
        assert_eq!(
            (
                maria.email,
                maria.full_name,
                maria.phone_number,
                maria.provider_org_id
            ),
            (
                "maria@mariascafe.example",
                "Maria Lopez",
                "+44 20 7946 0958",
                "marias_cafe_001",
            )
        );
    }
}
