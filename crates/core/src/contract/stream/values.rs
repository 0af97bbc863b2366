//! Stream's documented string values: scopes, roles, integration types and onboarding statuses.
//! A value a later version of the API adds is kept in `Other`, not refused.

open_enum! {
    /// A permission a Stream token can carry (`scopes` items).
    pub enum Scope {
        /// `user`: partner tokens.
        User = "user",
        /// `onboarding`: onboarding integrations, locations and organizations.
        Onboarding = "onboarding",
        /// `legacy_onboarding`: the older onboarding permission, accepted where `onboarding` is.
        LegacyOnboarding = "legacy_onboarding",
        /// `sso`: white-label single sign-on sessions.
        Sso = "sso",
    }
}

open_enum! {
    /// A white-label user's role within the organization.
    pub enum Role {
        /// `owner`: full administrative access to all organization features.
        Owner = "owner",
        /// `admin`: administrative access with some restrictions.
        Admin = "admin",
        /// `manager`: management access to specific locations or functions.
        Manager = "manager",
        /// `team_member`: basic operational access.
        TeamMember = "team_member",
        /// `custom`: custom role with specific permissions.
        Custom = "custom",
    }
}

open_enum! {
    /// The kind of platform an onboarding integration or a location belongs to.
    pub enum IntegrationType {
        /// `pos`: a point-of-sale system.
        Pos = "pos",
        /// `dsp`: a delivery service provider.
        Dsp = "dsp",
    }
}

open_enum! {
    /// The state of an onboarding integration.
    pub enum OnboardingStatus {
        /// `pending`: initialised, waiting for the merchant's consent and `complete`.
        Pending = "pending",
        /// `active`: completed; locations are provisioned.
        Active = "active",
        /// `revoked`: access revoked and the integration deprovisioned.
        Revoked = "revoked",
        /// `failed`: the flow ended without an integration (e.g. consent denied).
        Failed = "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};
    fn round_trip<T>(known: &[T], unknown: T)
    where
        T: Serialize
            + for<'de> Deserialize<'de>
            + PartialEq
            + core::fmt::Debug
            + core::fmt::Display,
    {
        for value in known {
            let wire = serde_json::to_string(value).unwrap();
            assert_eq!(wire, format!("\"{value}\""));
            assert_eq!(wire, wire.to_lowercase());
            assert_eq!(&serde_json::from_str::<T>(&wire).unwrap(), value);
        }
        let wire = serde_json::to_string(&unknown).unwrap();
        assert_eq!(serde_json::from_str::<T>(&wire).unwrap(), unknown);
    }

    #[test]
    fn enums_round_trip_known_values_as_lowercase_strings_and_keep_unknown_ones() {
        round_trip(Scope::KNOWN, Scope::Other("billing".into()));
        round_trip(Role::KNOWN, Role::Other("Owner".into()));
        round_trip(
            IntegrationType::KNOWN,
            IntegrationType::Other("kiosk".into()),
        );
        round_trip(
            OnboardingStatus::KNOWN,
            OnboardingStatus::Other("suspended".into()),
        );
        assert_eq!(Scope::KNOWN.len(), 4);
        assert_eq!(Role::KNOWN.len(), 5);
        assert_eq!(Role::from("team_member"), Role::TeamMember);
        assert_eq!(Scope::from("legacy_onboarding"), Scope::LegacyOnboarding);
        // Case matters: the documents spell the values in lowercase.
        assert_eq!(Role::from("OWNER"), Role::Other("OWNER".into()));
        assert_eq!(
            serde_json::to_string(&OnboardingStatus::Active).unwrap(),
            "\"active\""
        );
    }
}
