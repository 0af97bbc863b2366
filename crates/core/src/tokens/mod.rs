//! The token protocol, sans-IO: provider profiles ([`profile`]), building token requests
//! ([`request`]), parsing answers tolerantly ([`response`]), classifying failures
//! ([`classify`]) and deciding when to refresh ([`schedule`]). The worker's Durable Object does
//! the one I/O call between building and parsing.

pub mod api_base;
pub mod cache;
pub mod claims;
pub mod classify;
pub mod grant;
pub mod profile;
pub mod request;
pub mod response;
pub mod schedule;

pub use response::{parse_token_response, TokenError, TokenSet};
