//! Stream Partner API 1.0 (seed 000) and the white-label SSO guide (seed 001), a file per part
//! of the document: `values` (scopes, roles, integration types, onboarding statuses), `oauth`,
//! `partner_tokens`, `sso`, `onboarding`, `locations`, `organizations`, and `input_rules`
//! ([`is_valid_email`], [`is_valid_phone_number`], [`is_valid_provider_org_id`]): the
//! document's rules for users, shared so Gatehouse can reject bad input before it reaches the
//! partner. Every type is used from here, `contract::stream::…`.
//!
//! The OpenAPI rendering gives field names and enums but few response shapes and no paths
//! except `/white-label/generate-session`; where it is silent the shapes here are the ones the
//! sandbox serves and documents (crates/sandbox/README.md).

mod input_rules;
mod locations;
mod oauth;
mod onboarding;
mod organizations;
mod partner_tokens;
mod sso;
mod values;

pub use input_rules::{is_valid_email, is_valid_phone_number, is_valid_provider_org_id};
pub use locations::{
    BindLocationsRequest, BindOnboardingLocation, IngestLocationsRequest, IngestOnboardingLocation,
    ListOnboardingLocationsQuery, Location, LocationsResponse,
};
pub use oauth::{ErrorBody, TokenRequest, TokenResponse};
pub use onboarding::{
    CompleteOnboardingRequest, InitOnboardingRequest, InitOnboardingResponse, Onboarding,
};
pub use organizations::{
    CreateOrganizationRequest, CreateOrganizationResponse, CreateUserOrgUser,
    OrganizationLocationsQuery,
};
pub use partner_tokens::{
    CreatePartnerTokenRequest, ListPartnerTokensQuery, PartnerToken, PartnerTokenInputError,
    RenamePartnerTokenRequest,
};
pub use sso::{
    GenerateSessionQuery, GenerateSessionRequest, GenerateSessionResponse, SSO_TOKEN_REDEEMED,
};
pub use values::{IntegrationType, OnboardingStatus, Role, Scope};
