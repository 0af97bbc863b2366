//! One target's queue: deliveries in the order they came, retried with [`Backoff`] until the
//! target answers `2xx` or the attempts run out, then kept as dead letters for operators.

use crate::backoff::Backoff;
use serde::{Deserialize, Serialize};

/// One event waiting for one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Delivery {
    /// The event's id (the idempotency id).
    pub event_id: String,
    /// The event as JSON, exactly as it will be sent (signed as is); left out of operators' views.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
    /// Attempts made so far.
    pub attempts: u32,
    /// When it was queued (Unix milliseconds).
    pub queued_ms: u64,
    /// When the next attempt is due (Unix milliseconds).
    pub next_at_ms: u64,
    /// The last failure (`status 500`, `timeout`, ...), for operators.
    #[serde(default)]
    pub last_error: Option<String>,
}

/// Retries with [`Backoff`], then a dead letter kept for operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetrySchedule {
    /// The first retry's delay.
    pub base_ms: u64,
    /// The longest delay.
    pub cap_ms: u64,
    /// Attempts before giving up.
    pub max_attempts: u32,
}

impl Default for RetrySchedule {
    /// 10 s doubling to at most 1 h, 12 attempts: about 4.5 hours before a dead letter.
    fn default() -> Self {
        Self {
            base_ms: 10_000,
            cap_ms: 3_600_000,
            max_attempts: 12,
        }
    }
}

/// What happens to a delivery after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again at this time (Unix milliseconds).
    RetryAt(u64),
    /// Out of attempts: keep it as a dead letter.
    GiveUp,
}

impl RetrySchedule {
    /// Records a failed attempt on `d` and says what next. `retry_after_ms` (a receiver's 429/503
    /// `Retry-After`) is honoured up to the cap; `random` in `[0, 1)` spreads retries between
    /// half and all of the delay.
    pub fn after_failure(
        &self,
        d: &mut Delivery,
        error: String,
        now_ms: u64,
        retry_after_ms: Option<u64>,
        random: f64,
    ) -> AfterFailure {
        d.attempts = d.attempts.saturating_add(1);
        d.last_error = Some(error);
        if d.attempts >= self.max_attempts {
            return AfterFailure::GiveUp;
        }
        let backoff = Backoff::new(self.base_ms, self.cap_ms).delay_ms(d.attempts, random);
        let wait = retry_after_ms.map_or(backoff, |ra| ra.min(self.cap_ms).max(backoff));
        d.next_at_ms = now_ms.saturating_add(wait.max(1));
        AfterFailure::RetryAt(d.next_at_ms)
    }
}

/// Most pending deliveries one target's outbox holds; a full outbox refuses new events (the
/// emitter keeps the change unreported and tries again on its next observation).
pub const MAX_PENDING: usize = 150;
/// The dead-letter reason of deliveries whose target left `WEBHOOK_URLS`.
pub const TARGET_REMOVED: &str = "target_removed: no longer in WEBHOOK_URLS";
/// Dead letters kept per target (the oldest are dropped first).
pub const MAX_DEAD: usize = 25;
/// Delivered ids remembered per target, to drop repeated emissions.
pub const MAX_DONE: usize = 400;

/// One target's queue, stored as a single value: pending deliveries in the order they came,
/// dead letters, and the ids recently delivered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Outbox {
    /// Waiting deliveries, oldest first.
    pub pending: Vec<Delivery>,
    /// Deliveries that ran out of attempts, newest last.
    #[serde(default)]
    pub dead: Vec<Delivery>,
    /// Ids delivered recently, newest last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub done: Vec<String>,
    /// Deliveries acknowledged with a `2xx` since the outbox was created.
    #[serde(default)]
    pub delivered: u64,
}

/// What [`Outbox::enqueue`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// Stored; due now.
    Stored,
    /// Already pending or recently delivered: nothing stored.
    Duplicate,
    /// [`MAX_PENDING`] reached.
    Full,
}

impl Outbox {
    /// Adds an event unless its id is pending or was delivered recently.
    pub fn enqueue(&mut self, event_id: String, body: String, now_ms: u64) -> Enqueued {
        if self.pending.iter().any(|d| d.event_id == event_id) || self.done.contains(&event_id) {
            return Enqueued::Duplicate;
        }
        if self.pending.len() >= MAX_PENDING {
            return Enqueued::Full;
        }
        self.pending.push(Delivery {
            event_id,
            body,
            attempts: 0,
            queued_ms: now_ms,
            next_at_ms: now_ms,
            last_error: None,
        });
        Enqueued::Stored
    }

    /// The ids due at `now_ms`, oldest first.
    pub fn due(&self, now_ms: u64) -> Vec<String> {
        self.pending
            .iter()
            .filter(|d| d.next_at_ms <= now_ms)
            .map(|d| d.event_id.clone())
            .collect()
    }

    /// A pending delivery by id.
    pub fn get(&self, event_id: &str) -> Option<&Delivery> {
        self.pending.iter().find(|d| d.event_id == event_id)
    }

    /// Records a `2xx`.
    pub fn delivered(&mut self, event_id: &str) {
        self.pending.retain(|d| d.event_id != event_id);
        self.done.push(event_id.to_owned());
        if self.done.len() > MAX_DONE {
            self.done.remove(0);
        }
        self.delivered += 1;
    }

    /// Records a failed attempt; answers what became of it.
    pub fn failed(
        &mut self,
        event_id: &str,
        plan: &RetrySchedule,
        error: String,
        now_ms: u64,
        retry_after_ms: Option<u64>,
        random: f64,
    ) -> Option<AfterFailure> {
        let i = self.pending.iter().position(|d| d.event_id == event_id)?;
        let after = plan.after_failure(&mut self.pending[i], error, now_ms, retry_after_ms, random);
        if after == AfterFailure::GiveUp {
            let d = self.pending.remove(i);
            self.dead.push(d);
            if self.dead.len() > MAX_DEAD {
                self.dead.remove(0);
            }
        }
        Some(after)
    }

    /// The target left `WEBHOOK_URLS`: nothing more is delivered to it; every pending delivery
    /// becomes a dead letter with `reason` (kept whole, beyond the usual dead-letter cap, so an
    /// operator can see and replay what was not sent). Answers how many were retired.
    pub fn retire(&mut self, reason: &str) -> usize {
        let retired = self.pending.len();
        for mut d in self.pending.drain(..) {
            d.last_error = Some(reason.to_owned());
            self.dead.push(d);
        }
        retired
    }

    /// When the next pending delivery is due.
    pub fn next_due_ms(&self) -> Option<u64> {
        self.pending.iter().map(|d| d.next_at_ms).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery() -> Delivery {
        Delivery {
            event_id: "evt".into(),
            body: "{}".into(),
            attempts: 0,
            queued_ms: 0,
            next_at_ms: 0,
            last_error: None,
        }
    }

    #[test]
    fn outbox_dedupes_orders_retries_and_dead_letters() {
        let plan = RetrySchedule {
            base_ms: 100,
            cap_ms: 1000,
            max_attempts: 2,
        };
        let mut o = Outbox::default();
        assert_eq!(o.enqueue("a".into(), "{}".into(), 10), Enqueued::Stored);
        assert_eq!(o.enqueue("b".into(), "{}".into(), 11), Enqueued::Stored);
        assert_eq!(o.enqueue("a".into(), "{}".into(), 12), Enqueued::Duplicate);
        assert_eq!(o.due(11), vec!["a", "b"]);
        assert_eq!(
            o.failed("a", &plan, "status 500".into(), 20, None, 1.0),
            Some(AfterFailure::RetryAt(120))
        );
        assert_eq!(o.due(20), vec!["b"]);
        assert_eq!(o.next_due_ms(), Some(11));
        o.delivered("b");
        assert_eq!(
            o.enqueue("b".into(), "{}".into(), 30),
            Enqueued::Duplicate,
            "delivered recently"
        );
        assert_eq!(o.next_due_ms(), Some(120));
        assert_eq!(
            o.failed("a", &plan, "timeout".into(), 130, None, 1.0),
            Some(AfterFailure::GiveUp)
        );
        assert!(o.pending.is_empty());
        assert_eq!(o.dead[0].attempts, 2);
        assert_eq!(o.delivered, 1);
        assert_eq!(o.failed("zzz", &plan, "x".into(), 0, None, 0.0), None);
        for i in 0..MAX_PENDING {
            assert_eq!(o.enqueue(format!("e{i}"), "{}".into(), 0), Enqueued::Stored);
        }
        assert_eq!(o.enqueue("one-more".into(), "{}".into(), 0), Enqueued::Full);
        for i in 0..MAX_DONE + 5 {
            o.delivered(&format!("d{i}"));
        }
        assert_eq!(o.done.len(), MAX_DONE);
    }

    #[test]
    fn a_removed_target_retires_its_queue_to_the_dead_letters() {
        let mut q = Outbox::default();
        for i in 0..3 {
            assert_eq!(
                q.enqueue(format!("evt_{i}"), "{}".into(), 0),
                Enqueued::Stored
            );
        }
        assert_eq!(q.retire("target_removed"), 3);
        assert!(q.pending.is_empty());
        assert_eq!(
            q.due(u64::MAX),
            Vec::<String>::new(),
            "nothing left to send"
        );
        assert_eq!(q.next_due_ms(), None, "no alarm needed");
        assert_eq!(q.dead.len(), 3);
        assert!(q
            .dead
            .iter()
            .all(|d| d.last_error.as_deref() == Some("target_removed")));
        assert_eq!(q.retire("target_removed"), 0);
    }

    /// The delays of the default schedule (10 s doubling to 1 h, 12 attempts) and of the widest
    /// the worker allows (`WEBHOOK_RETRY_BASE_MS=100`, `WEBHOOK_MAX_ATTEMPTS=50`).
    #[test]
    fn retry_delays_are_pinned() {
        let waits = |s: RetrySchedule, random: f64| {
            let mut d = delivery();
            let mut waits = Vec::new();
            while let AfterFailure::RetryAt(t) =
                s.after_failure(&mut d, "x".into(), 7, None, random)
            {
                waits.push(t - 7);
            }
            assert_eq!(d.attempts, s.max_attempts);
            waits
        };
        let default = RetrySchedule::default();
        assert_eq!(
            waits(default, 0.0),
            [
                5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000, 1_280_000,
                1_800_000, 1_800_000
            ]
        );
        assert_eq!(
            waits(default, 0.5),
            [
                7_500, 15_000, 30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000,
                2_700_000, 2_700_000
            ]
        );
        assert_eq!(
            waits(default, 1.0),
            [
                10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000, 1_280_000, 2_560_000,
                3_600_000, 3_600_000
            ]
        );
        let widest = RetrySchedule {
            base_ms: 100,
            max_attempts: 50,
            ..default
        };
        let mut expected: Vec<u64> = (0..16).map(|k| 100 << k).collect();
        expected.resize(49, 3_600_000);
        assert_eq!(waits(widest, 1.0), expected);
        assert_eq!(waits(widest, f64::NAN)[..3], [75, 150, 300]);
        assert_eq!(waits(widest, f64::INFINITY)[..3], [75, 150, 300]);
    }

    #[test]
    fn backoff_doubles_with_jitter_caps_and_gives_up() {
        let s = RetrySchedule {
            base_ms: 1000,
            cap_ms: 8000,
            max_attempts: 6,
        };
        let mut d = delivery();
        let mut waits = Vec::new();
        for _ in 0..5 {
            match s.after_failure(&mut d, "status 500".into(), 100, None, 1.0) {
                AfterFailure::RetryAt(t) => waits.push(t - 100),
                AfterFailure::GiveUp => panic!("too early"),
            }
        }
        assert_eq!(waits, vec![1000, 2000, 4000, 8000, 8000]);
        assert_eq!(
            s.after_failure(&mut d, "timeout".into(), 100, None, 0.0),
            AfterFailure::GiveUp
        );
        assert_eq!(d.attempts, 6);
        assert_eq!(d.last_error.as_deref(), Some("timeout"));
        // Jitter: between half and all of the delay; a Retry-After is honoured up to the cap.
        let mut d = delivery();
        assert_eq!(
            s.after_failure(&mut d, "x".into(), 0, None, 0.0),
            AfterFailure::RetryAt(500)
        );
        let mut d = delivery();
        assert_eq!(
            s.after_failure(&mut d, "x".into(), 0, Some(60_000), f64::NAN),
            AfterFailure::RetryAt(8000)
        );
    }
}
