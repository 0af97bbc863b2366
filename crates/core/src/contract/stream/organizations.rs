//! Stream's organizations: creating one with its first user, and listing its locations.

use super::values::Role;
use serde::{Deserialize, Serialize};

/// The first user of a new organization (CreateUserOrgUser).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateUserOrgUser {
    /// Email address.
    pub email: String,
    /// Full name.
    pub full_name: String,
    /// Phone number.
    pub phone_number: String,
    /// Role within the new organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
}

/// "Create organization" request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrganizationRequest {
    /// Organization name.
    pub name: String,
    /// The partner's own id for this organization.
    pub provider_id: String,
    /// Its first user.
    pub user: CreateUserOrgUser,
}

/// "Create organization" response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrganizationResponse {
    /// The new organization.
    pub org_id: String,
    /// Its first user.
    pub user_id: String,
}

/// "List organization locations" query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationLocationsQuery {
    /// Only this location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_request_shape() {
        let req: CreateOrganizationRequest = serde_json::from_str(
            r#"{"name":"Tony's","provider_id":"tonys_pizza_main","user":{"email":"t@x.io","full_name":"Tony","phone_number":"+1 555 123 4567","role":"owner"}}"#,
        )
        .unwrap();
        assert_eq!(req.user.role, Some(Role::Owner));
    }
}
