//! [`AppState`], the aggregate: every partner's sub-state plus the control surface's handles.
//! The router serves each partner's routes with its own sub-state (`FromRef`, derived here);
//! only the router and `/_control` see the whole.

use crate::config::Config;
use crate::faults::Faults;
use crate::jwt::JwtKey;
use crate::partner_state::Common;
use crate::partners::omniretain::OmniState;
use crate::partners::powerepos::PowerEposState;
use crate::partners::stream::data::StreamState;
use crate::partners::streamdiver::StreamdiverState;
use crate::settings::Settings;
use crate::shared::Shared;
use axum::extract::FromRef;
use std::sync::Arc;

/// The state every route shares: the configuration, the partners' memories, the test settings,
/// fault rules and counters.
#[derive(Clone, FromRef)]
pub struct AppState {
    #[from_ref(skip)]
    config: Arc<Config>,
    #[from_ref(skip)]
    pub(crate) settings: Shared<Settings>,
    #[from_ref(skip)]
    pub(crate) faults: Faults,
    pub(crate) stream: StreamState,
    omniretain: OmniState,
    streamdiver: StreamdiverState,
    powerepos: PowerEposState,
}

impl core::fmt::Debug for AppState {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Fresh, empty state.
    pub fn new(config: Config) -> Self {
        let faults = Faults::default();
        let common = Common {
            settings: Shared::default(),
            counters: faults.counters.clone(),
            public_url: Arc::from(config.public_url.as_str()),
            jwt_key: JwtKey::random(),
        };
        Self {
            config: Arc::new(config),
            settings: common.settings.clone(),
            faults,
            stream: StreamState::new(common.clone()),
            omniretain: OmniState::new(common.clone()),
            streamdiver: StreamdiverState::new(common.clone()),
            powerepos: PowerEposState::new(common),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Forgets everything but the issued-secrets register: memories, counters, faults and
    /// settings (ids start again at `_1`), one part after the other.
    pub(crate) fn reset(&self) {
        self.stream.reset();
        self.omniretain.reset();
        self.streamdiver.reset();
        self.powerepos.reset();
        self.faults.rules.reset();
        self.faults.counters.reset();
        self.settings.reset();
    }

    /// A PowerEPOS service account's new password (its tokens stop working); returns how many
    /// tokens went.
    pub(crate) fn change_service_password(&self, org_id: &str, password: &str) -> usize {
        self.powerepos.with(|s| s.change_password(org_id, password))
    }

    /// Drops every refresh token issued to a client, in every partner; returns how many.
    pub(crate) fn revoke_refresh_tokens(&self, client_id: &str) -> usize {
        self.stream.with(|s| s.revoke_refresh_tokens(client_id))
            + self.omniretain.with(|s| s.revoke_refresh_tokens(client_id))
            + self.powerepos.with(|s| s.revoke_refresh_tokens(client_id))
    }
}
