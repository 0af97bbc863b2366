//! Stream's partner tokens: listing, creating and renaming them, and the checks an operator's
//! request passes before it goes to Stream.

use super::values::Scope;
use serde::{Deserialize, Serialize};

/// `getPartnerTokens` query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPartnerTokensQuery {
    /// The organization whose tokens to list.
    pub org_id: String,
}

/// `createPartnerToken` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreatePartnerTokenRequest {
    /// The organization the token acts for.
    pub org_id: String,
    /// A display name.
    pub token_name: String,
    /// The permissions of the token.
    pub scopes: Vec<Scope>,
}

/// `renamePartnerToken` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenamePartnerTokenRequest {
    /// The new display name.
    pub token_name: String,
}

/// Why an operator's partner-token request is refused (stable codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PartnerTokenInputError {
    /// `org_id` or a token id is not an id.
    #[error("invalid_id")]
    Id,
    /// `token_name` is empty, over 100 characters, or has control characters.
    #[error("invalid_token_name")]
    Name,
    /// `scopes` is empty or names a scope the document does not list.
    #[error("invalid_scopes")]
    Scopes,
}

fn valid_token_name(name: &str) -> bool {
    let t = name.trim();
    (1..=100).contains(&t.chars().count()) && !t.chars().any(char::is_control)
}

impl CreatePartnerTokenRequest {
    /// Checks an operator's request before it goes to Stream: an id, a plain name, and scopes
    /// from the documented enum (`user`, `onboarding`, `legacy_onboarding`, `sso`).
    pub fn validate(&self) -> Result<(), PartnerTokenInputError> {
        if !crate::ids::valid_id(&self.org_id) {
            return Err(PartnerTokenInputError::Id);
        }
        if !valid_token_name(&self.token_name) {
            return Err(PartnerTokenInputError::Name);
        }
        if self.scopes.is_empty() || self.scopes.iter().any(|s| !s.is_known()) {
            return Err(PartnerTokenInputError::Scopes);
        }
        Ok(())
    }
}

impl RenamePartnerTokenRequest {
    /// Checks the new name.
    pub fn validate(&self) -> Result<(), PartnerTokenInputError> {
        if valid_token_name(&self.token_name) {
            Ok(())
        } else {
            Err(PartnerTokenInputError::Name)
        }
    }
}

/// A partner token as listed, created or renamed. `token` (the secret value) is only present
/// in the answer to `createPartnerToken`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerToken {
    /// Token id (`token_id` in the paths).
    #[serde(rename = "_id")]
    pub id: String,
    /// The organization the token acts for.
    pub org_id: String,
    /// Display name.
    pub token_name: String,
    /// Permissions.
    pub scopes: Vec<Scope>,
    /// Creation time, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// The secret token value, shown once on creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}
redacted_debug!(PartnerToken { id, org_id, token_name, scopes, created_at } secret { token });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_token_requests_are_checked() {
        let ok = CreatePartnerTokenRequest {
            org_id: "org_1".into(),
            token_name: "POS sync".into(),
            scopes: vec![Scope::User, Scope::LegacyOnboarding],
        };
        assert_eq!(ok.validate(), Ok(()));
        let with = |f: &dyn Fn(&mut CreatePartnerTokenRequest)| {
            let mut r = ok.clone();
            f(&mut r);
            r.validate()
        };
        assert_eq!(
            with(&|r| r.org_id = "a/b".into()),
            Err(PartnerTokenInputError::Id)
        );
        assert_eq!(
            with(&|r| r.token_name = " ".into()),
            Err(PartnerTokenInputError::Name)
        );
        assert_eq!(
            with(&|r| r.token_name = "x".repeat(101)),
            Err(PartnerTokenInputError::Name)
        );
        assert_eq!(
            with(&|r| r.scopes = vec![]),
            Err(PartnerTokenInputError::Scopes)
        );
        assert_eq!(
            with(&|r| r.scopes = vec![Scope::from("admin")]),
            Err(PartnerTokenInputError::Scopes)
        );
        assert!(RenamePartnerTokenRequest {
            token_name: "a\nb".into()
        }
        .validate()
        .is_err());
    }

    #[test]
    fn the_value_of_a_partner_token_is_masked() {
        let t = PartnerToken {
            id: "ptk_1".into(),
            org_id: "org_1".into(),
            token_name: "n".into(),
            scopes: vec![Scope::User],
            created_at: None,
            token: Some("very-secret-token".into()),
        };
        assert!(!format!("{t:?}").contains("very-secret-token"));
        let listed = PartnerToken { token: None, ..t };
        assert!(format!("{listed:?}").contains("token: None"));
    }
}
