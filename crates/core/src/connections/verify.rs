//! A connection is verified before it is saved: the worker makes the real grant with the
//! merchant's values, and a refusal is explained here, on the fields the partner's answer points
//! at, with a stable code. Nothing is stored after a refusal.
//!
//! What each partner's refusal can say: a password grant's `invalid_grant` covers the whole
//! identity (PowerEPOS answers one `invalid_grant` for a wrong organisation code, service account
//! or password, seed 004), `invalid_client` (or a bare 401) the client's pair, and a Keycloak
//! realm that does not exist answers 404 (Streamdiver's tenant, seed 003).

use super::fields::Target;
use super::template::Template;
use crate::errors::ErrorCode;
use crate::tokens::classify::FailureClass;
use crate::tokens::TokenError;
use serde::Serialize;

/// Why the verification grant did not give a token, for the merchant's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// `invalid_credentials`, `invalid_tenant`, `partner_unavailable` or `misconfigured`.
    pub code: ErrorCode,
    /// The fields the partner's answer points at (the form marks them).
    pub fields: Vec<String>,
    /// Whether trying again later may work (the partner is failing, not the values).
    pub retryable: bool,
}

/// Explains a refused verification: `error` is the token endpoint's answer (none for a
/// timeout or a connection failure), `class` its classification.
pub fn refusal(template: &Template, error: Option<&TokenError>, class: FailureClass) -> Refusal {
    let merchant = |targets: &[Target]| -> Vec<String> {
        template
            .fields
            .iter()
            .filter(|f| targets.contains(&f.target))
            .map(|f| f.name.clone())
            .collect()
    };
    let refused = |code, fields| Refusal {
        code,
        fields,
        retryable: false,
    };
    if let FailureClass::Retryable { .. } = class {
        return Refusal {
            code: ErrorCode::PartnerUnavailable,
            fields: Vec::new(),
            retryable: true,
        };
    }
    let client = merchant(&[Target::ClientId, Target::ClientSecret]);
    match error {
        Some(TokenError::OAuth { error, .. }) if error == "invalid_grant" => {
            let identity = merchant(&[Target::OrgId, Target::Username, Target::Password]);
            let fields = if identity.is_empty() {
                client
            } else {
                identity
            };
            refused(ErrorCode::InvalidCredentials, fields)
        }
        Some(TokenError::OAuth { error, .. })
            if error == "invalid_client" && !client.is_empty() =>
        {
            refused(ErrorCode::InvalidCredentials, client)
        }
        Some(TokenError::Http { status: 401 }) if !client.is_empty() => {
            refused(ErrorCode::InvalidCredentials, client)
        }
        Some(TokenError::Http { status: 404 } | TokenError::OAuth { status: 404, .. }) => {
            match merchant(&[Target::Tenant]) {
                tenant if !tenant.is_empty() => refused(ErrorCode::InvalidTenant, tenant),
                _ => refused(ErrorCode::Misconfigured, Vec::new()),
            }
        }
        // The platform's own part is wrong (its client for PowerEPOS, a template's URL): not
        // something the merchant can fix.
        _ => refused(ErrorCode::Misconfigured, Vec::new()),
    }
}
