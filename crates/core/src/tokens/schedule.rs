//! When to refresh (docs/security.md item 7): expiry is computed from the moment the answer
//! arrived, refresh starts a skew margin (with jitter) before it, and every function takes the
//! current time as an argument, so tests inject the clock.

/// Refresh timing.
#[derive(Debug, Clone, Copy)]
pub struct RefreshPolicy {
    /// The largest skew margin, in milliseconds.
    pub max_skew_ms: u64,
    /// The skew margin as a fraction of the lifetime, for short-lived tokens.
    pub skew_fraction: f64,
    /// Up to this fraction of the skew is added at random, so many credentials do not refresh
    /// in the same instant.
    pub jitter_fraction: f64,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        Self {
            max_skew_ms: 60_000,
            skew_fraction: 0.1,
            jitter_fraction: 0.5,
        }
    }
}

/// The timeline of one held token, in Unix milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetime {
    /// When the token answer arrived.
    pub received_at_ms: u64,
    /// When the refresh should start.
    pub refresh_at_ms: u64,
    /// When the token stops being valid.
    pub expires_at_ms: u64,
}

/// How usable a held token is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Use it.
    Fresh,
    /// Refresh now, but it may still be served while the refresh fails.
    RefreshDue,
    /// Expired: do not use it.
    Expired,
}

impl RefreshPolicy {
    /// The timeline of a token whose answer arrived at `received_at_ms` with a lifetime of
    /// `lifetime_s`; `jitter` is a uniform random number in `[0, 1)`.
    pub fn lifetime(&self, received_at_ms: u64, lifetime_s: u64, jitter: f64) -> Lifetime {
        let life_ms = lifetime_s.saturating_mul(1000);
        let skew = ((life_ms as f64 * self.skew_fraction) as u64).min(self.max_skew_ms);
        let extra = (skew as f64 * self.jitter_fraction * jitter.clamp(0.0, 1.0)) as u64;
        let expires_at_ms = received_at_ms.saturating_add(life_ms);
        Lifetime {
            received_at_ms,
            refresh_at_ms: expires_at_ms
                .saturating_sub(skew + extra)
                .max(received_at_ms),
            expires_at_ms,
        }
    }
}

impl Lifetime {
    /// How usable the token is at `now_ms`.
    pub fn freshness(&self, now_ms: u64) -> Freshness {
        if now_ms >= self.expires_at_ms {
            Freshness::Expired
        } else if now_ms >= self.refresh_at_ms {
            Freshness::RefreshDue
        } else {
            Freshness::Fresh
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_counts_from_arrival_and_refresh_starts_a_jittered_skew_before() {
        let p = RefreshPolicy::default();
        let l = p.lifetime(1_000_000, 3600, 0.0);
        assert_eq!(l.expires_at_ms, 1_000_000 + 3_600_000);
        assert_eq!(l.refresh_at_ms, l.expires_at_ms - 60_000);
        let j = p.lifetime(1_000_000, 3600, 0.999);
        assert!(j.refresh_at_ms < l.refresh_at_ms && j.refresh_at_ms >= l.expires_at_ms - 90_000);
        // A 10 s token refreshes 1 s (10%) before expiry, not 60 s before.
        let short = p.lifetime(0, 10, 0.0);
        assert_eq!(short.refresh_at_ms, 9_000);
        assert_eq!(p.lifetime(5, 0, 0.5).refresh_at_ms, 5);
    }

    #[test]
    fn freshness_with_an_injected_clock() {
        let l = RefreshPolicy::default().lifetime(0, 100, 0.0);
        assert_eq!(l.freshness(0), Freshness::Fresh);
        assert_eq!(l.freshness(89_999), Freshness::Fresh);
        assert_eq!(l.freshness(90_000), Freshness::RefreshDue);
        assert_eq!(l.freshness(99_999), Freshness::RefreshDue);
        assert_eq!(l.freshness(100_000), Freshness::Expired);
    }
}
