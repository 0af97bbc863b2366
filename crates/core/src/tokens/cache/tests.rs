//! The token cache's decisions, one scenario per rule.

use super::*;

const T0: u64 = 1_700_000_000_000;

fn set(access: &str, refresh: Option<&str>) -> TokenSet {
    TokenSet {
        access_token: AccessToken::new(access),
        refresh_token: refresh.map(RefreshToken::new),
        expires_in: Some(100),
        scopes: vec!["read".into()],
        extra: serde_json::Map::new(),
    }
}

fn granted(lifetime_s: u64, refresh_expires_in_s: Option<u64>) -> Granted {
    Granted {
        lifetime_s,
        capped_from_s: None,
        refresh_expires_in_s,
        account: None,
    }
}

/// Leads, accepts a 100 s token (refresh at 90 s), stores it and finishes at `now`.
fn obtain(c: &mut TokenCache, now: u64, access: &str, refresh: Option<&str>) -> HeldToken {
    assert!(matches!(c.want(now), Want::Lead));
    let a = c.accept(
        now,
        set(access, refresh),
        granted(100, None),
        "https://api".into(),
        0.0,
    );
    assert!(c.to_store(Some(&a.held)).is_some());
    c.stored();
    c.finish(Ok(a.held), now).expect("token")
}

fn retryable() -> TokenFailure {
    TokenFailure::of(
        FailureClass::Retryable {
            retry_after_ms: None,
        },
        "503",
    )
}

#[test]
fn single_flight_one_leader_and_the_rest_join_until_it_finishes() {
    let mut c = TokenCache::default();
    assert!(matches!(c.want(T0), Want::Lead));
    assert!(matches!(c.want(T0), Want::Join));
    assert!(matches!(c.want(T0 + 5), Want::Join));
    let a = c.accept(
        T0,
        set("a1", None),
        granted(100, None),
        "https://api".into(),
        0.0,
    );
    let out = c.finish(Ok(a.held), T0 + 10).expect("token");
    assert_eq!(out.token.expose(), "a1");
    assert_eq!(out.generation, 1);
    // Fresh: served from the cache, no new leader.
    assert!(matches!(c.want(T0 + 50_000), Want::Serve(h) if h.token.expose() == "a1"));
    assert_eq!(c.status("c", "stream", T0 + 20).state, "valid");
}

#[test]
fn refreshes_early_and_serves_the_old_token_while_refreshing() {
    let mut c = TokenCache::default();
    obtain(&mut c, T0, "a1", Some("r1"));
    // 90 s in: refresh due. The first caller leads; callers meanwhile get the valid token.
    assert!(matches!(c.want(T0 + 90_000), Want::Lead));
    assert_eq!(c.status("c", "stream", T0 + 90_000).state, "refreshing");
    assert!(matches!(c.want(T0 + 91_000), Want::Serve(h) if h.token.expose() == "a1"));
    assert!(matches!(c.next_grant(T0 + 90_000), NextGrant::Refresh(r) if r.expose() == "r1"));
}

#[test]
fn a_retryable_failure_of_a_due_refresh_serves_the_still_valid_token() {
    let mut c = TokenCache::default();
    obtain(&mut c, T0, "a1", Some("r1"));
    assert!(matches!(c.want(T0 + 95_000), Want::Lead));
    let out = c
        .finish(Err(retryable()), T0 + 95_000)
        .expect("stale token");
    assert_eq!(out.token.expose(), "a1");
    let st = c.status("c", "stream", T0 + 95_000);
    assert_eq!(st.last_error.as_deref(), Some("partner_unavailable"));
    assert_eq!(
        st.problem, None,
        "a passing fault is not an operator's problem"
    );
    // Past expiry the same failure is answered.
    assert!(matches!(c.want(T0 + 100_000), Want::Lead));
    assert_eq!(
        c.finish(Err(retryable()), T0 + 100_000).unwrap_err().code,
        "partner_unavailable"
    );
}

#[test]
fn refused_refresh_falls_back_to_a_new_grant_and_a_lapsed_one_is_not_tried() {
    let mut c = TokenCache::default();
    obtain(&mut c, T0, "a1", Some("r1"));
    c.want(T0 + 200_000);
    assert!(matches!(c.next_grant(T0 + 200_000), NextGrant::Refresh(_)));
    c.refresh_refused();
    assert!(c.to_store(None).is_some_and(|s| s.refresh_token.is_none()));
    assert!(matches!(c.next_grant(T0 + 200_000), NextGrant::New));

    // A refresh token with its own lifetime (Stream's refresh_token_expires_in).
    let mut c = TokenCache::default();
    c.want(T0);
    let a = c.accept(
        T0,
        set("a1", Some("r1")),
        granted(100, Some(150)),
        "b".into(),
        0.0,
    );
    c.stored();
    c.finish(Ok(a.held), T0).expect("token");
    c.want(T0 + 149_000);
    assert!(matches!(c.next_grant(T0 + 149_000), NextGrant::Refresh(_)));
    assert!(matches!(
        c.next_grant(T0 + 150_000),
        NextGrant::NewRefreshLapsed
    ));
    assert!(c.to_store(None).is_some_and(|s| s.refresh_token.is_none()));
    assert!(!c.status("c", "stream", T0).holds_refresh_token);
}

#[test]
fn needs_reauth_holds_off_reports_once_per_episode_and_reset_ends_it() {
    let mut c = TokenCache::default();
    let refused = TokenFailure::of(FailureClass::NeedsReauth, "invalid_grant");
    assert!(matches!(c.want(T0), Want::Lead));
    assert_eq!(
        c.finish(Err(refused.clone()), T0).unwrap_err().code,
        "needs_reauth"
    );
    assert_eq!(c.unreported_reauth(), Some(T0));
    // Held off: no leader, the same failure.
    assert!(matches!(c.want(T0 + HOLD_OFF_MS - 1), Want::Refuse(f) if f.code == "needs_reauth"));
    let st = c.status("c", "omniretain", T0 + 1);
    assert_eq!(
        (st.state.as_str(), st.problem.as_deref()),
        ("needs_reauth", Some("invalid_grant"))
    );
    // After the hold-off one attempt is made; failing again is the same episode.
    c.reauth_reported(T0);
    assert!(matches!(c.want(T0 + HOLD_OFF_MS), Want::Lead));
    c.finish(Err(refused.clone()), T0 + HOLD_OFF_MS)
        .unwrap_err();
    assert_eq!(c.unreported_reauth(), None);
    // An operator's reset: tries at once, and a new refusal is a new episode.
    c.reset();
    assert!(c.is_loaded());
    assert_eq!(c.status("c", "omniretain", T0 + HOLD_OFF_MS).state, "idle");
    assert!(matches!(c.want(T0 + HOLD_OFF_MS + 1), Want::Lead));
    c.finish(Err(refused), T0 + HOLD_OFF_MS + 1).unwrap_err();
    assert_eq!(c.unreported_reauth(), Some(T0 + HOLD_OFF_MS + 1));
}

#[test]
fn a_replacement_token_ends_needs_reauth_at_once_and_leaves_a_leader_alone() {
    let mut c = TokenCache::default();
    let refused = TokenFailure::of(FailureClass::NeedsReauth, "invalid_grant");
    assert!(matches!(c.want(T0), Want::Lead));
    c.finish(Err(refused), T0).unwrap_err();
    assert!(matches!(c.want(T0 + 1), Want::Refuse(_)));
    // Update mode: new values, verified by a grant of their own.
    let a = c.accept(
        T0 + 2,
        set("new", None),
        granted(100, None),
        "https://api".into(),
        0.0,
    );
    assert!(c.replaced(a.held, T0 + 2), "it was in needs_reauth");
    assert_eq!(
        c.unreported_reauth(),
        None,
        "no needs_reauth event after the recovery"
    );
    assert!(matches!(c.want(T0 + 3), Want::Serve(h) if h.token.expose() == "new"));
    assert_eq!(c.status("c", "powerepos", T0 + 3).state, "valid");
    // A replacement while a leader is acquiring: the leader still finishes its own.
    let mut c = TokenCache::default();
    assert!(matches!(c.want(T0), Want::Lead));
    let a = c.accept(
        T0,
        set("mine", None),
        granted(100, None),
        "https://api".into(),
        0.0,
    );
    assert!(!c.replaced(a.held, T0), "no episode to end");
    assert!(matches!(c.want(T0 + 1), Want::Serve(_)));
}

#[test]
fn what_a_deleted_connection_revokes_is_its_refresh_token_else_a_live_access_token() {
    use crate::tokens::request::TokenHint;
    let mut c = TokenCache::default();
    assert_eq!(c.revocable(T0), None);
    obtain(&mut c, T0, "at", Some("rt"));
    assert_eq!(c.revocable(T0 + 1), Some(("rt", TokenHint::Refresh)));
    let mut c = TokenCache::default();
    obtain(&mut c, T0, "at", None);
    assert_eq!(c.revocable(T0 + 1), Some(("at", TokenHint::Access)));
    assert_eq!(
        c.revocable(T0 + 100_000),
        None,
        "an expired access token is not sent anywhere"
    );
}

#[test]
fn misconfigured_holds_off_without_a_reauth_event() {
    let mut c = TokenCache::default();
    c.want(T0);
    c.finish(Err(TokenFailure::misconfigured("service URI refused")), T0)
        .unwrap_err();
    assert_eq!(c.unreported_reauth(), None);
    assert!(matches!(c.want(T0 + 1), Want::Refuse(f) if f.code == "misconfigured"));
}

#[test]
fn a_failed_state_write_is_not_retried_in_place_and_stays_unsaved() {
    let storage = TokenFailure::storage("put failed");
    assert_eq!(TokenCache::retry_delay_ms(1, &storage, 0.5), None);
    assert!(TokenCache::retry_delay_ms(1, &retryable(), 0.5).is_some());
    assert_eq!(
        TokenCache::retry_delay_ms(1, &TokenFailure::misconfigured("x"), 0.5),
        None
    );

    let mut c = TokenCache::default();
    c.want(T0);
    let a = c.accept(
        T0,
        set("a1", Some("r2")),
        granted(100, None),
        "b".into(),
        0.0,
    );
    // The write failed: the token is not handed out, and the next leader writes first.
    assert_eq!(
        c.finish(Err(storage), T0).unwrap_err().code,
        STORAGE_UNAVAILABLE
    );
    let pending = c.to_store(None).expect("still unsaved");
    assert_eq!(pending.refresh_token.as_deref(), Some("r2"));
    assert_eq!(
        pending.access_token, None,
        "the unsaved token was never held"
    );
    assert_eq!(a.held.generation, 1);
    c.stored();
    assert!(c.to_store(None).is_none());
    assert!(
        matches!(c.want(T0 + 1), Want::Lead),
        "storage failures do not hold off"
    );
}

#[test]
fn invalidate_drops_only_the_refused_generation() {
    let mut c = TokenCache::default();
    obtain(&mut c, T0, "a1", None);
    c.invalidate(7);
    assert!(matches!(c.want(T0 + 1), Want::Serve(_)));
    c.invalidate(1);
    assert!(matches!(c.want(T0 + 1), Want::Lead));
}

#[test]
fn stored_state_round_trips_and_newer_state_wins_over_it() {
    let mut c = TokenCache::default();
    let held = obtain(&mut c, T0, "a1", Some("r1"));
    c.refresh_refused();
    let stored = c.to_store(Some(&held)).expect("unsaved");
    let json = serde_json::to_string(&stored).expect("json");
    let back: StoredTokens = serde_json::from_str(&json).expect("back");
    assert_eq!(back, stored);

    let mut fresh = TokenCache::default();
    fresh.load(Some(back));
    assert!(fresh.is_loaded());
    assert!(matches!(fresh.want(T0 + 1), Want::Serve(h) if h.generation == 1));
    assert!(!fresh.status("c", "s", T0).holds_refresh_token);
    // A second load (a request that awaited storage meanwhile) changes nothing.
    fresh.load(None);
    assert!(matches!(fresh.want(T0 + 1), Want::Serve(_)));
    // Generations never go back after a load.
    let a = fresh.accept(T0, set("a2", None), granted(100, None), "b".into(), 0.0);
    assert_eq!(a.held.generation, 2);
}

#[test]
fn a_capped_lifetime_is_reported_once() {
    let mut c = TokenCache::default();
    let mut g = granted(86_400, None);
    g.capped_from_s = Some(1_700_000_000);
    let first = c.accept(T0, set("a", None), g.clone(), "b".into(), 0.0);
    assert_eq!(first.capped, Some((1_700_000_000, 86_400)));
    assert_eq!(
        c.accept(T0, set("a", None), g, "b".into(), 0.0).capped,
        None
    );
}

#[test]
fn a_partner_401_means_one_new_token_and_one_retry_never_more() {
    use PartnerVerdict::*;
    assert_eq!(partner_verdict(200, 0, false), Use);
    assert_eq!(partner_verdict(401, 0, false), RetryWithNewToken);
    assert_eq!(partner_verdict(401, 1, false), RejectedToken);
    assert_eq!(partner_verdict(200, 1, false), Use);
    // A 403 is the partner's own answer unless the profile says it means an invalid token
    // (OmniRetain); then it retries once, and a second 403 is passed on as the partner's answer.
    assert_eq!(partner_verdict(403, 0, false), Use);
    assert_eq!(partner_verdict(403, 0, true), RetryWithNewToken);
    assert_eq!(partner_verdict(403, 1, true), Use);
}
