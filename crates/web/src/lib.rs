//! Gatehouse in the browser: a typed client for the Gatehouse worker's API.
//!
//! It talks only to the worker, never to a partner, and never sees a credential or a token:
//! the worker holds them. Answers are Gatehouse's own API types from `gatehouse-core`, shared
//! with the worker so both ends agree by construction.
//!
//! ```no_run
//! # async fn demo() -> Result<(), gatehouse_web::ClientError> {
//! let client = gatehouse_web::Client::new("https://gatehouse.example.com");
//! let health = client.health().await?;
//! assert_eq!(health.service, "gatehouse");
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod client;
mod js;
pub mod sso;
pub mod watch;

pub use client::{Client, ClientError, SessionSource, StatusAnswer};
