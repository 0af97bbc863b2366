//! Onboarding (seed 000, "Onboarding - Integrations/Locations/Org"), the sans-IO parts: the API
//! types the browser sees, input validation, the OAuth `state` format, the return-page allowlist
//! (docs/security.md item 14), the role policy, and entity tags for conditional status answers.

use crate::contract::stream::{IntegrationType, Onboarding, OnboardingStatus, Role};
use base64::Engine;
use serde::{Deserialize, Serialize};

/// An onboarding as the browser sees it: no partner-internal URLs, no codes.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct OnboardingView {
    /// Onboarding id.
    pub id: String,
    /// `pos` or `dsp` (unknown values kept).
    #[serde(rename = "type")]
    #[cfg_attr(feature = "ts", ts(type = "IntegrationType"))]
    pub kind: IntegrationType,
    /// The platform connected, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `pending`, `active`, `revoked`, `failed` (unknown values kept).
    #[cfg_attr(feature = "ts", ts(type = "OnboardingStatus"))]
    pub status: OnboardingStatus,
    /// The merchant at the source platform, once active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<String>,
    /// The integration created on completion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_id: Option<String>,
}

impl From<&Onboarding> for OnboardingView {
    fn from(o: &Onboarding) -> Self {
        Self {
            id: o.id.clone(),
            kind: o.r#type.clone(),
            source: o.source.clone(),
            status: o.status.clone(),
            merchant_id: o.merchant_id.clone(),
            integration_id: o.integration_id.clone(),
        }
    }
}

impl OnboardingView {
    /// Whether watching can stop: `active`, `revoked` or `failed` (`active` can still be revoked,
    /// but nothing the merchant does moves it). Unknown statuses are not terminal.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self.status,
            OnboardingStatus::Active | OnboardingStatus::Revoked | OnboardingStatus::Failed
        )
    }
}

/// `POST /api/onboarding`: what the page asks for. The organization comes from the session.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct StartRequest {
    /// The platform to connect (`square`, `toast`, `ubereats`, ...).
    #[cfg_attr(feature = "openapi", schemars(regex(pattern = r"^[a-z0-9_-]{1,64}$")))]
    pub source: String,
    /// `pos` or `dsp`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schemars(schema_with = "integration_type_input"))]
    pub kind: IntegrationType,
    /// Which allowlisted page the merchant comes back to (default: the first).
    #[serde(default)]
    pub return_page: Option<String>,
}

/// A start request's `type`: only the documented values are accepted.
#[cfg(feature = "openapi")]
fn integration_type_input(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let known: Vec<&str> = IntegrationType::KNOWN.iter().map(|k| k.as_str()).collect();
    schemars::json_schema!({ "type": "string", "enum": known })
}

/// `POST /api/onboarding` answer.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct StartResponse {
    /// The new onboarding (`pending`).
    pub onboarding: OnboardingView,
    /// Where to send the merchant to authorize at the partner.
    pub entry_url: String,
}

/// Why a start request is refused (each a stable code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// `source` is not 1–64 of `a–z 0–9 _ -`.
    #[error("invalid_source")]
    Source,
    /// `type` is not `pos` or `dsp`.
    #[error("invalid_type")]
    Type,
    /// `return_page` is not exactly one of the configured pages.
    #[error("return_page_not_allowed")]
    ReturnPage,
}

impl StartRequest {
    /// Checks the request against the allowlist; answers the return page to use.
    pub fn validate(&self, pages: &[String]) -> Result<String, StartError> {
        let source_ok = (1..=64).contains(&self.source.len())
            && self
                .source
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !source_ok {
            return Err(StartError::Source);
        }
        if matches!(self.kind, IntegrationType::Other(_)) {
            return Err(StartError::Type);
        }
        pick_return_page(pages, self.return_page.as_deref()).ok_or(StartError::ReturnPage)
    }
}

/// The allowlisted return page: exactly equal to one configured page (no prefix, no pattern),
/// or the first when none is asked for.
pub fn pick_return_page(pages: &[String], requested: Option<&str>) -> Option<String> {
    match requested {
        None => pages.first().cloned(),
        Some(r) => pages.iter().find(|p| p.as_str() == r).cloned(),
    }
}

/// Parses `ONBOARDING_RETURN_PAGES` (comma-separated absolute URLs). Each must be `https://`
/// (or `http://` on 127.0.0.1/localhost), with no userinfo, fragment, whitespace or control
/// characters; the error names the offending entry.
pub fn parse_return_pages(var: &str) -> Result<Vec<String>, String> {
    let pages = crate::comma_list(var);
    if pages.is_empty() {
        return Err("ONBOARDING_RETURN_PAGES is empty".into());
    }
    for p in &pages {
        if !safe_absolute_url(p) {
            return Err(format!(
                "ONBOARDING_RETURN_PAGES: {p:?} is not an allowed absolute URL"
            ));
        }
    }
    Ok(pages)
}

/// An absolute `https` URL (or `http` to a loopback host) with a plain host, no userinfo, no
/// fragment, no backslashes, spaces or control characters.
pub fn safe_absolute_url(u: &str) -> bool {
    let rest = if let Some(r) = u.strip_prefix("https://") {
        r
    } else if let Some(r) = u.strip_prefix("http://") {
        let host = r.split(['/', '?']).next().unwrap_or("");
        let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
        if host != "127.0.0.1" && host != "localhost" {
            return false;
        }
        r
    } else {
        return false;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    !authority.is_empty()
        && !authority.contains('@')
        && !u.contains('#')
        && !u.contains('\\')
        && u.bytes().all(|b| b.is_ascii_graphic())
}

/// Where the return handler sends the browser: the allowlisted page with only the onboarding id
/// and an outcome (`status=active|failed|...` or `error=<code>`).
pub fn return_location(page: &str, onboarding_id: Option<&str>, outcome: (&str, &str)) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    if let Some(id) = onboarding_id {
        q.append_pair("onboarding", id);
    }
    q.append_pair(outcome.0, outcome.1);
    let sep = if page.contains('?') { '&' } else { '?' };
    format!("{page}{sep}{}", q.finish())
}

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

/// What a role may do with onboardings (the documented policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read status and locations.
    Read,
    /// Start an onboarding, ingest POS locations, bind DSP locations.
    Manage,
    /// Revoke an integration.
    Revoke,
}

/// `owner`, `admin`: everything; `manager`: read and manage; `team_member`, `custom`: read.
pub fn may(role: &Role, action: Action) -> bool {
    match action {
        Action::Read => true,
        Action::Manage => matches!(role, Role::Owner | Role::Admin | Role::Manager),
        Action::Revoke => matches!(role, Role::Owner | Role::Admin),
    }
}

/// How long a watcher waits before retry `attempt` (1-based) after a retryable error: doubling
/// from 1 s to at most 30 s, with "equal jitter" (half fixed, half random; `jitter` in 0..1) so
/// many watchers do not retry in step.
pub fn backoff_ms(attempt: u32, jitter: f64) -> u32 {
    let base = 1000u32
        .saturating_mul(1 << attempt.clamp(1, 6).saturating_sub(1))
        .min(30_000);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.5
    };
    base / 2 + (f64::from(base / 2) * jitter) as u32
}

/// A strong entity tag for a JSON answer (FNV-1a 64 of its bytes), quoted.
pub fn etag(body: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in body {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("\"{h:016x}\"")
}

/// Whether an `If-None-Match` header matches `tag` (a list, `*`, or weak forms).
pub fn if_none_match(header: &str, tag: &str) -> bool {
    header
        .split(',')
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages() -> Vec<String> {
        vec![
            "https://portal.example/onboarding/done".into(),
            "http://127.0.0.1:8787/onboarding".into(),
        ]
    }

    #[test]
    fn return_pages_match_exactly_and_hostile_ones_are_refused() {
        assert_eq!(pick_return_page(&pages(), None).unwrap(), pages()[0]);
        assert!(pick_return_page(&pages(), Some("http://127.0.0.1:8787/onboarding")).is_some());
        for hostile in [
            "https://portal.example/onboarding/done/../../evil",
            "https://portal.example/onboarding/donex",
            "HTTPS://portal.example/onboarding/done",
            "https://portal.example.evil.example/onboarding/done",
            "https://portal.example@evil.example/onboarding/done",
            "https://portal.example/onboarding/done?x=1",
            "javascript:alert(1)",
            "data:text/html,hi",
            "//evil.example",
            "/onboarding/done",
            "https://portal.example\\@evil.example",
            "https://portal.example/onboarding/done%0d%0a",
            "",
        ] {
            assert!(
                pick_return_page(&pages(), Some(hostile)).is_none(),
                "{hostile}"
            );
        }
    }

    #[test]
    fn configured_pages_must_be_plain_absolute_urls() {
        assert!(parse_return_pages("https://a.example/x, http://127.0.0.1:8787/o").is_ok());
        for bad in [
            "http://a.example/x",
            "javascript:alert(1)",
            "https://user@a.example/x",
            "https://a.example/x#frag",
            "https://a.example\\x",
            "/relative",
            "https://",
            "",
        ] {
            assert!(parse_return_pages(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_return_location_carries_only_the_id_and_outcome() {
        assert_eq!(
            return_location(
                "https://p.example/done",
                Some("onb_1"),
                ("status", "active")
            ),
            "https://p.example/done?onboarding=onb_1&status=active"
        );
        assert_eq!(
            return_location(
                "http://127.0.0.1:8787/o?tab=2",
                None,
                ("error", "invalid_state")
            ),
            "http://127.0.0.1:8787/o?tab=2&error=invalid_state"
        );
    }

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
    fn start_requests_are_validated() {
        let req = |source: &str, kind: &str| -> Result<String, StartError> {
            let r: StartRequest =
                serde_json::from_value(serde_json::json!({"source": source, "type": kind}))
                    .unwrap();
            r.validate(&pages())
        };
        assert!(req("square", "pos").is_ok());
        assert_eq!(req("Square POS", "pos").unwrap_err(), StartError::Source);
        assert_eq!(req("square", "kiosk").unwrap_err(), StartError::Type);
        let r: StartRequest = serde_json::from_value(
            serde_json::json!({"source":"s","type":"dsp","return_page":"https://evil.example"}),
        )
        .unwrap();
        assert_eq!(r.validate(&pages()).unwrap_err(), StartError::ReturnPage);
        assert!(
            serde_json::from_value::<StartRequest>(
                serde_json::json!({"source":"s","type":"pos","org_id":"x"})
            )
            .is_err(),
            "no org from the body"
        );
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        assert_eq!(backoff_ms(1, 0.0), 500);
        assert_eq!(backoff_ms(1, 1.0), 1000);
        assert_eq!(backoff_ms(2, 0.0), 1000);
        assert_eq!(backoff_ms(3, 1.0), 4000);
        assert_eq!(backoff_ms(50, 1.0), 30_000);
        assert_eq!(backoff_ms(50, 0.0), 15_000);
        assert_eq!(backoff_ms(0, f64::NAN), 750);
    }

    #[test]
    fn a_return_is_accepted_only_from_the_starting_browser_and_user() {
        let pending = PendingState {
            onboarding_id: "onb_1".into(),
            user_id: "u-1".into(),
            return_page: pages()[0].clone(),
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

    #[test]
    fn policy_and_etags() {
        assert!(may(&Role::Manager, Action::Manage));
        assert!(!may(&Role::Manager, Action::Revoke));
        assert!(!may(&Role::TeamMember, Action::Manage));
        assert!(may(&Role::Custom, Action::Read));
        let t = etag(b"{}");
        assert_eq!(t, etag(b"{}"));
        assert_ne!(t, etag(b"{ }"));
        assert!(if_none_match(&format!("W/{t}, \"x\""), &t));
        assert!(!if_none_match("\"x\"", &t));
    }
}
