//! The rule for a partner API's `401` (docs/security.md item 9), beside the cache it drops a
//! token from.

/// What to do with a partner API's answer to a call made with a held token (docs/security.md
/// item 9): a `401` (or a `403`, for partners that answer invalid tokens that way) invalidates
/// the token and the call is made once more with a new one, never more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartnerVerdict {
    /// Pass the answer on.
    Use,
    /// Drop the token ([`super::TokenCache::invalidate`]) and call again with a new one.
    RetryWithNewToken,
    /// The partner refused a freshly obtained token too.
    RejectedToken,
}

/// The verdict on `status` for attempt `attempt` (0 first) of one call.
pub fn partner_verdict(
    status: u16,
    attempt: u32,
    forbidden_means_invalid_token: bool,
) -> PartnerVerdict {
    let refused = status == 401 || (status == 403 && forbidden_means_invalid_token);
    match (refused, attempt) {
        (true, 0) => PartnerVerdict::RetryWithNewToken,
        _ if status == 401 => PartnerVerdict::RejectedToken,
        _ => PartnerVerdict::Use,
    }
}
