//! The calls this object checks and forwards to the partner: revoke (idempotent), an
//! onboarding's locations, POS ingest and DSP→POS binding (each location checked to be the
//! organization's own first, docs/security.md item 29).

use super::{ok, OrgOnboarding};
use crate::error::{ApiError, ErrorCode};
use crate::onboarding::partner::Stream;
use crate::onboarding::OrgMessage;
use gatehouse_core::contract::stream::Onboarding;
use gatehouse_core::contract::stream_paths::StreamPaths;
use gatehouse_core::onboarding::OnboardingView;
use serde::Serialize;

impl OrgOnboarding {
    /// The calls that check ownership and forward to the partner (one await point for all).
    pub(super) async fn forward(
        &self,
        stream: &Stream<'_>,
        op: OrgMessage,
    ) -> std::result::Result<Vec<u8>, ApiError> {
        use gatehouse_core::contract::stream::{BindLocationsRequest, IngestLocationsRequest};
        // `record`: the answer is an onboarding record (a revoke's, or a full read's, which is
        // passed on as Stream wrote it); both keep the status cache and the list current.
        let (id, method, path, body, revoke, record) = match op {
            OrgMessage::Revoke { id } => {
                let path = StreamPaths::for_onboarding(&stream.paths().revoke_onboarding, &id);
                (id, "POST", path, None, true, true)
            }
            OrgMessage::Full { id } => {
                let path = StreamPaths::for_onboarding(&stream.paths().onboarding, &id);
                (id, "GET", path, None, false, true)
            }
            OrgMessage::Locations { id } => {
                let path = stream.paths().onboarding_locations(&id);
                (id, "GET", path, None, false, false)
            }
            OrgMessage::Ingest { id, locations } => {
                let body = IngestLocationsRequest {
                    onboarding_id: id.clone(),
                    locations,
                };
                let path = stream.paths().ingest_locations.clone();
                (id, "POST", path, Some(to_json(&body)?), false, false)
            }
            OrgMessage::Bind { id, locations } => {
                self.owned(&id).await?;
                self.check_bind(stream, &id, &locations).await?;
                let body = BindLocationsRequest {
                    onboarding_id: id.clone(),
                    locations,
                };
                let path = stream.paths().bind_locations.clone();
                (id, "POST", path, Some(to_json(&body)?), false, false)
            }
            _ => {
                return Err(ApiError::Internal(
                    "not a location or revoke message".into(),
                ))
            }
        };
        self.owned(&id).await?;
        let answer = match stream.call(method, &path, body).await {
            // Revoke is idempotent (docs/security.md item 17): a partner that answers a second
            // revoke with 409 has the integration revoked already; its current record is the answer.
            Err(ApiError::Refused(r)) if revoke && r.status() == 409 => {
                stream
                    .call(
                        "GET",
                        &StreamPaths::for_onboarding(&stream.paths().onboarding, &id),
                        None,
                    )
                    .await?
            }
            other => other?,
        };
        if record {
            let o: Onboarding = serde_json::from_slice(&answer)
                .map_err(|e| ApiError::PartnerUnavailable(format!("onboarding record: {e}")))?;
            let view = OnboardingView::from(&o);
            self.remember(&view);
            self.observe(&view).await;
            if !revoke {
                return Ok(answer);
            }
            return ok(&view);
        }
        checked_listing(answer)
    }

    /// Every location named in a bind must be this organization's own, checked here against
    /// the partner's list of the organization's locations before the partner is asked to bind
    /// (docs/security.md item 29; the partner's own check is the second line): each DSP
    /// location belongs to this onboarding, each POS location is a POS location of the
    /// organization. An id the organization does not have is `location_not_found`, whether or
    /// not it exists elsewhere.
    pub(super) async fn check_bind(
        &self,
        stream: &Stream<'_>,
        id: &str,
        bindings: &[gatehouse_core::contract::stream::BindOnboardingLocation],
    ) -> std::result::Result<(), ApiError> {
        use gatehouse_core::contract::stream::{IntegrationType, LocationsResponse};
        let org_id = self
            .known_stream_org()
            .await
            .ok_or(ApiError::Refused(ErrorCode::LocationNotFound))?;
        let own: LocationsResponse = stream
            .json::<(), _>(
                "GET",
                &stream.paths().organization_locations(&org_id, None),
                None,
            )
            .await?;
        let find = |lid: &str| own.locations.iter().find(|l| l.id == lid);
        for b in bindings {
            let dsp =
                find(&b.dsp_location_id).ok_or(ApiError::Refused(ErrorCode::LocationNotFound))?;
            if dsp.onboarding_id.as_deref() != Some(id) {
                return Err(ApiError::Refused(ErrorCode::InvalidLocation));
            }
            let pos =
                find(&b.pos_location_id).ok_or(ApiError::Refused(ErrorCode::LocationNotFound))?;
            if !pos.is(&IntegrationType::Pos) {
                return Err(ApiError::Refused(ErrorCode::InvalidLocation));
            }
        }
        Ok(())
    }
}

/// A partner's location listing: checked against the contract type, then passed on as the
/// partner sent it, so fields the document does not name reach the caller unchanged.
pub(super) fn checked_listing(bytes: Vec<u8>) -> std::result::Result<Vec<u8>, ApiError> {
    serde_json::from_slice::<gatehouse_core::contract::stream::LocationsResponse>(&bytes)
        .map_err(|e| ApiError::PartnerUnavailable(format!("locations answer: {e}")))?;
    Ok(bytes)
}

fn to_json<T: Serialize>(v: &T) -> std::result::Result<Vec<u8>, ApiError> {
    serde_json::to_vec(v).map_err(|e| ApiError::Internal(e.to_string()))
}
