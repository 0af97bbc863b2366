//! Gatehouse core: everything that can be decided without the network.
//!
//! The worker and the browser crate only move bytes; the shapes of the partner APIs
//! ([`contract`]) and of Gatehouse's own browser-facing API ([`api`], its routes in [`routes`])
//! live here so that every end agrees by construction. Token answers are parsed here
//! ([`tokens`]) and secrets are types with redacted `Debug` ([`secret`]).
//!
//! The modules, by flow:
//!
//! - partners: [`contract`] (the seed documents' types), [`tokens`] (the token protocol, and
//!   [`tokens::cache`]: every decision of a credential's token cache), [`proxy`] (what trusted
//!   server code may call), [`sealed`] (refresh tokens at rest);
//! - portal sessions and SSO: [`session`] (verifying the portal's JWT), [`sso`] (who may open
//!   the white-label dashboard);
//! - onboarding: [`onboarding`] (the browser's API types, `state`, return pages, role policy),
//!   [`coalesce`] (many watchers, one partner call);
//! - connections: [`connections`] (a merchant's own partner credentials, made at runtime from
//!   a template: its fields, their checks, a refused verification explained);
//! - webhooks: [`webhook`] (events, signatures, the outbox);
//! - Gatehouse's own API: [`api`] (shared response types), `openapi` (the OpenAPI document,
//!   with the `openapi` feature), [`origins`] (which browser origins may call);
//! - rules every flow shares: [`validate`] (input rules for ids, emails, phone numbers, names),
//!   [`backoff`] (retry delays), [`secret`] and [`redact`] (keeping secrets out of sight),
//!   [`comma_list`] (list settings).
//!
//! ```
//! use gatehouse_core::tokens::parse_token_response;
//! let set = parse_token_response(200, br#"{"access_token":"t","expires_in":"60"}"#).unwrap();
//! assert_eq!(set.expires_in, Some(60));
//! assert_eq!(format!("{:?}", set.access_token), "AccessToken([redacted])");
//! ```
#![warn(missing_docs)]

pub mod api;
pub mod backoff;
pub mod coalesce;
pub mod connections;
pub mod contract;
pub mod errors;
mod ids;
pub mod onboarding;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod origins;
pub mod outbound;
pub mod proxy;
pub mod redact;
pub mod routes;
pub mod sealed;
pub mod secret;
pub mod server_keys;
pub mod session;
pub mod sso;
pub mod tokens;
pub mod validate;
pub mod webhook;

/// The entries of a comma-separated setting, trimmed, empty ones dropped
/// (`ONBOARDING_RETURN_PAGES`, `WEBHOOK_URLS`, `WEBHOOK_SECRET`, ...).
pub fn comma_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// TypeScript declarations of the API types the browser package hands to JavaScript, generated
/// from these Rust types (`ts-rs`); the committed `crates/web/types.d.ts` must match (the test
/// fails when it is stale; `UPDATE_TS=1` rewrites it).
#[cfg(all(test, feature = "ts"))]
mod ts_export {
    use crate::api::{ErrorBody, Health};
    use crate::connections::{
        ConnectionList, ConnectionStatus, ConnectionView, FieldKind, FieldProblem, TemplateList,
        TemplateView,
    };
    use crate::contract::stream::{
        BindOnboardingLocation, IngestOnboardingLocation, IntegrationType, Location,
        LocationsResponse, OnboardingStatus, Role,
    };
    use crate::onboarding::{OnboardingView, StartResponse};
    use ts_rs::TS;

    fn union(known: &[&str]) -> String {
        let quoted: Vec<String> = known.iter().map(|k| format!("\"{k}\"")).collect();
        // Unknown values are kept as they come: any other string is allowed too.
        format!("{} | (string & {{}})", quoted.join(" | "))
    }

    /// A unit variant's name in answers (what serde writes).
    fn serde_name<T: serde::Serialize>(v: &T) -> String {
        serde_json::to_value(v)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    #[test]
    fn typescript_declarations_are_current() {
        let mut out = String::from(
            "// Generated from the Rust API types in gatehouse-core (ts-rs). Do not edit:\n// `UPDATE_TS=1 cargo test -p gatehouse-core --features ts` rewrites it.\n",
        );
        let known = |v: Vec<&str>| union(&v);
        out += &format!(
            "export type IntegrationType = {};\n",
            known(IntegrationType::KNOWN.iter().map(|k| k.as_str()).collect())
        );
        out += &format!(
            "export type OnboardingStatus = {};\n",
            known(OnboardingStatus::KNOWN.iter().map(|k| k.as_str()).collect())
        );
        out += &format!(
            "export type Role = {};\n",
            known(Role::KNOWN.iter().map(|k| k.as_str()).collect())
        );
        // Connections' closed enums, open in TypeScript like the others (a later version may add
        // a status or a kind). The matches fail to compile when a variant is missing here.
        let statuses = [
            ConnectionStatus::Active,
            ConnectionStatus::NeedsReauth,
            ConnectionStatus::Disabled,
        ];
        for s in statuses {
            match s {
                ConnectionStatus::Active
                | ConnectionStatus::NeedsReauth
                | ConnectionStatus::Disabled => {}
            }
        }
        let names: Vec<String> = statuses.iter().map(serde_name).collect();
        out += &format!(
            "export type ConnectionStatus = {};\n",
            known(names.iter().map(String::as_str).collect())
        );
        let kinds = [FieldKind::Text, FieldKind::Secret];
        for k in kinds {
            match k {
                FieldKind::Text | FieldKind::Secret => {}
            }
        }
        let names: Vec<String> = kinds.iter().map(serde_name).collect();
        out += &format!(
            "export type FieldKind = {};\n",
            known(names.iter().map(String::as_str).collect())
        );
        // The worker's error codes, closed: the table in errors.rs is the only list.
        let codes: Vec<String> = crate::errors::ErrorCode::ALL
            .iter()
            .map(|c| format!("\"{}\"", c.as_str()))
            .collect();
        out += &format!(
            "/** Every code the worker answers (`ErrorBody.code`, `GatehouseError.code`). */\nexport type ErrorCode = {};\n",
            codes.join(" | ")
        );
        for decl in [
            Health::decl(),
            ErrorBody::decl(),
            FieldProblem::decl(),
            OnboardingView::decl(),
            StartResponse::decl(),
            Location::decl(),
            LocationsResponse::decl(),
            IngestOnboardingLocation::decl(),
            BindOnboardingLocation::decl(),
            TemplateView::decl(),
            crate::connections::template::FieldView::decl(),
            TemplateList::decl(),
            ConnectionView::decl(),
            ConnectionList::decl(),
        ] {
            out += "export ";
            out += &decl;
            out += "\n";
        }
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../web/types.d.ts");
        if std::env::var_os("UPDATE_TS").is_some() {
            std::fs::write(path, &out).expect("write types.d.ts");
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(committed, out, "crates/web/types.d.ts is stale: run UPDATE_TS=1 cargo test -p gatehouse-core --features ts");
    }
}
