//! The token protocol, sans-IO: provider profiles loaded from configuration ([`profile`]: each
//! provider's preset in `presets.rs`, an entry as written in `config.rs`), building token
//! requests ([`request`]), parsing answers tolerantly ([`response`]), classifying failures
//! ([`classify`]) and deciding when to refresh ([`schedule`]). The worker's Durable Object does
//! the one I/O call between building and parsing.

pub mod api_base;
pub mod cache;
pub mod claims;
pub mod classify;
mod config;
pub mod grant;
mod presets;
pub mod profile;
mod provider;
pub mod request;
pub mod response;
pub mod schedule;

pub(crate) use config::valid_name;
pub use response::{parse_token_response, TokenError, TokenSet};
