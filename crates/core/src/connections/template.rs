//! Connection templates (`CONNECTION_TEMPLATES`, a JSON object keyed by template id): a
//! `CREDENTIALS`-style entry with the merchant's parts left out, a `label`, and for `custom`
//! providers the `fields` to ask for. The three merchant-credential providers have preset fields
//! (from their seed documents):
//!
//! - `powerepos` (seed 004): Organisation Code, service account ID and password; the platform's
//!   own client id and secret are fixed in the template (PowerEPOS issues them to the partner);
//! - `omniretain` (seed 002): the company's application's client id and secret, and its API
//!   user and password (only the client's two with `"grant": "client_credentials"`);
//! - `streamdiver` (seed 003): tenant shortcode, client id, client secret.
//!
//! Stream is the platform's own credential (`CREDENTIALS`), never a merchant's.

use super::fields::{Field, FieldKind, FieldValues, Target};
use crate::tokens::profile::{self, ConfigError, Credential, GrantKind, ProviderKind};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A secret the merchant typed is read through this name (`field:<name>`): a Worker secret's
/// name cannot contain `:`, so the two never mix.
const FIELD_SECRET: &str = "field:";

fn field(target: Target, label: &str, help: &str) -> Field {
    Field {
        name: target.key().into(),
        label: label.into(),
        help: help.into(),
        target,
    }
}

/// One template, checked.
#[derive(Debug, Clone)]
pub struct Template {
    /// Its id (what `POST /api/connections` names).
    pub id: String,
    /// What the form calls it.
    pub label: String,
    /// Its provider.
    pub provider: ProviderKind,
    /// What the merchant supplies, in the form's order.
    pub fields: Vec<Field>,
    /// The fixed parts: a `CREDENTIALS` entry without the merchant's values.
    fixed: Map<String, Value>,
}

/// What a browser may see of a template: enough to draw its form, none of the fixed parts.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TemplateView {
    /// The template's id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// Its provider.
    pub provider: String,
    /// The form's fields.
    pub fields: Vec<FieldView>,
}

/// One field of a [`TemplateView`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct FieldView {
    /// Its name in the request body.
    pub name: String,
    /// Its label.
    pub label: String,
    /// Its help line.
    pub help: String,
    /// `text` or `secret`.
    #[cfg_attr(feature = "ts", ts(type = "FieldKind"))]
    pub kind: FieldKind,
}

/// Why a template cannot be used (named, so `make check-config` and the operator's error say
/// which one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("connection template `{id}`: {problem}")]
pub struct TemplateError {
    /// The template's id (empty when the whole value is unreadable).
    pub id: String,
    /// What is wrong.
    pub problem: String,
}

/// Every template of a deployment, each loaded on its own (one bad template does not take the
/// others down).
#[derive(Debug, Clone, Default)]
pub struct Templates(pub Vec<Result<Template, TemplateError>>);

impl Templates {
    /// Reads `CONNECTION_TEMPLATES`; only a value that is not a JSON object fails as a whole.
    pub fn parse(json: &str) -> Result<Self, TemplateError> {
        let all: Map<String, Value> =
            serde_json::from_slice(json.as_bytes()).map_err(|e| TemplateError {
                id: String::new(),
                problem: format!("CONNECTION_TEMPLATES is not a JSON object: {e}"),
            })?;
        Ok(Self(
            all.into_iter()
                .map(|(id, v)| Template::from_entry(&id, v))
                .collect(),
        ))
    }

    /// The template `id`: `None` when there is none, its problem when it does not load.
    pub fn get(&self, id: &str) -> Option<Result<&Template, &TemplateError>> {
        self.0.iter().find_map(|t| match t {
            Ok(t) if t.id == id => Some(Ok(t)),
            Err(e) if e.id == id => Some(Err(e)),
            _ => None,
        })
    }
}

impl Template {
    /// One entry of `CONNECTION_TEMPLATES`.
    pub fn from_entry(id: &str, value: Value) -> Result<Self, TemplateError> {
        let bad = |problem: String| TemplateError {
            id: id.into(),
            problem,
        };
        if !crate::tokens::valid_name(id) {
            return Err(bad(
                "ids are 1-64 characters of letters, digits, `-` and `_`".into(),
            ));
        }
        let Value::Object(mut fixed) = value else {
            return Err(bad("a template is a JSON object".into()));
        };
        let label = match fixed.remove("label") {
            Some(Value::String(l)) if !l.trim().is_empty() => l,
            _ => return Err(bad("`label` (the form's name for it) is required".into())),
        };
        let provider: ProviderKind = fixed
            .get("provider")
            .cloned()
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| bad(format!("provider: {e}")))?
            .ok_or_else(|| bad("`provider` is required".into()))?;
        let declared: Option<Vec<Field>> = fixed
            .remove("fields")
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| bad(format!("fields: {e}")))?;
        let grant: Option<GrantKind> = fixed
            .get("grant")
            .cloned()
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| bad(format!("grant: {e}")))?;
        let fields = match (provider, declared) {
            (ProviderKind::Stream, _) => {
                return Err(bad(
                    "Stream is the platform's own credential: configure it in CREDENTIALS".into(),
                ))
            }
            (ProviderKind::Custom, Some(f)) if !f.is_empty() => f,
            (ProviderKind::Custom, _) => {
                return Err(bad("a custom template declares its `fields`".into()))
            }
            (_, Some(_)) => {
                return Err(bad(format!(
                    "the {} preset has its own fields; `fields` is for custom templates",
                    provider.as_str()
                )))
            }
            (p, None) => preset_fields(p, grant),
        };
        check_fields(&fields, &fixed).map_err(bad)?;
        Ok(Self {
            id: id.into(),
            label,
            provider,
            fields,
            fixed,
        })
    }

    /// What a browser may see.
    pub fn view(&self) -> TemplateView {
        TemplateView {
            id: self.id.clone(),
            label: self.label.clone(),
            provider: self.provider.as_str().to_owned(),
            fields: self
                .fields
                .iter()
                .map(|f| FieldView {
                    name: f.name.clone(),
                    label: f.label.clone(),
                    help: f.help.clone(),
                    kind: f.kind(),
                })
                .collect(),
        }
    }

    /// The connection's credential: the fixed parts with `values` filled in, the platform's
    /// secrets read through `platform_secret(name)`, the merchant's from `values`.
    pub fn credential(
        &self,
        connection_id: &str,
        values: &FieldValues,
        platform_secret: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Credential, ConfigError> {
        let mut entry = self.fixed.clone();
        let mut secrets = match entry.remove("secrets") {
            Some(Value::Object(s)) => s,
            _ => Map::new(),
        };
        for f in &self.fields {
            match f.kind() {
                FieldKind::Text => {
                    let value = values.text(&f.name).unwrap_or_default();
                    entry.insert(f.target.key().into(), Value::String(value.into()));
                }
                FieldKind::Secret => {
                    let name = format!("{FIELD_SECRET}{}", f.name);
                    secrets.insert(f.target.key().into(), Value::String(name));
                }
            }
        }
        entry.insert("secrets".into(), Value::Object(secrets));
        let secret = |name: &str| match name.strip_prefix(FIELD_SECRET) {
            Some(field) => values.secret(field).map(|s| s.expose().to_owned()),
            None => platform_secret(name),
        };
        profile::load_value(connection_id, Value::Object(entry), &secret)
    }

    /// What the worker's proxy needs of connection `connection_id` without its values: the
    /// template's profile and proxy allowlist, under the connection's id (its token, obtained by
    /// its own object with the real values, is attached by id). The merchant's values never
    /// leave that object.
    pub fn for_proxy(
        &self,
        connection_id: &str,
        platform_secret: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Credential, ConfigError> {
        self.credential(
            connection_id,
            &FieldValues::placeholders(&self.fields),
            platform_secret,
        )
    }

    /// Checks the fixed parts as a connection would use them (placeholder merchant values, the
    /// platform's secrets through `platform_secret`): what `make check-config` runs.
    pub fn check(
        &self,
        platform_secret: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Credential, ConfigError> {
        self.credential(
            &self.id,
            &FieldValues::placeholders(&self.fields),
            platform_secret,
        )
    }
}

/// The preset fields of a merchant-credential provider.
fn preset_fields(provider: ProviderKind, grant: Option<GrantKind>) -> Vec<Field> {
    use Target::*;
    match provider {
        ProviderKind::PowerEpos => vec![
            field(
                OrgId,
                "Organisation Code",
                "The unique code of your organisation in PowerEPOS.",
            ),
            field(
                Username,
                "Service account ID",
                "A PowerEPOS service account, not a person's login.",
            ),
            field(
                Password,
                "Service account password",
                "The service account's password.",
            ),
        ],
        ProviderKind::OmniRetain => {
            let mut f = vec![
                field(
                    ClientId,
                    "Client ID",
                    "From the OmniRetain application made for your company.",
                ),
                field(
                    ClientSecret,
                    "Client secret",
                    "Shown once when the application was made.",
                ),
            ];
            if grant != Some(GrantKind::ClientCredentials) {
                f.push(field(
                    Username,
                    "API user",
                    "The OmniRetain user the integration acts as.",
                ));
                f.push(field(
                    Password,
                    "API user's password",
                    "That user's password.",
                ));
            }
            f
        }
        ProviderKind::Streamdiver => vec![
            field(
                Tenant,
                "Tenant shortcode",
                "Your Streamdiver tenant, as in your login address.",
            ),
            field(
                ClientId,
                "Client ID",
                "The client Streamdiver made for this integration.",
            ),
            field(ClientSecret, "Client secret", "That client's secret."),
        ],
        ProviderKind::Stream | ProviderKind::Custom => Vec::new(),
    }
}

/// Field names are unique and plain, each target is filled once, and a target the template
/// fixes is not also asked for.
fn check_fields(fields: &[Field], fixed: &Map<String, Value>) -> Result<(), String> {
    for (i, f) in fields.iter().enumerate() {
        if !crate::tokens::valid_name(&f.name) {
            return Err(format!(
                "field name `{}` is not 1-64 letters, digits, `-`, `_`",
                f.name
            ));
        }
        if f.label.trim().is_empty() {
            return Err(format!("field `{}` has no label", f.name));
        }
        if let Some(other) = fields[..i]
            .iter()
            .find(|o| o.name == f.name || o.target == f.target)
        {
            return Err(format!("fields `{}` and `{}` overlap", other.name, f.name));
        }
        let fixed_too = match f.kind() {
            FieldKind::Text => fixed.contains_key(f.target.key()),
            FieldKind::Secret => fixed
                .get("secrets")
                .and_then(Value::as_object)
                .is_some_and(|s| s.contains_key(f.target.key())),
        };
        if fixed_too {
            return Err(format!(
                "`{}` is both fixed by the template and asked of the merchant",
                f.target.key()
            ));
        }
    }
    let named = fixed.get("secrets").and_then(Value::as_object);
    if named.is_some_and(|s| {
        s.values()
            .any(|v| v.as_str().is_some_and(|n| n.contains(':')))
    }) {
        return Err("a platform secret's name cannot contain `:`".into());
    }
    Ok(())
}
