//! Which roles may do what with onboardings (the documented policy).

use crate::contract::stream::Role;

/// What a role may do with onboardings (the documented policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read status and locations.
    Read,
    /// Start an onboarding, ingest POS locations, bind DSP locations.
    Manage,
    /// Revoke an integration.
    Revoke,
    /// Create or delete a connection (a merchant's own partner credentials).
    Connect,
}

/// `owner`, `admin`: everything; `manager`: read and manage; `team_member`, `custom`: read.
pub fn may(role: &Role, action: Action) -> bool {
    match action {
        Action::Read => true,
        Action::Manage => matches!(role, Role::Owner | Role::Admin | Role::Manager),
        Action::Revoke | Action::Connect => matches!(role, Role::Owner | Role::Admin),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert!(may(&Role::Manager, Action::Manage));
        assert!(!may(&Role::Manager, Action::Revoke));
        assert!(may(&Role::Admin, Action::Connect));
        assert!(!may(&Role::Manager, Action::Connect));
        assert!(!may(&Role::TeamMember, Action::Connect));
        assert!(!may(&Role::TeamMember, Action::Manage));
        assert!(may(&Role::Custom, Action::Read));
    }
}
