//! What a failed token call means and what to do next (docs/security.md item 8).

use super::response::TokenError;
use crate::backoff::Backoff;

/// The class of a token-call failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureClass {
    /// The grant is no longer valid (`invalid_grant`): the credential needs re-authorization
    /// (after a refresh, a new grant may still be tried). Alert; do not retry.
    NeedsReauth,
    /// The deployment's configuration is wrong (`invalid_client`, `unauthorized_client`,
    /// `invalid_scope`, `unsupported_grant_type`, other 4xx). Do not retry.
    Misconfigured,
    /// The partner is failing for now (429, 5xx, timeout, network, unreadable answer): retry with
    /// backoff, honouring `Retry-After` (milliseconds), and keep serving a still-valid token.
    Retryable {
        /// The partner's `Retry-After`, in milliseconds, when it gave one.
        retry_after_ms: Option<u64>,
    },
}

impl FailureClass {
    /// The stable code operators and callers see.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NeedsReauth => "needs_reauth",
            Self::Misconfigured => "misconfigured",
            Self::Retryable { .. } => "partner_unavailable",
        }
    }
}

/// Classifies a token endpoint's answer, given its `Retry-After` header if any.
pub fn classify(err: &TokenError, retry_after: Option<&str>) -> FailureClass {
    let retry_after_ms = retry_after.and_then(parse_retry_after_ms);
    match err {
        // A redirect is never followed (docs/security.md item 27): the configured URL is wrong,
        // whatever the body says, and retrying cannot help.
        TokenError::OAuth { status, .. } | TokenError::Http { status }
            if (300..400).contains(status) =>
        {
            FailureClass::Misconfigured
        }
        TokenError::OAuth { status, .. } | TokenError::Http { status } if transient(*status) => {
            FailureClass::Retryable { retry_after_ms }
        }
        TokenError::OAuth { error, .. } if error == "invalid_grant" => FailureClass::NeedsReauth,
        TokenError::OAuth { error, .. }
            if error == "temporarily_unavailable" || error == "server_error" =>
        {
            FailureClass::Retryable { retry_after_ms }
        }
        TokenError::OAuth { .. } | TokenError::Http { .. } => FailureClass::Misconfigured,
        TokenError::Malformed(_) => FailureClass::Retryable { retry_after_ms },
    }
}

/// A failure that never reached an answer (timeout, connection reset).
pub fn transport_failure() -> FailureClass {
    FailureClass::Retryable {
        retry_after_ms: None,
    }
}

fn transient(status: u16) -> bool {
    status == 408 || status == 425 || status == 429 || status >= 500
}

/// `Retry-After` in delta-seconds (an HTTP-date is ignored: we fall back to our own backoff).
pub fn parse_retry_after_ms(value: &str) -> Option<u64> {
    value
        .trim()
        .parse::<u64>()
        .ok()
        .map(|s| s.saturating_mul(1000))
}

/// Bounded, jittered retries ([`Backoff`], doubling without a ceiling: a wait past `cap_ms`
/// gives up instead).
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Backoff before the second attempt; doubles after each.
    pub base_ms: u64,
    /// No wait is longer than this, `Retry-After` included (a longer one gives up instead).
    pub cap_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_ms: 200,
            cap_ms: 5_000,
        }
    }
}

impl RetryPolicy {
    /// How long to wait before attempt `attempt + 1` after `attempt` (1-based) failed with
    /// `class`; `None` to give up. `jitter` is a uniform random number in `[0, 1)`.
    pub fn next_delay_ms(&self, attempt: u32, class: FailureClass, jitter: f64) -> Option<u64> {
        let FailureClass::Retryable { retry_after_ms } = class else {
            return None;
        };
        if attempt >= self.max_attempts {
            return None;
        }
        let backoff = Backoff::new(self.base_ms, u64::MAX).delay_ms(attempt, jitter);
        let wait = retry_after_ms.map_or(backoff, |r| r.max(backoff));
        (wait <= self.cap_ms).then_some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::parse_token_response;

    fn oauth(status: u16, error: &str) -> TokenError {
        TokenError::OAuth {
            status,
            error: error.into(),
        }
    }

    #[test]
    fn error_classes_follow_the_security_requirements() {
        assert_eq!(
            classify(&oauth(400, "invalid_grant"), None),
            FailureClass::NeedsReauth
        );
        for e in [
            "invalid_client",
            "unauthorized_client",
            "invalid_scope",
            "unsupported_grant_type",
            "invalid_request",
        ] {
            assert_eq!(
                classify(&oauth(400, e), None),
                FailureClass::Misconfigured,
                "{e}"
            );
        }
        assert_eq!(
            classify(&oauth(401, "invalid_client"), None),
            FailureClass::Misconfigured
        );
        assert_eq!(
            classify(&TokenError::Http { status: 403 }, None),
            FailureClass::Misconfigured
        );
        assert_eq!(
            classify(&TokenError::Http { status: 429 }, Some("2")),
            FailureClass::Retryable {
                retry_after_ms: Some(2000)
            }
        );
        assert_eq!(
            classify(&TokenError::Http { status: 503 }, None),
            FailureClass::Retryable {
                retry_after_ms: None
            }
        );
        assert_eq!(
            classify(&oauth(500, "invalid_grant"), None),
            FailureClass::Retryable {
                retry_after_ms: None
            }
        );
        assert_eq!(
            classify(&TokenError::Malformed("x".into()), None),
            FailureClass::Retryable {
                retry_after_ms: None
            }
        );
        assert_eq!(
            classify(
                &oauth(400, "temporarily_unavailable"),
                Some("Wed, 21 Oct 2015 07:28:00 GMT")
            ),
            FailureClass::Retryable {
                retry_after_ms: None
            }
        );
    }

    #[test]
    fn a_redirect_is_a_misconfiguration_whatever_its_body_says() {
        for (status, body) in [
            (307, &br#"{"error":"temporarily_unavailable"}"#[..]),
            (308, b""),
            (302, b"<html>moved</html>"),
            (301, br#"{"error":"invalid_grant"}"#),
        ] {
            let err = parse_token_response(status, body).unwrap_err();
            assert_eq!(
                classify(&err, Some("1")),
                FailureClass::Misconfigured,
                "{status}"
            );
        }
    }

    /// The delays of the default policy (200 ms doubling, three attempts, give up past 5 s) and
    /// of a longer one.
    #[test]
    fn retry_delays_are_pinned() {
        let r = FailureClass::Retryable {
            retry_after_ms: None,
        };
        let delays = |p: RetryPolicy, jitter: f64| -> Vec<Option<u64>> {
            (1..=p.max_attempts)
                .map(|a| p.next_delay_ms(a, r, jitter))
                .collect()
        };
        let p = RetryPolicy::default();
        assert_eq!(delays(p, 0.0), [Some(100), Some(200), None]);
        assert_eq!(delays(p, 0.5), [Some(150), Some(300), None]);
        assert_eq!(delays(p, 1.0), [Some(200), Some(400), None]);
        let long = RetryPolicy {
            max_attempts: 8,
            base_ms: 200,
            cap_ms: 10_000,
        };
        assert_eq!(
            delays(long, 1.0),
            [
                Some(200),
                Some(400),
                Some(800),
                Some(1_600),
                Some(3_200),
                Some(6_400),
                None,
                None
            ]
        );
        assert_eq!(
            delays(long, 0.0),
            [
                Some(100),
                Some(200),
                Some(400),
                Some(800),
                Some(1_600),
                Some(3_200),
                Some(6_400),
                None
            ]
        );
    }

    #[test]
    fn retries_are_bounded_jittered_and_honour_retry_after() {
        let p = RetryPolicy::default();
        let r = FailureClass::Retryable {
            retry_after_ms: None,
        };
        assert_eq!(p.next_delay_ms(1, r, 0.0), Some(100));
        assert_eq!(p.next_delay_ms(1, r, 0.999), Some(199));
        assert_eq!(p.next_delay_ms(2, r, 0.0), Some(200));
        assert_eq!(p.next_delay_ms(3, r, 0.0), None, "three attempts in all");
        assert_eq!(
            p.next_delay_ms(
                1,
                FailureClass::Retryable {
                    retry_after_ms: Some(2000)
                },
                0.5
            ),
            Some(2000)
        );
        assert_eq!(
            p.next_delay_ms(
                1,
                FailureClass::Retryable {
                    retry_after_ms: Some(60_000)
                },
                0.5
            ),
            None,
            "too long: give up"
        );
        assert_eq!(p.next_delay_ms(1, FailureClass::NeedsReauth, 0.5), None);
        assert_eq!(p.next_delay_ms(1, FailureClass::Misconfigured, 0.5), None);
    }
}
