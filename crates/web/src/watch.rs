//! Watching an onboarding until it settles: long-polls the worker (`If-None-Match` + `?wait=`),
//! so a status change arrives within moments and an unchanged one costs one request per wait;
//! retries retryable errors with jittered exponential backoff ([`RETRY_BACKOFF`]); pauses while
//! the tab is hidden; ends on a terminal status ([`OnboardingStatus::is_terminal`]), on a
//! non-retryable error, on [`Watch::stop`] and when the [`Watch`] is dropped. Like gloo's
//! handles, a [`Watch`] is `#[must_use]` and stopping or dropping it aborts the long-poll in
//! flight (an `AbortController`); its waits are `gloo-timers` timeouts.

use crate::client::{Client, ClientError};
use gatehouse_core::backoff::Backoff;
use gatehouse_core::contract::stream::OnboardingStatus;
use gatehouse_core::onboarding::OnboardingView;
use gloo_timers::future::TimeoutFuture;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::AbortController;

/// How long one long-poll asks the worker to wait for a change.
pub const LONG_POLL_S: u32 = 20;

/// The wait before retrying a retryable error: 1 s doubling to 30 s, jittered so that many
/// watchers do not retry in step.
pub const RETRY_BACKOFF: Backoff = Backoff::new(1_000, 30_000);

/// What a watcher reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    /// The onboarding's current status (reported when it changes; the last one may be terminal).
    Status(OnboardingView),
    /// A failed poll; `retry_in_ms` is `Some` when the watcher will try again.
    Error {
        /// What went wrong.
        error: ClientError,
        /// When the next attempt is made, or `None` when the watch has ended.
        retry_in_ms: Option<u32>,
    },
}

/// A running watch. Stops on [`Watch::stop`] or when dropped, aborting the request in flight.
#[derive(Debug)]
#[must_use = "a watch stops (and aborts its request in flight) when dropped"]
pub struct Watch {
    stopped: Rc<Cell<bool>>,
    poke: Rc<Cell<bool>>,
    abort: Option<AbortController>,
}

impl Watch {
    /// Stops the watch: the request in flight is aborted, no further request is sent and no
    /// further update is reported.
    pub fn stop(&self) {
        self.stopped.set(true);
        if let Some(a) = &self.abort {
            a.abort();
        }
    }

    /// Asks for a fresh status now (e.g. after the popup reported the merchant came back).
    pub fn refresh(&self) {
        self.poke.set(true);
    }

    /// Whether the watch has ended (stopped, terminal status or a non-retryable error).
    pub fn is_stopped(&self) -> bool {
        self.stopped.get()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop();
    }
}

fn tab_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// Watches onboarding `id`, calling `on_update` for every change and error.
pub fn watch(client: Client, id: String, mut on_update: impl FnMut(Update) + 'static) -> Watch {
    run(
        client,
        id,
        crate::client::decode::<OnboardingView>,
        OnboardingView::is_terminal,
        move |event| {
            on_update(match event {
                Ok(view) => Update::Status(view),
                Err((error, retry_in_ms)) => Update::Error { error, retry_in_ms },
            })
        },
    )
}

/// The same watch, reporting each status as the parsed JSON object (the JavaScript API: no
/// deserializer in the package).
pub fn watch_json(
    client: Client,
    id: String,
    on_update: impl FnMut(Result<JsValue, (ClientError, Option<u32>)>) + 'static,
) -> Watch {
    run(client, id, Ok, json_is_terminal, on_update)
}

/// Whether an onboarding, as the parsed JSON object, has a terminal `status`
/// ([`OnboardingStatus::is_terminal`]).
pub fn json_is_terminal(view: &JsValue) -> bool {
    js_sys::Reflect::get(view, &"status".into())
        .ok()
        .and_then(|s| s.as_string())
        .is_some_and(|s| OnboardingStatus::from(s).is_terminal())
}

fn run<T: 'static>(
    client: Client,
    id: String,
    decode: fn(JsValue) -> Result<T, ClientError>,
    terminal: fn(&T) -> bool,
    mut on_update: impl FnMut(Result<T, (ClientError, Option<u32>)>) + 'static,
) -> Watch {
    let stopped = Rc::new(Cell::new(false));
    let poke = Rc::new(Cell::new(false));
    let (stop, poked) = (stopped.clone(), poke.clone());
    // Without an AbortController (never in a browser) the watch still stops, only later.
    let abort = AbortController::new().ok();
    let signal = abort.as_ref().map(AbortController::signal);
    wasm_bindgen_futures::spawn_local(async move {
        let mut etag: Option<String> = None;
        let mut failures = 0u32;
        while !stop.get() {
            if tab_hidden() && !poked.get() {
                TimeoutFuture::new(1000).await; // paused while hidden: no requests
                continue;
            }
            // A poke skips the long wait once, so the status is read right away.
            let wait = if poked.replace(false) { 0 } else { LONG_POLL_S };
            let answer = client
                .status_raw_with(&id, etag.as_deref(), wait, signal.as_ref())
                .await
                .and_then(|a| match a.status {
                    304 => Ok(None),
                    _ => decode(a.json).map(|v| Some((v, a.etag))),
                });
            if stop.get() {
                break;
            }
            match answer {
                Ok(Some((value, tag))) => {
                    failures = 0;
                    etag = tag;
                    let done = terminal(&value);
                    on_update(Ok(value));
                    if done {
                        stop.set(true);
                    }
                }
                Ok(None) => failures = 0,
                Err(error) if error.retryable() => {
                    failures += 1;
                    let delay = RETRY_BACKOFF.delay_ms(failures, js_sys::Math::random());
                    let delay = u32::try_from(delay).unwrap_or(u32::MAX);
                    on_update(Err((error, Some(delay))));
                    TimeoutFuture::new(delay).await;
                }
                Err(error) => {
                    on_update(Err((error, None)));
                    stop.set(true);
                }
            }
        }
    });
    Watch {
        stopped,
        poke,
        abort,
    }
}
