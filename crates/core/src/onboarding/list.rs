//! An organization's onboardings for the server routes (docs/server.md): the query, and one page
//! of the organization's records, without I/O. The status is the last one Gatehouse read from
//! Stream (any status read: a widget's poll, the status route, a webhook's observation); the full
//! record (`GET …/onboardings/{id}`) always asks Stream.

use crate::validate::valid_id;
use serde::{Deserialize, Serialize};

/// One onboarding in a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct OnboardingSummary {
    /// The onboarding id (Stream's).
    pub id: String,
    /// The last status read from Stream (`pending`, `active`, `revoked`, `failed`); absent when
    /// none was read since it started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The portal user who started it.
    pub started_by: String,
    /// When it started (Unix ms).
    pub created_at_ms: u64,
}

/// `GET /api/server/organizations/{org}/onboardings`: one page, in id order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct OnboardingPage {
    /// This page (with a status filter, possibly fewer than `limit`: follow `next_cursor`).
    pub onboardings: Vec<OnboardingSummary>,
    /// Pass as `cursor` for the next page; absent on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The most onboardings one page holds, and the default.
pub const MAX_LIMIT: usize = 100;
/// The page size when the query names none.
pub const DEFAULT_LIMIT: usize = 50;

/// The list's query (also the organization object's message for it).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListQuery {
    /// Only onboardings last seen in this status.
    pub status: Option<String>,
    /// The previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// The page size (1 to [`MAX_LIMIT`]).
    pub limit: usize,
}

impl ListQuery {
    /// Reads `status`, `cursor` and `limit` from a query string; the error names the parameter.
    pub fn parse(query: &str) -> Result<Self, &'static str> {
        let mut q = Self {
            limit: DEFAULT_LIMIT,
            ..Self::default()
        };
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            match &*k {
                "status" => {
                    if !["pending", "active", "revoked", "failed"].contains(&&*v) {
                        return Err("status is pending, active, revoked or failed");
                    }
                    q.status = Some(v.into_owned());
                }
                "cursor" if valid_id(&v) => q.cursor = Some(v.into_owned()),
                "cursor" => return Err("cursor is a previous page's next_cursor"),
                "limit" => {
                    q.limit = v
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_LIMIT).contains(n))
                        .ok_or("limit is 1 to 100")?;
                }
                _ => {}
            }
        }
        Ok(q)
    }

    /// The page from the records read in id order after the cursor: at most `limit + 1` of
    /// them (one more tells whether a next page exists). The status filter applies to the
    /// records of this page, so a filtered page may hold fewer than `limit`.
    pub fn page(&self, mut scanned: Vec<OnboardingSummary>) -> OnboardingPage {
        let next_cursor = if scanned.len() > self.limit {
            scanned.truncate(self.limit);
            scanned.last().map(|o| o.id.clone())
        } else {
            None
        };
        if let Some(status) = &self.status {
            scanned.retain(|o| o.status.as_ref() == Some(status));
        }
        OnboardingPage {
            onboardings: scanned,
            next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn onb(id: &str, status: Option<&str>) -> OnboardingSummary {
        OnboardingSummary {
            id: id.into(),
            status: status.map(str::to_owned),
            started_by: "u".into(),
            created_at_ms: 1,
        }
    }

    #[test]
    fn the_query_is_read_and_checked() {
        assert_eq!(
            ListQuery::parse("").unwrap(),
            ListQuery {
                limit: DEFAULT_LIMIT,
                ..ListQuery::default()
            }
        );
        let q = ListQuery::parse("status=active&cursor=onb_9&limit=2&other=x").unwrap();
        assert_eq!(
            (q.status.as_deref(), q.cursor.as_deref(), q.limit),
            (Some("active"), Some("onb_9"), 2)
        );
        for bad in [
            "status=done",
            "limit=0",
            "limit=101",
            "limit=x",
            "cursor=a%20b",
            "cursor=",
        ] {
            assert!(ListQuery::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_page_tells_whether_another_follows_and_filters_its_own_records() {
        let q = ListQuery::parse("limit=2").unwrap();
        let p = q.page(vec![
            onb("a", None),
            onb("b", Some("active")),
            onb("c", None),
        ]);
        assert_eq!(p.onboardings.len(), 2);
        assert_eq!(p.next_cursor.as_deref(), Some("b"));
        let last = q.page(vec![onb("c", Some("active"))]);
        assert_eq!((last.onboardings.len(), last.next_cursor), (1, None));
        let active = ListQuery::parse("limit=2&status=active").unwrap();
        let p = active.page(vec![
            onb("a", None),
            onb("b", Some("active")),
            onb("c", None),
        ]);
        assert_eq!(p.onboardings, [onb("b", Some("active"))]);
        assert_eq!(p.next_cursor.as_deref(), Some("b"));
        let none = active.page(vec![
            onb("a", Some("failed")),
            onb("b", None),
            onb("c", None),
        ]);
        assert!(none.onboardings.is_empty());
        assert_eq!(
            none.next_cursor.as_deref(),
            Some("b"),
            "the cursor moves on anyway"
        );
    }
}
