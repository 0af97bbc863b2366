//! Many callers, one upstream call: a cache of answers by key with a maximum age, and the
//! decision each caller gets — serve the cached answer, join the call already under way, or
//! lead a new one. Sans-IO: the caller owns the waiters (channels) and makes the call; this
//! decides. Used by the organization's Durable Object for onboarding status (any number of
//! watchers → at most one partner call per interval, docs/security.md item 16) and for creating
//! the organization's Stream organization once.

/// What a caller does next.
#[derive(Debug, PartialEq, Eq)]
pub enum Turn<V> {
    /// Use this answer.
    Serve(V),
    /// A call is under way: wait for its outcome.
    Join,
    /// Make the call, then [`Coalescer::finish`] it.
    Lead,
}

/// One key's cached answer (with when it was learnt) and whether a call is under way.
#[derive(Debug)]
struct Entry<V> {
    answer: Option<(V, u64)>,
    leading: bool,
}

/// Cached answers by key, with the calls under way. A list, not a map: an organization has a
/// handful of onboardings, and a list is less wasm than a hash map (docs/size.md).
#[derive(Debug)]
pub struct Coalescer<K, V> {
    entries: Vec<(K, Entry<V>)>,
    calls: u64,
}

impl<K, V> Default for Coalescer<K, V> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            calls: 0,
        }
    }
}

impl<K: PartialEq + Clone, V: Clone> Coalescer<K, V> {
    fn get(&self, key: &K) -> Option<&Entry<V>> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, e)| e)
    }

    fn get_mut(&mut self, key: &K) -> Option<&mut Entry<V>> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, e)| e)
    }

    fn entry(&mut self, key: &K) -> &mut Entry<V> {
        let i = match self.entries.iter().position(|(k, _)| k == key) {
            Some(i) => i,
            None => {
                self.entries.push((
                    key.clone(),
                    Entry {
                        answer: None,
                        leading: false,
                    },
                ));
                self.entries.len() - 1
            }
        };
        &mut self.entries[i].1
    }

    /// A caller wants the answer for `key` at `now`, no older than `max_age_ms` (`u64::MAX`:
    /// any age).
    pub fn turn(&mut self, key: &K, now: u64, max_age_ms: u64) -> Turn<V> {
        let entry = self.entry(key);
        match &entry.answer {
            Some((v, at)) if now.saturating_sub(*at) < max_age_ms => Turn::Serve(v.clone()),
            _ if entry.leading => Turn::Join,
            _ => {
                entry.leading = true;
                self.calls += 1;
                Turn::Lead
            }
        }
    }

    /// The leader's call for `key` ended at `now`: a success is kept (`None`: a failure, which is
    /// handed to the waiters and not kept).
    pub fn finish(&mut self, key: &K, answer: Option<V>, now: u64) {
        if let Some(entry) = self.get_mut(key) {
            entry.leading = false;
            if let Some(v) = answer {
                entry.answer = Some((v, now));
            }
        }
    }

    /// Keeps an answer learnt another way (the partner's answer to a start or a revoke).
    pub fn remember(&mut self, key: K, answer: V, now: u64) {
        self.entry(&key).answer = Some((answer, now));
    }

    /// Forgets `key`'s answer: the next caller asks the partner.
    pub fn forget(&mut self, key: &K) {
        if let Some(entry) = self.get_mut(key) {
            entry.answer = None;
        }
    }

    /// The answer held for `key`, whatever its age.
    pub fn held(&self, key: &K) -> Option<&V> {
        self.get(key)?.answer.as_ref().map(|(v, _)| v)
    }

    /// When `key`'s answer was learnt.
    pub fn learnt_at(&self, key: &K) -> Option<u64> {
        self.get(key)?.answer.as_ref().map(|(_, at)| *at)
    }

    /// Calls led since this started (shown to tests and the bench).
    pub fn calls(&self) -> u64 {
        self.calls
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_leader_the_rest_join_then_everyone_is_served_until_the_answer_ages() {
        let mut c: Coalescer<&str, u32> = Coalescer::default();
        assert_eq!(c.turn(&"onb_1", 0, 5_000), Turn::Lead);
        for _ in 0..50 {
            assert_eq!(c.turn(&"onb_1", 10, 5_000), Turn::Join);
        }
        // Another key has its own call.
        assert_eq!(c.turn(&"onb_2", 10, 5_000), Turn::Lead);
        c.finish(&"onb_1", Some(7), 100);
        assert_eq!(c.turn(&"onb_1", 5_099, 5_000), Turn::Serve(7));
        assert_eq!(c.turn(&"onb_1", 5_100, 5_000), Turn::Lead);
        assert_eq!(c.calls(), 3);
        // A zero max age always asks again (a restart reads the current status).
        c.finish(&"onb_1", Some(8), 5_200);
        assert_eq!(c.turn(&"onb_1", 5_200, 0), Turn::Lead);
    }

    #[test]
    fn a_failure_is_not_kept_and_the_next_caller_leads() {
        let mut c: Coalescer<&str, u32> = Coalescer::default();
        assert_eq!(c.turn(&"k", 0, 1_000), Turn::Lead);
        c.finish(&"k", None, 10);
        assert_eq!(c.held(&"k"), None);
        assert_eq!(c.turn(&"k", 11, 1_000), Turn::Lead);
    }

    #[test]
    fn remembered_answers_serve_and_forgotten_ones_do_not() {
        let mut c: Coalescer<(), String> = Coalescer::default();
        c.remember((), "org_9".into(), 0);
        assert_eq!(
            c.turn(&(), 1_000_000, u64::MAX),
            Turn::Serve("org_9".into())
        );
        assert_eq!(c.learnt_at(&()), Some(0));
        c.forget(&());
        assert_eq!(c.turn(&(), 1, u64::MAX), Turn::Lead);
        assert_eq!(c.calls(), 1, "a remembered answer is no call");
    }
}
