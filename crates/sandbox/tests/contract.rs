//! Contract tests of the sandbox: every route, happy paths and bad input, driven in-process
//! with `tower::ServiceExt::oneshot` (and the built binary once, in `binary`). Assertions
//! check what a client notices: status, body fields, headers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "contract/support.rs"]
mod support;

#[path = "contract/binary.rs"]
mod binary;
#[path = "contract/control.rs"]
mod control;
#[path = "contract/pages.rs"]
mod pages;
#[path = "contract/partners.rs"]
mod partners;
#[path = "contract/stream_api.rs"]
mod stream_api;
#[path = "contract/stream_oauth.rs"]
mod stream_oauth;
