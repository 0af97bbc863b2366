//! The emulated partners, one module each. A partner's handlers extract only its own sub-state
//! (`State<PartnerState<ItsData>>`); none of them sees the aggregate `AppState`.

pub(crate) mod omniretain;
pub(crate) mod powerepos;
pub(crate) mod stream;
pub(crate) mod streamdiver;
