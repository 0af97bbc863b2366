//! Onboarding status through this object: a cache of the partner's answers so that any number of
//! watchers cause at most one partner status call per interval (core's [`Coalescer`] decides),
//! and the webhook event for each status receivers are told about.

use super::{join, now_ms, wake, OnboardingRecord, OrgOnboarding, Waiters};
use crate::error::ApiError;
use crate::onboarding::partner::Stream;
use futures_channel::oneshot;
use gatehouse_core::coalesce::Turn;
use gatehouse_core::contract::stream::Onboarding;
use gatehouse_core::contract::stream_paths::StreamPaths;
use gatehouse_core::onboarding::OnboardingView;
use gatehouse_core::webhook;
use serde::{Deserialize, Serialize};

/// A cached status answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CachedStatus {
    /// The view.
    pub view: OnboardingView,
    /// When it was read from the partner.
    pub fetched_ms: u64,
}

impl OrgOnboarding {
    /// The status, from the cache while younger than `max_age_ms`, else one partner call shared
    /// by every caller that arrives meanwhile.
    pub(super) async fn status(
        &self,
        stream: &Stream<'_>,
        id: &str,
        max_age_ms: u64,
    ) -> std::result::Result<CachedStatus, ApiError> {
        let key = id.to_owned();
        let turn = self.statuses.borrow_mut().turn(&key, now_ms(), max_age_ms);
        match turn {
            Turn::Serve(view) => {
                let fetched_ms = self.statuses.borrow().learnt_at(&key).unwrap_or_default();
                return Ok(CachedStatus { view, fetched_ms });
            }
            Turn::Join => {
                let (tx, rx) = oneshot::channel();
                self.status_waiters.borrow_mut().push((key, tx));
                return join(rx, "status call").await;
            }
            Turn::Lead => {}
        }
        let result = stream
            .json::<(), Onboarding>(
                "GET",
                &StreamPaths::for_onboarding(&stream.paths().onboarding, id),
                None,
            )
            .await
            .map(|o| CachedStatus {
                view: OnboardingView::from(&o),
                fetched_ms: now_ms(),
            });
        let answer = result.as_ref().ok().map(|c| c.view.clone());
        let fetched_ms = result.as_ref().map_or(0, |c| c.fetched_ms);
        self.statuses.borrow_mut().finish(&key, answer, fetched_ms);
        // The waiters of this key (a list of (key, waiter), not a map: less wasm).
        let waiters: Waiters<CachedStatus> = {
            let mut all = self.status_waiters.borrow_mut();
            let (mine, rest): (Vec<_>, Vec<_>) = all.drain(..).partition(|(k, _)| *k == key);
            *all = rest;
            mine.into_iter().map(|(_, w)| w).collect()
        };
        wake(waiters, &result);
        if let Ok(c) = &result {
            self.observe(&c.view).await;
        }
        result
    }

    /// Keeps a view the partner answered to another call (a start, a revoke, a complete).
    pub(super) fn remember(&self, view: &OnboardingView) {
        self.statuses
            .borrow_mut()
            .remember(view.id.clone(), view.clone(), now_ms());
    }

    /// A status seen from the partner: kept as the record's last status (the server routes'
    /// list), and, when it is one receivers are told about and differs from the last one told,
    /// a webhook event is stored for every target, then recorded as told. Should the hand-over
    /// fail, `notified` stays as it was and the next observation emits the same event (same id)
    /// again.
    pub(super) async fn observe(&self, view: &OnboardingView) {
        let status = view.status.as_str();
        let key = format!("onb:{}", view.id);
        let storage = self.state.storage();
        let Some(mut rec) = storage.get::<OnboardingRecord>(&key).await.ok().flatten() else {
            return;
        };
        let notify = webhook::notifies(status) && rec.notified.as_deref() != Some(status);
        if !notify && rec.status.as_deref() == Some(status) {
            return;
        }
        rec.status = Some(status.to_owned());
        if notify {
            let event = webhook::onboarding_event(
                &view.id,
                rec.provider_org_id.as_deref().unwrap_or_default(),
                status,
                rec.notified.as_deref(),
                view.source.as_deref(),
                now_ms() / 1000,
            );
            if crate::webhooks::emit(&self.env, &event).await {
                rec.notified = Some(status.to_owned());
            }
        }
        if let Err(e) = storage.put(&key, &rec).await {
            crate::log::event(
                crate::log::Level::Warn,
                &[("onboarding", &view.id), ("record", &e.to_string())],
            );
        }
    }
}
