//! The OAuth `state` of an onboarding, the pending record the organization's object keeps for
//! it, and the binding cookie that ties a flow to the browser that started it.

use base64::Engine;
use serde::{Deserialize, Serialize};

/// The OAuth `state`: `base64url(provider_org_id) "." base64url(32 random bytes)`. The org part
/// routes the return to the organization's records; the random part is what is checked (single
/// use, expiring, recorded with the session that started it).
pub fn make_state(provider_org_id: &str, random: &[u8; 32]) -> String {
    let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!("{}.{}", e.encode(provider_org_id), e.encode(random))
}

/// Splits a state into `(provider_org_id, nonce)`; `None` for anything malformed.
pub fn parse_state(state: &str) -> Option<(String, String)> {
    if state.len() > 300 {
        return None;
    }
    let (org, nonce) = state.split_once('.')?;
    let org = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(org)
        .ok()?;
    let org = String::from_utf8(org).ok()?;
    let nonce_ok = nonce.len() == 43
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (crate::session::valid_id(&org) && nonce_ok).then(|| (org, nonce.to_owned()))
}

/// Why a merchant's return from the partner is refused before any partner call (each a stable
/// code on the return page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReturnRefusal {
    /// The state was used already (single use).
    #[error("state_already_used")]
    AlreadyUsed,
    /// The state outlived `ONBOARDING_STATE_TTL_S`.
    #[error("state_expired")]
    Expired,
    /// The browser does not hold the flow's binding cookie (it did not start the flow through
    /// the go link): a forwarded partner link finished elsewhere (docs/security.md item 25).
    #[error("flow_not_started_here")]
    NotStartedHere,
    /// The browser carries a portal session of another user than the one who started.
    #[error("flow_of_another_user")]
    OtherUser,
}

/// A pending onboarding `state` as the organization's object keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingState {
    /// The onboarding started with it.
    pub onboarding_id: String,
    /// The portal user who started it.
    pub user_id: String,
    /// The allowlisted page to come back to.
    pub return_page: String,
    /// Unix milliseconds after which it is refused.
    pub expires_ms: u64,
    /// Spent by a return that reached the partner.
    pub used: bool,
    /// The partner's entry URL, followed once through the go link.
    #[serde(default)]
    pub entry_url: String,
    /// `base64url(HMAC-SHA256(binding, binding_input))`, set when the go link set the binding
    /// cookie in the starting browser; `None` until then.
    #[serde(default)]
    pub binding_tag: Option<String>,
}

/// The text the binding cookie's keyed hash covers: the state's random part and the starting
/// user, so a cookie of one flow or user never matches another.
pub fn binding_input(nonce: &str, user_id: &str) -> String {
    format!("gatehouse-onboarding-binding\n{nonce}\n{user_id}")
}

/// The name of the per-flow binding cookie (`__Host-`: Secure, `Path=/`, no `Domain`): one per
/// flow, so a POS and a DSP onboarding started side by side do not overwrite each other.
pub fn binding_cookie_name(nonce: &str) -> String {
    format!("__Host-gatehouse_onb_{}", &nonce[..nonce.len().min(16)])
}

/// base64url without padding (binding cookie values and their tags).
pub fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Constant-time equality of two tags.
pub fn tags_equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl PendingState {
    /// Decides a return before anything is spent or called: single use, expiry, the browser's
    /// binding (`presented_tag`: the keyed hash of the cookie it sent, if any) and, when the
    /// browser carries a portal session, its user. A refused binding does not spend the state,
    /// so a forwarded link tried elsewhere cannot block the merchant who started the flow.
    pub fn check_return(
        &self,
        now_ms: u64,
        presented_tag: Option<&str>,
        session_user: Option<&str>,
    ) -> Result<(), ReturnRefusal> {
        if self.used {
            return Err(ReturnRefusal::AlreadyUsed);
        }
        if now_ms > self.expires_ms {
            return Err(ReturnRefusal::Expired);
        }
        if session_user.is_some_and(|u| u != self.user_id) {
            return Err(ReturnRefusal::OtherUser);
        }
        match (&self.binding_tag, presented_tag) {
            (Some(expected), Some(presented)) if tags_equal(expected, presented) => Ok(()),
            _ => Err(ReturnRefusal::NotStartedHere),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_garbage_is_refused() {
        let s = make_state("restaurant_chain_abc_123", &[7u8; 32]);
        let (org, nonce) = parse_state(&s).unwrap();
        assert_eq!(org, "restaurant_chain_abc_123");
        assert_eq!(nonce.len(), 43);
        for bad in [
            "",
            ".",
            "abc",
            "YQ.short",
            &format!("{}.{}", "Lw", "A".repeat(43)),
            &"x".repeat(400),
        ] {
            assert!(parse_state(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_return_is_accepted_only_from_the_starting_browser_and_user() {
        let pending = PendingState {
            onboarding_id: "onb_1".into(),
            user_id: "u-1".into(),
            return_page: "https://portal.example/onboarding/done".into(),
            expires_ms: 1_000,
            used: false,
            entry_url: "https://partner.example/consent/1".into(),
            binding_tag: Some("tag-of-the-cookie".into()),
        };
        assert_eq!(
            pending.check_return(999, Some("tag-of-the-cookie"), None),
            Ok(())
        );
        assert_eq!(
            pending.check_return(999, Some("tag-of-the-cookie"), Some("u-1")),
            Ok(())
        );
        // A forwarded link: no cookie, or another flow's cookie.
        assert_eq!(
            pending.check_return(999, None, None),
            Err(ReturnRefusal::NotStartedHere)
        );
        assert_eq!(
            pending.check_return(999, Some("tag-of-the-cookiX"), None),
            Err(ReturnRefusal::NotStartedHere)
        );
        // Another user of the same organization, even with the cookie.
        assert_eq!(
            pending.check_return(999, Some("tag-of-the-cookie"), Some("u-2")),
            Err(ReturnRefusal::OtherUser)
        );
        // Never went through the go link: nothing can match.
        let unbound = PendingState {
            binding_tag: None,
            ..pending.clone()
        };
        assert_eq!(
            unbound.check_return(999, Some(""), None),
            Err(ReturnRefusal::NotStartedHere)
        );
        assert_eq!(
            pending.check_return(1_001, Some("tag-of-the-cookie"), None),
            Err(ReturnRefusal::Expired)
        );
        let used = PendingState {
            used: true,
            ..pending
        };
        assert_eq!(
            used.check_return(0, Some("tag-of-the-cookie"), None),
            Err(ReturnRefusal::AlreadyUsed)
        );
        assert_eq!(
            ReturnRefusal::NotStartedHere.to_string(),
            "flow_not_started_here"
        );
        assert_ne!(binding_input("n", "u-1"), binding_input("n", "u-2"));
        assert_eq!(
            binding_cookie_name(&"A".repeat(43)),
            format!("__Host-gatehouse_onb_{}", "A".repeat(16))
        );
    }
}
