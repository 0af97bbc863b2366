//! A connection's fields — what each fills and how it is entered — and the values a merchant
//! typed into them, checked field by field before any partner sees them. Every problem is
//! reported at once, each on its field, with a stable code a form can show beside the input.

use crate::secret::FieldSecret;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which part of the credential a field fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// The OAuth client id.
    ClientId,
    /// The OAuth client secret.
    ClientSecret,
    /// The service account (password grant).
    Username,
    /// The service account's password.
    Password,
    /// A tenant that goes into the token URL (a Keycloak realm).
    Tenant,
    /// An organisation code (PowerEPOS's `org_id`).
    OrgId,
}

impl Target {
    /// The key of a `CREDENTIALS` entry it fills.
    pub fn key(self) -> &'static str {
        match self {
            Self::ClientId => "client_id",
            Self::ClientSecret => "client_secret",
            Self::Username => "username",
            Self::Password => "password",
            Self::Tenant => "tenant",
            Self::OrgId => "org_id",
        }
    }

    /// Secret targets are typed as passwords, sealed at rest and never shown again.
    pub fn kind(self) -> FieldKind {
        match self {
            Self::ClientSecret | Self::Password => FieldKind::Secret,
            _ => FieldKind::Text,
        }
    }
}

/// How a field is entered and kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub enum FieldKind {
    /// Shown back to the organization (an organisation code, a client id).
    Text,
    /// Entered once (`type=password`), sealed, never shown again.
    Secret,
}

/// One field the merchant supplies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Its name in a request body (`org_id`, `password`, ...).
    pub name: String,
    /// The form's label.
    pub label: String,
    /// One line of help under it.
    #[serde(default)]
    pub help: String,
    /// What it fills.
    pub target: Target,
}

impl Field {
    /// How it is entered and kept.
    pub fn kind(&self) -> FieldKind {
        self.target.kind()
    }
}

/// Longest text value (client ids and service accounts are far shorter).
const MAX_TEXT: usize = 256;
/// Longest secret value.
const MAX_SECRET: usize = 1024;

/// One field's problem.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct FieldProblem {
    /// The field's name (`org_id`, `password`, ...).
    pub field: String,
    /// `required`, `invalid`, `too_long`, `unknown_field`, or the partner's refusal
    /// (`invalid_credentials`, `invalid_tenant`).
    pub code: String,
    /// A sentence for the form.
    pub message: String,
}

impl FieldProblem {
    /// A problem of `field`.
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// A connection's field values: the text ones shown back, the secret ones never.
#[derive(Debug, Clone, Default)]
pub struct FieldValues {
    text: BTreeMap<String, String>,
    /// By field name, in the template's order (a handful: a list, not a map).
    secrets: Vec<(String, FieldSecret)>,
}

impl FieldValues {
    /// Checks what a merchant sent against the template's `fields`: every field present and
    /// well-formed, nothing else. Text is trimmed (pasted codes carry spaces); secrets are kept
    /// exactly as typed.
    pub fn check(
        fields: &[Field],
        sent: BTreeMap<String, String>,
    ) -> Result<Self, Vec<FieldProblem>> {
        let mut problems: Vec<FieldProblem> = sent
            .keys()
            .filter(|k| !fields.iter().any(|f| &f.name == *k))
            .map(|k| FieldProblem::new(k, "unknown_field", "This template has no such field."))
            .collect();
        let mut out = Self::default();
        for f in fields {
            let raw = sent.get(&f.name).map(String::as_str).unwrap_or_default();
            let value = match f.kind() {
                FieldKind::Text => raw.trim(),
                FieldKind::Secret => raw,
            };
            match problem(f, value) {
                Some(p) => problems.push(p),
                None if f.kind() == FieldKind::Secret => {
                    out.secrets.push((f.name.clone(), FieldSecret::new(value)));
                }
                None => {
                    out.text.insert(f.name.clone(), value.to_owned());
                }
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    }

    /// Values that pass every field's rule, for checking a template's fixed parts.
    pub fn placeholders(fields: &[Field]) -> Self {
        let mut out = Self::default();
        for f in fields {
            if f.kind() == FieldKind::Secret {
                out.secrets
                    .push((f.name.clone(), FieldSecret::new("example")));
            } else {
                out.text.insert(f.name.clone(), "example".into());
            }
        }
        out
    }

    /// A text field's value.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.text.get(name).map(String::as_str)
    }

    /// A secret field's value.
    pub fn secret(&self, name: &str) -> Option<&FieldSecret> {
        self.secrets.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The text values (what a connection's view shows).
    pub fn shown(&self) -> &BTreeMap<String, String> {
        &self.text
    }

    /// Rebuilds the values from what was stored (the text ones in clear, the secret ones
    /// unsealed by the caller).
    pub fn from_parts(text: BTreeMap<String, String>, secrets: &BTreeMap<String, String>) -> Self {
        let mut out = Self {
            text,
            secrets: Vec::with_capacity(secrets.len()),
        };
        // Inserted one by one: `collect` into a map sorts first, which costs the worker's wasm
        // a sort per item type.
        for (k, v) in secrets {
            out.secrets.push((k.clone(), FieldSecret::new(v.as_str())));
        }
        out
    }

    /// The secret values in clear, for sealing as a whole (`name → value`).
    pub fn secrets_to_seal(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (k, v) in &self.secrets {
            out.insert(k.clone(), v.expose().to_owned());
        }
        out
    }
}

/// The first rule `value` breaks for field `f`, if any.
fn problem(f: &Field, value: &str) -> Option<FieldProblem> {
    let name = &f.name;
    if value.is_empty() {
        return Some(FieldProblem::new(
            name,
            "required",
            format!("{} is required.", f.label),
        ));
    }
    let max = match f.kind() {
        FieldKind::Text => MAX_TEXT,
        FieldKind::Secret => MAX_SECRET,
    };
    if value.len() > max {
        return Some(FieldProblem::new(
            name,
            "too_long",
            format!("{} is longer than {max} characters.", f.label),
        ));
    }
    if value.chars().any(char::is_control) {
        return Some(FieldProblem::new(
            name,
            "invalid",
            format!("{} contains a control character.", f.label),
        ));
    }
    // Tenants and organisation codes go into URLs and token requests as they are.
    let url_part = matches!(f.target, Target::Tenant | Target::OrgId);
    if url_part && !crate::tokens::valid_name(value) {
        return Some(FieldProblem::new(
            name,
            "invalid",
            format!("{} is letters, digits, `-` and `_` only.", f.label),
        ));
    }
    None
}
