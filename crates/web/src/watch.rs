//! Watching an onboarding until it settles: long-polls the worker (`If-None-Match` + `?wait=`),
//! so a status change arrives within moments and an unchanged one costs one request per wait;
//! retries retryable errors with jittered exponential backoff; pauses while the tab is hidden;
//! ends on a terminal status (`active`, `revoked`, `failed`), on a non-retryable error, on
//! [`Watch::stop`] and when the [`Watch`] is dropped.

use crate::client::{Client, ClientError, StatusAnswer};
use gatehouse_core::onboarding::{backoff_ms, OnboardingView};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// How long one long-poll asks the worker to wait for a change.
pub const LONG_POLL_S: u32 = 20;

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

/// A running watch. Stops on [`Watch::stop`] or when dropped.
#[derive(Debug)]
pub struct Watch {
    stopped: Rc<Cell<bool>>,
    poke: Rc<Cell<bool>>,
}

impl Watch {
    /// Stops the watch: no further request is sent and no further update is reported.
    pub fn stop(&self) {
        self.stopped.set(true);
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
        self.stopped.set(true);
    }
}

/// Resolves after `ms` milliseconds (`setTimeout`).
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        if let Ok(set_timeout) = js_sys::Reflect::get(&global, &"setTimeout".into())
            .and_then(|f| f.dyn_into::<js_sys::Function>())
        {
            let _ = set_timeout.call2(&global, &resolve, &JsValue::from(ms));
        }
    });
    let _ = JsFuture::from(promise).await;
}

fn tab_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// Watches onboarding `id`, calling `on_update` for every change and error.
pub fn watch(client: Client, id: String, mut on_update: impl FnMut(Update) + 'static) -> Watch {
    let stopped = Rc::new(Cell::new(false));
    let poke = Rc::new(Cell::new(false));
    let (stop, poked) = (stopped.clone(), poke.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let mut etag: Option<String> = None;
        let mut failures = 0u32;
        while !stop.get() {
            if tab_hidden() && !poked.get() {
                sleep(1000).await; // paused while hidden: no requests
                continue;
            }
            // A poke skips the long wait once, so the status is read right away.
            let wait = if poked.replace(false) { 0 } else { LONG_POLL_S };
            let answer = client.status_if_changed(&id, etag.as_deref(), wait).await;
            if stop.get() {
                break;
            }
            match answer {
                Ok(StatusAnswer::Changed(view, tag)) => {
                    failures = 0;
                    etag = tag;
                    let done = view.is_terminal();
                    on_update(Update::Status(view));
                    if done {
                        stop.set(true);
                    }
                }
                Ok(StatusAnswer::Unchanged) => failures = 0,
                Err(error) if error.retryable() => {
                    failures += 1;
                    let delay = backoff_ms(failures, js_sys::Math::random());
                    on_update(Update::Error {
                        error,
                        retry_in_ms: Some(delay),
                    });
                    sleep(delay).await;
                }
                Err(error) => {
                    on_update(Update::Error {
                        error,
                        retry_in_ms: None,
                    });
                    stop.set(true);
                }
            }
        }
    });
    Watch { stopped, poke }
}
