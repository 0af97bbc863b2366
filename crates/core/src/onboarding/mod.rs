//! Onboarding (seed 000, "Onboarding - Integrations/Locations/Org"), the sans-IO parts, a file
//! each: the API types the browser sees (`view`) and sends (`requests`), the return-page
//! allowlist (`return_pages`, docs/security.md item 14), the OAuth `state` and the flow's
//! browser binding (`state`), the role policy (`policy`), and entity tags and the watchers'
//! backoff (`status`). Everything is used from here, `onboarding::…`.

mod list;
mod policy;
mod requests;
mod return_pages;
mod state;
mod status;
mod view;

pub use list::{ListQuery, OnboardingPage, OnboardingSummary};
pub use policy::{may, Action};
pub use requests::{BindRequest, IngestRequest, StartError, StartRequest};
pub use return_pages::{parse_return_pages, pick_return_page, return_location, safe_absolute_url};
pub use state::{
    b64url, binding_cookie_name, binding_input, make_state, parse_state, tags_equal, PendingState,
    ReturnRefusal,
};
pub use status::{etag, if_none_match, long_poll_wait};
pub use view::{OnboardingView, StartResponse};
