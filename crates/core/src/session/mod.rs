//! Portal sessions: who is asking. The partner's portal backend signs a short-lived JWT for its
//! logged-in user; Gatehouse verifies it and takes identity, organization and role from it only
//! (docs/security.md item 11).
//!
//! Sans-IO: [`jws`] splits a compact JWS and pins the algorithm per key; the caller checks the
//! signature with the platform's WebCrypto over [`Unverified::signing_input`] (the worker does
//! that), then [`claims`] validates the claims against the [`config`] and a clock passed in.
//! [`demo`] has the development route's users. What a verified session may do with SSO is in
//! [`crate::sso`]; the rules for its identity fields are in [`crate::validate`].

pub mod claims;
pub mod config;
pub mod demo;
pub mod error;
pub mod jws;
#[cfg(test)]
mod tests;

pub use claims::{validate, Session};
pub use config::{Alg, SessionConfig};
pub use demo::{demo_claims, DemoUser};
pub use error::SessionError;
pub use jws::{compact, signing_input, split, Header, Unverified, MAX_TOKEN_LEN};
// Where the worker has imported these from.
pub use crate::sso::{allowed_roles, ClaimedIdentity, Mismatch};
pub use crate::validate::valid_id;
