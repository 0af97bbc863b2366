//! The floor of `make bench`: the least a Rust Worker can do to forward a call, built and run the
//! way Gatehouse's worker is (worker-build, the same worker, wasm-bindgen and web-sys versions,
//! workerd). It does what `bench/baseline/worker.js` does and nothing more: no routing, no
//! caller check, no allowlist, no token cache, no logging. Its entry is a plain `wasm_bindgen`
//! export rather than worker-rs's `#[event(fetch)]`, whose `Request` and `Response` wrappers
//! cost more. The gap between this and the JavaScript baseline is what the wasm boundary and
//! Rust's futures cost on their own; the gap between Gatehouse's proxy and this is Gatehouse's
//! own work (bench/README.md).

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// The platform's `fetch`.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn platform_fetch(url: &str, init: &web_sys::RequestInit) -> Result<js_sys::Promise, JsValue>;
}

/// A text binding of `env` (`UPSTREAM`, `TOKEN`). `worker::Env` also links the worker crate,
/// whose exports worker-build's entry calls at start-up.
fn var(env: &worker::Env, name: &str) -> Result<String, JsValue> {
    env.var(name)
        .map(|v| v.to_string())
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

/// `/api/proxy/{credential}/{rest}?{query}` → `{UPSTREAM}/{rest}?{query}`, with the bearer token.
#[wasm_bindgen]
pub async fn fetch(
    req: web_sys::Request,
    env: worker::Env,
    _ctx: JsValue,
) -> Result<web_sys::Response, JsValue> {
    let url = req.url();
    // After the scheme's "//" and the host: the path and query.
    let path = url.splitn(4, '/').nth(3).unwrap_or_default();
    // After "api", "proxy" and the credential.
    let rest = path.splitn(4, '/').nth(3).unwrap_or_default();
    let upstream = format!("{}/{rest}", var(&env, "UPSTREAM")?);
    let headers = web_sys::Headers::new()?;
    headers.set("authorization", &format!("Bearer {}", var(&env, "TOKEN")?))?;
    headers.set("accept", "application/json")?;
    let init = web_sys::RequestInit::new();
    init.set_method(&req.method());
    init.set_headers(&headers);
    let answer: web_sys::Response = JsFuture::from(platform_fetch(&upstream, &init)?)
        .await?
        .dyn_into()?;
    let content_type = answer
        .headers()
        .get("content-type")?
        .unwrap_or_else(|| "application/json".into());
    let out = web_sys::Headers::new()?;
    out.set("content-type", &content_type)?;
    out.set("cache-control", "no-store")?;
    let init = web_sys::ResponseInit::new();
    init.set_status(answer.status());
    init.set_headers(&out);
    web_sys::Response::new_with_opt_readable_stream_and_init(answer.body().as_ref(), &init)
}
