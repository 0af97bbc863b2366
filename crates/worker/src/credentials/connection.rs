//! A connection's object (docs/connections.md): the same `CredentialBroker` as a configured
//! credential's, whose credential comes from its own storage — the merchant's values, sealed as a
//! whole with the connection id (`STORAGE_ENCRYPTION_KEY`), beside the sealed tokens — and from
//! its template. A connection is verified before it is kept: the first grant is made with the
//! values, and a refusal erases everything the attempt wrote.

use super::broker::{now_ms, CredentialBroker};
use super::stored::StoredConnection;
use super::{stored, Connected};
use crate::error::{ApiError, ErrorCode};
use gatehouse_core::connections::{
    refusal, ConnectionId, ConnectionStatus, ConnectionView, FieldProblem, Template,
};
use gatehouse_core::tokens::cache::TokenFailure;
use gatehouse_core::tokens::request::{revoke_request, Grant};
use gatehouse_core::webhook::{connection_event, ConnectionChange};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Storage key of the sealed values.
const CONNECTION_KEY: &str = "connection";

fn unknown() -> ApiError {
    ApiError::Refused(ErrorCode::UnknownConnection)
}

impl CredentialBroker {
    /// A new connection's record (its provider is the template's, filled in by [`verify_and_keep`]).
    ///
    /// [`verify_and_keep`]: CredentialBroker::verify_and_keep
    pub(super) fn new_connection(
        &self,
        template: String,
        org: String,
        text: BTreeMap<String, String>,
        secrets: BTreeMap<String, String>,
    ) -> StoredConnection {
        let now = now_ms();
        StoredConnection {
            template,
            provider: String::new(),
            provider_org_id: org,
            text,
            secrets,
            created_at_ms: now,
            updated_at_ms: now,
        }
    }

    /// The connection's values, read once (`None` for a configured credential's object or a
    /// connection that does not exist).
    async fn load_connection(&self, id: &str) -> Result<Option<Rc<Connected>>, ApiError> {
        if ConnectionId::parse(id).is_none() {
            return Ok(None);
        }
        if let Some(c) = self.connection.borrow().clone() {
            return Ok(Some(c));
        }
        let Some(stored) =
            stored::read_sealed::<StoredConnection>(&self.state, &self.env, id, CONNECTION_KEY)
                .await?
        else {
            return Ok(None);
        };
        let connected = self.build(id, stored)?;
        *self.connection.borrow_mut() = Some(connected.clone());
        Ok(Some(connected))
    }

    fn template(&self, id: &str) -> Result<Template, ApiError> {
        crate::connections::connection_template(&self.env, id)
    }

    fn build(&self, id: &str, stored: StoredConnection) -> Result<Rc<Connected>, ApiError> {
        let template = self.template(&stored.template)?;
        let credential = template
            .credential(id, &stored.values(), &|name| {
                crate::config::secret(&self.env, name)
            })
            .map_err(|e| ApiError::Misconfigured(e.to_string()))?;
        Ok(Rc::new(Connected {
            stored,
            credential: Rc::new(credential),
        }))
    }

    /// For a token: a connection's owning organization and template (`None` for a configured
    /// credential); a connection that does not exist is refused.
    pub(super) async fn connection_owner(
        &self,
        id: &str,
    ) -> Result<Option<(String, String)>, ApiError> {
        if ConnectionId::parse(id).is_none() {
            return Ok(None);
        }
        let c = self.load_connection(id).await?.ok_or_else(unknown)?;
        Ok(Some((
            c.stored.provider_org_id.clone(),
            c.stored.template.clone(),
        )))
    }

    /// The connection, if organization `org` owns it; else it is unknown (its existence is
    /// not confirmed to another organization).
    pub(super) async fn owned_connection(
        &self,
        id: &str,
        org: &str,
    ) -> Result<Rc<Connected>, ApiError> {
        match self.load_connection(id).await? {
            Some(c) if c.stored.provider_org_id == org => Ok(c),
            _ => Err(unknown()),
        }
    }

    /// Verifies a new connection with a real grant and keeps it only if the partner accepts:
    /// a refusal names the fields the partner blamed, and nothing stays in storage.
    pub(super) async fn verify_and_keep(
        &self,
        id: &str,
        mut stored: StoredConnection,
    ) -> Result<ConnectionView, ApiError> {
        if ConnectionId::parse(id).is_none() || self.load_connection(id).await?.is_some() {
            return Err(ApiError::Internal(format!("{id} is not a new connection")));
        }
        let template = self.template(&stored.template)?;
        stored.provider = template.provider.as_str().into();
        let connected = self.build(id, stored)?;
        *self.connection.borrow_mut() = Some(connected.clone());
        self.cache.borrow_mut().reset();
        if let Err(failure) = self.held(id, false).await {
            self.erase().await?;
            return Err(refused(id, &template, failure));
        }
        let written = stored::write_sealed(
            &self.state,
            &self.env,
            id,
            CONNECTION_KEY,
            &connected.stored,
        )
        .await;
        if let Err(e) = written {
            let _ = self.erase().await;
            return Err(e);
        }
        // Receivers learn of every connection: if the event cannot be queued, the connection is
        // not kept either (the merchant is asked to try again; the event id is the same).
        if !self
            .tell(ConnectionChange::Created, id, &connected.stored, now_ms())
            .await
        {
            let _ = self.erase().await;
            return Err(ApiError::StorageUnavailable(
                "the connection.created event could not be queued".into(),
            ));
        }
        self.view(id)
    }

    /// Update mode: new values for every field, verified with a grant of their own before they
    /// replace the old ones, which keep serving meanwhile (and after a refusal). Success ends a
    /// `needs_reauth` episode at once (`connection.recovered`).
    pub(super) async fn update(
        &self,
        id: &str,
        org: &str,
        text: BTreeMap<String, String>,
        secrets: BTreeMap<String, String>,
    ) -> Result<ConnectionView, ApiError> {
        let old = self.owned_connection(id, org).await?;
        let template = self.template(&old.stored.template)?;
        let mut stored = old.stored.clone();
        stored.text = text;
        stored.secrets = secrets;
        stored.updated_at_ms = now_ms();
        let next = self.build(id, stored)?;
        self.load(id).await;
        let held = match self.grant(&next.credential, Grant::New).await {
            Ok(held) => held,
            Err(failure) => return Err(refused(id, &template, failure)),
        };
        stored::write_sealed(&self.state, &self.env, id, CONNECTION_KEY, &next.stored).await?;
        *self.connection.borrow_mut() = Some(next.clone());
        if self.cache.borrow_mut().replaced(held, now_ms()) {
            // Informational (the connection's status already says `active`): a lost event is
            // logged, the update stands.
            if !self
                .tell(ConnectionChange::Recovered, id, &next.stored, now_ms())
                .await
            {
                crate::log::event(
                    crate::log::Level::Warn,
                    &[
                        ("connection", id),
                        ("webhook_not_queued", "connection.recovered"),
                    ],
                );
            }
        }
        self.view(id)
    }

    /// Deletes the connection if `org` owns it: `connection.deleted` is queued first (if it
    /// cannot be, nothing is deleted and the caller may retry), then everything is erased.
    pub(super) async fn delete(&self, id: &str, org: &str) -> Result<(), ApiError> {
        let c = self.owned_connection(id, org).await?;
        if !self
            .tell(ConnectionChange::Deleted, id, &c.stored, now_ms())
            .await
        {
            return Err(ApiError::StorageUnavailable(
                "the connection.deleted event could not be queued".into(),
            ));
        }
        self.revoke(id, &c).await;
        self.erase().await
    }

    /// Revokes the connection's refresh token (or live access token) at the partner, where the
    /// provider has an RFC 7009 endpoint. Best effort, one attempt: the deletion goes on either
    /// way (Gatehouse was the token's only holder, and erases it next); the outcome is logged.
    async fn revoke(&self, id: &str, c: &Connected) {
        self.load(id).await;
        let req = {
            let cache = self.cache.borrow();
            let Some((token, hint)) = cache.revocable(now_ms()) else {
                return;
            };
            match revoke_request(&c.credential, token, hint) {
                Some(req) => req,
                None => return,
            }
        };
        let outcome = match crate::upstream::send(req).await {
            Ok(answer) if (200..300).contains(&answer.status) => "revoked".to_owned(),
            Ok(answer) => format!("answered {}", answer.status),
            Err(e) => e.to_string(),
        };
        crate::log::event(
            crate::log::Level::Info,
            &[("connection", id), ("token_revocation", &outcome)],
        );
    }

    /// Queues a connection event for every webhook target; whether all of them have it.
    pub(super) async fn tell(
        &self,
        change: ConnectionChange,
        id: &str,
        c: &StoredConnection,
        at_ms: u64,
    ) -> bool {
        let event = connection_event(
            change,
            id,
            &c.template,
            &c.provider,
            &c.provider_org_id,
            at_ms,
        );
        crate::webhooks::emit(&self.env, &event).await
    }

    /// What the owning organization sees: never a secret or a token.
    pub(super) fn view(&self, id: &str) -> Result<ConnectionView, ApiError> {
        let c = self.connection.borrow().clone().ok_or_else(unknown)?;
        let s = &c.stored;
        let health = self.cache.borrow().status(id, &s.provider, now_ms());
        Ok(ConnectionView {
            id: ConnectionId::parse(id).ok_or_else(unknown)?,
            template: s.template.clone(),
            provider: s.provider.clone(),
            provider_org_id: s.provider_org_id.clone(),
            fields: s.text.clone(),
            status: if health.state == "needs_reauth" {
                ConnectionStatus::NeedsReauth
            } else {
                ConnectionStatus::Active
            },
            created_at_ms: s.created_at_ms,
            updated_at_ms: s.updated_at_ms,
            last_refreshed_at_ms: health.last_refresh_ms,
            last_error: health.last_error,
        })
    }

    /// Erases everything the object keeps (values and tokens), not just a flag.
    pub(super) async fn erase(&self) -> Result<(), ApiError> {
        self.cache.borrow_mut().reset();
        *self.connection.borrow_mut() = None;
        self.state
            .storage()
            .delete_all()
            .await
            .map_err(|e| ApiError::StorageUnavailable(format!("erasing the connection: {e}")))
    }
}

/// A refused verification, for the merchant: which fields the partner blamed (logged in full).
fn refused(id: &str, template: &Template, failure: TokenFailure) -> ApiError {
    crate::log::event(
        crate::log::Level::Info,
        &[
            ("connection_refused", id),
            ("template", &template.id),
            ("detail", &failure.detail),
        ],
    );
    let r = refusal(template, failure.answer.as_ref(), failure.class);
    let message = match r.code {
        ErrorCode::InvalidTenant => "The partner does not know this value.",
        _ => "The partner refused this value.",
    };
    let fields: Vec<FieldProblem> = r
        .fields
        .iter()
        .map(|f| FieldProblem::new(f, r.code.as_str(), message))
        .collect();
    match r.code {
        ErrorCode::PartnerUnavailable => ApiError::PartnerUnavailable(failure.detail),
        ErrorCode::Misconfigured => ApiError::PartnerRejected(failure.detail),
        code => ApiError::Fields(code, fields),
    }
}
