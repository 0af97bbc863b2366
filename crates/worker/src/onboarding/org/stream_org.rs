//! The Stream organization a portal organization maps to: learnt from storage, or created once
//! on first use (single flight through core's [`Coalescer`](gatehouse_core::coalesce::Coalescer)),
//! forgotten when the partner no longer knows it.

use super::{join, now_ms, wake, OrgOnboarding};
use crate::error::ApiError;
use crate::onboarding::partner::Stream;
use futures_channel::oneshot;
use gatehouse_core::coalesce::Turn;
use gatehouse_core::contract::stream::{
    CreateOrganizationRequest, CreateOrganizationResponse, CreateUserOrgUser,
};
use gatehouse_core::session::Session;

impl OrgOnboarding {
    /// The Stream organization already mapped to this portal organization (memory, then
    /// storage), without creating one.
    pub(super) async fn known_stream_org(&self) -> Option<String> {
        if let Some(id) = self.orgs.borrow().held(&()).cloned() {
            return Some(id);
        }
        let id = self
            .state
            .storage()
            .get::<String>("org")
            .await
            .ok()
            .flatten()?;
        self.orgs.borrow_mut().remember((), id.clone(), now_ms());
        Some(id)
    }

    /// Forgets the mapping: the partner no longer knows the organization.
    pub(super) async fn forget_stream_org(&self) -> std::result::Result<(), ApiError> {
        self.state.storage().delete("org").await?;
        self.orgs.borrow_mut().forget(&());
        Ok(())
    }

    /// The Stream organization of this portal organization, created once (single flight).
    pub(super) async fn stream_org(
        &self,
        stream: &Stream<'_>,
        session: &Session,
    ) -> std::result::Result<String, ApiError> {
        if let Some(id) = self.known_stream_org().await {
            return Ok(id);
        }
        let turn = self.orgs.borrow_mut().turn(&(), now_ms(), u64::MAX);
        match turn {
            Turn::Serve(id) => return Ok(id),
            Turn::Join => {
                let (tx, rx) = oneshot::channel();
                self.org_waiters.borrow_mut().push(tx);
                return join(rx, "organization creation").await;
            }
            Turn::Lead => {}
        }
        let result = self.create_org(stream, session).await;
        self.orgs
            .borrow_mut()
            .finish(&(), result.as_ref().ok().cloned(), now_ms());
        wake(std::mem::take(&mut *self.org_waiters.borrow_mut()), &result);
        result
    }

    pub(super) async fn create_org(
        &self,
        stream: &Stream<'_>,
        s: &Session,
    ) -> std::result::Result<String, ApiError> {
        let req = CreateOrganizationRequest {
            // The partner's dashboard shows the name: the session's `org_name` when given.
            name: s
                .org_name
                .clone()
                .unwrap_or_else(|| s.provider_org_id.clone()),
            provider_id: s.provider_org_id.clone(),
            user: CreateUserOrgUser {
                email: s.email.clone(),
                full_name: s.full_name.clone(),
                phone_number: s.phone_number.clone(),
                role: Some(s.role.clone()),
            },
        };
        let created: CreateOrganizationResponse = stream
            .json("POST", &stream.paths().organizations, Some(&req))
            .await?;
        self.state
            .storage()
            .put("org", created.org_id.clone())
            .await?;
        Ok(created.org_id)
    }
}
