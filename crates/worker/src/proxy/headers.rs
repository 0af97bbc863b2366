//! The proxy's header allowlists (`gatehouse_core::proxy`) applied in one call into JavaScript
//! each way: reading the caller's request (10 names) and the partner's answer (20 names) one
//! `Headers.get` at a time copied each name out of wasm memory and crossed into JavaScript 30
//! times a call, the largest group of the worker's own calls into JavaScript in a CPU profile
//! (bench/README.md, "Where the proxy's time goes"). The names stay core's; each isolate hands
//! them to JavaScript once, as a `Set`.
//!
//! `pick` walks the headers present (a handful) and keeps the allowed ones, rather than asking
//! for each allowed name (30 `Headers.get`, each a call into the runtime): about 0.03 ms of CPU a
//! proxied call less in an interleaved A/B (bench/README.md). A header sent twice comes out of
//! the walk once, its values joined as `get` joins them; `Set-Cookie`, the one header the walk
//! gives value by value, is on neither list.

use gatehouse_core::proxy::{REQUEST_HEADERS, RESPONSE_HEADERS};
use wasm_bindgen::prelude::wasm_bindgen;
use worker::Headers;

#[wasm_bindgen(inline_js = "export function pick(from, names) {
  const out = new Headers();
  for (const [name, value] of from) {
    if (names.has(name)) out.set(name, value);
  }
  return out;
}")]
extern "C" {
    /// A new `Headers` with those of `names` that `from` has.
    fn pick(from: &web_sys::Headers, names: &js_sys::Set) -> web_sys::Headers;
}

thread_local! {
    static REQUEST: js_sys::Set = names(REQUEST_HEADERS);
    static RESPONSE: js_sys::Set = names(RESPONSE_HEADERS);
}

fn names(list: &[&str]) -> js_sys::Set {
    let names: js_sys::Array = list
        .iter()
        .map(|n| wasm_bindgen::JsValue::from_str(n))
        .collect();
    js_sys::Set::new(&names)
}

/// The caller's end-to-end headers that the partner may see.
pub fn passed_on(from: &Headers) -> Headers {
    Headers(REQUEST.with(|names| pick(&from.0, names)))
}

/// The partner's answer headers that pass back to the caller.
pub fn passed_back(from: &Headers) -> Headers {
    Headers(RESPONSE.with(|names| pick(&from.0, names)))
}
