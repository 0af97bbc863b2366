//! Exponential backoff with equal jitter: the one rule behind every retry Gatehouse makes —
//! token calls ([`crate::tokens::classify::RetryPolicy`]), webhook deliveries
//! ([`crate::webhook::RetrySchedule`]) and the browser's onboarding watch (`gatehouse-web`).
//! Each caller keeps its own numbers and its own answer to `Retry-After`; the delay is computed
//! here. Sans-IO: the caller passes the attempt number and its own random number.
//!
//! ```
//! use gatehouse_core::backoff::Backoff;
//! let b = Backoff::new(1_000, 30_000);
//! assert_eq!(b.ceiling_ms(3), 4_000);
//! assert_eq!(b.delay_ms(3, 0.0), 2_000); // half fixed, half random
//! assert_eq!(b.delay_ms(9, 1.0), 30_000); // capped
//! ```

/// A delay that doubles from `base_ms` with each attempt, up to `cap_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The delay before the first retry.
    pub base_ms: u64,
    /// No delay grows past this; `u64::MAX` for callers that give up on a long wait instead.
    pub cap_ms: u64,
}

impl Backoff {
    /// A backoff doubling from `base_ms` to at most `cap_ms`.
    pub const fn new(base_ms: u64, cap_ms: u64) -> Self {
        Self { base_ms, cap_ms }
    }

    /// The whole delay before retry `attempt` (1-based; 0 counts as 1):
    /// `base_ms · 2^(attempt − 1)`, at most `cap_ms`.
    pub fn ceiling_ms(&self, attempt: u32) -> u64 {
        let doublings = attempt.max(1) - 1;
        let factor = 1u64.checked_shl(doublings).unwrap_or(u64::MAX);
        self.base_ms.saturating_mul(factor).min(self.cap_ms)
    }

    /// The delay to wait before retry `attempt`: half of [`Backoff::ceiling_ms`] fixed, the other
    /// half scaled by `jitter` (a uniform random number in `[0, 1)`), so many clients failing
    /// together do not retry in step. A `jitter` outside `[0, 1]` is clamped; a NaN or infinite
    /// one counts as 0.5.
    pub fn delay_ms(&self, attempt: u32, jitter: f64) -> u64 {
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.5
        };
        let half = self.ceiling_ms(attempt) / 2;
        half + (half as f64 * jitter) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_the_base_up_to_the_cap() {
        let b = Backoff::new(1_000, 30_000);
        let ceilings: Vec<u64> = (0..=8).map(|a| b.ceiling_ms(a)).collect();
        assert_eq!(
            ceilings,
            [1_000, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]
        );
        let unbounded = Backoff::new(200, u64::MAX);
        assert_eq!(unbounded.ceiling_ms(17), 200 << 16);
        assert_eq!(unbounded.ceiling_ms(64), u64::MAX);
        assert_eq!(unbounded.ceiling_ms(u32::MAX), u64::MAX);
        assert_eq!(Backoff::new(0, 10).ceiling_ms(99), 0);
    }

    #[test]
    fn jitter_spreads_between_half_and_all_of_the_ceiling() {
        let b = Backoff::new(1_000, 30_000);
        assert_eq!(b.delay_ms(1, 0.0), 500);
        assert_eq!(b.delay_ms(1, 0.5), 750);
        assert_eq!(b.delay_ms(1, 0.999), 999);
        assert_eq!(b.delay_ms(1, 1.0), 1_000);
        assert_eq!(b.delay_ms(1, -3.0), 500);
        assert_eq!(b.delay_ms(1, 7.0), 1_000);
        for odd in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(b.delay_ms(1, odd), 750);
        }
        // An odd ceiling loses its last millisecond to the halving, as it always has.
        assert_eq!(Backoff::new(1_001, u64::MAX).delay_ms(1, 1.0), 1_000);
    }

    /// The browser watch's numbers (1 s doubling to 30 s, `gatehouse-web`'s `watch.rs`), pinned
    /// to the delays of the watch's own backoff this replaced.
    #[test]
    fn the_watch_delays_are_unchanged() {
        let watch = Backoff::new(1_000, 30_000);
        let at = |jitter| -> Vec<u64> { (1..=7).map(|a| watch.delay_ms(a, jitter)).collect() };
        assert_eq!(at(0.0), [500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000]);
        assert_eq!(at(0.5), [750, 1_500, 3_000, 6_000, 12_000, 22_500, 22_500]);
        assert_eq!(
            at(1.0),
            [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]
        );
    }
}
