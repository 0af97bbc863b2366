//! Deterministic ids: `org_1`, `org_2`, ... counted per prefix.

use std::collections::HashMap;

/// The last number handed out per prefix.
#[derive(Debug, Default)]
pub(crate) struct Ids(HashMap<&'static str, u64>);

impl Ids {
    /// The next id with this prefix: `org_1`, `org_2`, ...
    pub(crate) fn next(&mut self, prefix: &'static str) -> String {
        let n = self.0.entry(prefix).or_insert(0);
        *n += 1;
        format!("{prefix}_{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sequential_per_prefix() {
        let mut ids = Ids::default();
        assert_eq!(ids.next("org"), "org_1");
        assert_eq!(ids.next("org"), "org_2");
        assert_eq!(ids.next("onb"), "onb_1");
    }
}
