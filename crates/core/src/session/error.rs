//! Every way a session token is refused, and the one code each shows the client.

/// Why a session token is refused. The client sees only [`SessionError::code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// Not a compact JWS with a JSON header and payload.
    #[error("not a compact JWS")]
    Malformed,
    /// The header's `alg` is not accepted (`none`, an unknown one, or not this key's).
    #[error("algorithm \"{0}\" is not accepted")]
    Algorithm(String),
    /// No configured key for this header (`kid`).
    #[error("no configured key matches")]
    UnknownKey,
    /// The header lists `crit` extensions; Gatehouse understands none, so it must refuse the
    /// token (RFC 7515 §4.1.11).
    #[error("critical header extensions are not understood")]
    CriticalHeader,
    /// The signature does not verify.
    #[error("bad signature")]
    Signature,
    /// `exp` has passed.
    #[error("expired")]
    Expired,
    /// `nbf` is in the future.
    #[error("not yet valid")]
    NotYetValid,
    /// `exp` is further ahead than `SESSION_MAX_TTL_S`.
    #[error("lifetime longer than allowed")]
    TooLong,
    /// `iss` is not the configured issuer.
    #[error("wrong issuer")]
    Issuer,
    /// `aud` does not include the configured audience.
    #[error("wrong audience")]
    Audience,
    /// A claim is missing or has the wrong form (named).
    #[error("claim {0} is missing or invalid")]
    Claim(&'static str),
}

impl SessionError {
    /// The stable API code: `session_expired` for an expired session (mint a new one), else
    /// `invalid_session`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Expired => "session_expired",
            _ => "invalid_session",
        }
    }
}
