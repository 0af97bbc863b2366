//! [`PartnerState`]: a partner's sub-state. A partner's routes are a `Router<PartnerState<D>>`
//! whose handlers extract `State<PartnerState<D>>`; the router serves them with the sub-state
//! taken from the aggregate through `FromRef`. It holds the partner's own memory and handles on
//! the sandbox-wide pieces partners read, so a partner never needs the aggregate.

use crate::counters::Counters;
use crate::jwt::JwtKey;
use crate::settings::Settings;
use crate::shared::Shared;
use std::sync::Arc;

/// The sandbox-wide pieces every partner's sub-state shares.
#[derive(Clone)]
pub(crate) struct Common {
    /// The test settings of `/_control/settings`.
    pub(crate) settings: Shared<Settings>,
    /// The counters of `/_control/counters`.
    pub(crate) counters: Shared<Counters>,
    /// The public URL without trailing slash.
    pub(crate) public_url: Arc<str>,
    /// The key for the JWTs the sandbox issues (PowerEPOS, Streamdiver).
    pub(crate) jwt_key: JwtKey,
}

/// One partner's sub-state: its memory `D` (`StreamData`, `OmniData`, ...) and [`Common`].
pub(crate) struct PartnerState<D> {
    data: Shared<D>,
    common: Common,
}

impl<D> Clone for PartnerState<D> {
    fn clone(&self) -> Self {
        Self {
            data: self.data.clone(),
            common: self.common.clone(),
        }
    }
}

impl<D: Default> PartnerState<D> {
    /// Empty memory over the shared pieces.
    pub(crate) fn new(common: Common) -> Self {
        Self {
            data: Shared::default(),
            common,
        }
    }

    /// Empties the partner's memory (`/_control/reset`).
    pub(crate) fn reset(&self) {
        self.data.reset();
    }
}

impl<D> PartnerState<D> {
    /// Runs `f` with the partner's memory locked. Read settings before, not inside.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut D) -> R) -> R {
        self.data.with(f)
    }

    /// Reads the test settings.
    pub(crate) fn settings<R>(&self, f: impl FnOnce(&Settings) -> R) -> R {
        self.common.settings.with(|s| f(s))
    }

    /// The counters of `/_control/counters`.
    pub(crate) fn counters(&self) -> &Shared<Counters> {
        &self.common.counters
    }

    /// The public URL without trailing slash.
    pub(crate) fn public_url(&self) -> &str {
        &self.common.public_url
    }

    /// The key for the JWTs the sandbox issues.
    pub(crate) fn jwt_key(&self) -> &JwtKey {
        &self.common.jwt_key
    }
}
