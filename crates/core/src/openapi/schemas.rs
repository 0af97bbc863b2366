//! The schemas of the document: the two generators (answers as the worker writes them, requests
//! as it reads them) and the shapes that exist only in the document.

use crate::api::CredentialStatus;
use crate::session::ClaimedIdentity;
use crate::webhook::Outbox;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value};

/// `POST /api/sso` (a form or JSON): the session as a field (the button's form POST from another
/// origin), and identity fields that are only compared with the verified session.
#[derive(JsonSchema)]
#[allow(dead_code)]
pub(super) struct SsoRequest {
    /// A portal session JWT, when not sent as `Authorization: Bearer` or the cookie.
    session: Option<String>,
    #[serde(flatten)]
    claimed: ClaimedIdentity,
}

/// `GET /api/admin/credentials`.
#[derive(JsonSchema)]
#[allow(dead_code)]
pub(super) struct CredentialList {
    /// Every configured credential: its status, or the error that keeps its object from answering.
    credentials: Vec<CredentialEntry>,
}

/// One entry of [`CredentialList`].
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum CredentialEntry {
    Status(CredentialStatus),
    Unavailable {
        /// The credential id.
        credential: String,
        /// The error code (also in `last_error`).
        state: String,
        /// The error code.
        last_error: String,
    },
}

/// `GET /api/admin/webhooks`.
#[derive(JsonSchema)]
#[allow(dead_code)]
pub(super) struct WebhookTargets {
    /// One entry per `WEBHOOK_URLS` target.
    targets: Vec<WebhookTarget>,
}

#[derive(JsonSchema)]
#[allow(dead_code)]
struct WebhookTarget {
    /// The receiver URL.
    target: String,
    /// Its queue: pending deliveries, dead letters (bodies left out), delivered count.
    outbox: Outbox,
}

/// Collects the schemas the operations refer to, under `#/components/schemas`.
pub(super) struct Schemas {
    answers: SchemaGenerator,
    requests: SchemaGenerator,
}

impl Schemas {
    pub fn new() -> Self {
        let generator = |s: SchemaSettings| {
            s.with(|s| {
                s.definitions_path = "/components/schemas".into();
                s.meta_schema = None;
            })
            .into_generator()
        };
        Self {
            answers: generator(SchemaSettings::draft2020_12().for_serialize()),
            requests: generator(SchemaSettings::draft2020_12().for_deserialize()),
        }
    }

    /// A reference to `T` as the worker writes it.
    pub fn answer<T: JsonSchema>(&mut self) -> Value {
        self.answers.subschema_for::<T>().to_value()
    }

    /// A reference to `T` as the worker reads it.
    pub fn request<T: JsonSchema>(&mut self) -> Value {
        self.requests.subschema_for::<T>().to_value()
    }

    /// Every schema referred to; a type read and written differently is there in both shapes,
    /// the read one renamed `<name>Input`.
    pub fn into_definitions(mut self) -> Map<String, Value> {
        let mut schemas = self.answers.take_definitions(true);
        for (name, schema) in self.requests.take_definitions(true) {
            match schemas.get(&name) {
                Some(existing) if *existing != schema => {
                    schemas.insert(format!("{name}Input"), schema);
                }
                _ => {
                    schemas.insert(name, schema);
                }
            }
        }
        schemas
    }
}
