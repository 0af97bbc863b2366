//! Gatehouse core: everything that can be decided without the network.
//!
//! The worker and the browser crate only move bytes; the shapes of the partner APIs
//! ([`contract`]) and of Gatehouse's own browser-facing API ([`api`]) live here so that
//! every end agrees by construction. Token answers are parsed here ([`tokens`]) and secrets
//! are types with redacted `Debug` ([`secret`]).
//!
//! ```
//! use gatehouse_core::tokens::parse_token_response;
//! let set = parse_token_response(200, br#"{"access_token":"t","expires_in":"60"}"#).unwrap();
//! assert_eq!(set.expires_in, Some(60));
//! assert_eq!(format!("{:?}", set.access_token), "AccessToken([redacted])");
//! ```
#![warn(missing_docs)]

pub mod api;
pub mod contract;
pub mod onboarding;
pub mod proxy;
pub mod redact;
pub mod sealed;
pub mod secret;
pub mod session;
pub mod tokens;
