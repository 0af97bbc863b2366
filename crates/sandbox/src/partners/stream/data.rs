//! Stream's memory ([`StreamData`]) and the sub-state its handlers and pages extract
//! ([`StreamState`]).

use crate::ids::Ids;
use crate::partner_state::PartnerState;
use gatehouse_core::contract::stream::{
    GenerateSessionRequest, Location, Onboarding, PartnerToken, Scope,
};
use std::collections::HashMap;

/// What Stream's handlers (and the consent and SSO pages) extract.
pub(crate) type StreamState = PartnerState<StreamData>;

/// An access or refresh token's grant.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub(crate) client_id: String,
    pub(crate) scopes: Vec<Scope>,
    pub(crate) expires_at_ms: u64,
}

/// A one-time white-label login.
#[derive(Debug, Clone)]
pub(crate) struct SsoSession {
    pub(crate) user: GenerateSessionRequest,
    pub(crate) partner_id: Option<String>,
    pub(crate) expires_at_ms: u64,
    pub(crate) redeemed: bool,
}

/// An organization created through the API.
#[derive(Debug, Clone)]
pub(crate) struct Org {
    pub(crate) id: String,
    /// Shown on the consent page.
    pub(crate) name: String,
}

/// A consent code issued by the consent page for one onboarding.
#[derive(Debug, Clone)]
pub(crate) struct ConsentCode {
    pub(crate) onboarding_id: String,
    pub(crate) expires_at_ms: u64,
}

/// A location and the organization it belongs to.
#[derive(Debug, Clone)]
pub(crate) struct LocationRecord {
    pub(crate) org_id: String,
    pub(crate) location: Location,
}

/// Stream's memory.
#[derive(Debug, Default)]
pub(crate) struct StreamData {
    /// Ids of everything Stream creates (`org_1`, `onb_1`, `loc_1`, ...).
    pub(crate) ids: Ids,
    pub(crate) access: HashMap<String, Grant>,
    pub(crate) refresh: HashMap<String, Grant>,
    /// In creation order.
    pub(crate) partner_tokens: Vec<PartnerToken>,
    pub(crate) sso: HashMap<String, SsoSession>,
    pub(crate) orgs: Vec<Org>,
    pub(crate) onboardings: HashMap<String, Onboarding>,
    pub(crate) consent_codes: HashMap<String, ConsentCode>,
    /// In creation order.
    pub(crate) locations: Vec<LocationRecord>,
}

impl StreamData {
    /// Drops every refresh token of a client; returns how many.
    pub(crate) fn revoke_refresh_tokens(&mut self, client_id: &str) -> usize {
        let before = self.refresh.len();
        self.refresh.retain(|_, g| g.client_id != client_id);
        before - self.refresh.len()
    }

    pub(crate) fn org_exists(&self, org_id: &str) -> bool {
        self.orgs.iter().any(|o| o.id == org_id)
    }
}
