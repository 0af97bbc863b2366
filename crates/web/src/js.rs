//! The JavaScript API of the npm package (`wasm-bindgen`): `new GatehouseClient(baseUrl)`.

use crate::client::{Client, ClientError};
use wasm_bindgen::prelude::*;

/// Gatehouse's browser client, for JavaScript.
#[wasm_bindgen(js_name = GatehouseClient)]
pub struct JsClient {
    inner: Client,
}

fn to_js_error(e: ClientError) -> JsValue {
    let obj = js_sys::Object::new();
    let (code, status) = match &e {
        ClientError::Api { status, body } => (body.code.clone(), *status),
        ClientError::Network(_) => ("network_error".to_owned(), 0),
        ClientError::Decode(_) => ("unexpected_response".to_owned(), 0),
    };
    let _ = js_sys::Reflect::set(&obj, &"code".into(), &code.into());
    let _ = js_sys::Reflect::set(&obj, &"status".into(), &status.into());
    let _ = js_sys::Reflect::set(&obj, &"retryable".into(), &e.retryable().into());
    let _ = js_sys::Reflect::set(&obj, &"message".into(), &e.to_string().into());
    obj.into()
}

#[wasm_bindgen(js_class = GatehouseClient)]
impl JsClient {
    /// A client for the worker at `baseUrl` (`""` for same-origin pages).
    #[wasm_bindgen(constructor)]
    pub fn new(base_url: &str) -> JsClient {
        JsClient {
            inner: Client::new(base_url),
        }
    }

    /// Resolves to `{status, service, version, mode}`; rejects with `{code, status, retryable, message}`.
    pub async fn health(&self) -> Result<JsValue, JsValue> {
        let health = self.inner.health().await.map_err(to_js_error)?;
        serde_wasm_bindgen::to_value(&health).map_err(|e| JsValue::from_str(&e.to_string()))
    }
}

#[wasm_bindgen(module = "/src/sso_button.js")]
extern "C" {
    #[wasm_bindgen(js_name = defineSsoButton)]
    fn define_sso_button(start: &js_sys::Function);
}

/// Starts white-label SSO: a form POST to `{baseUrl}/api/sso` that leaves the page for the
/// white-label app. `session`: a portal session token for pages on another origin (`""` to use
/// the worker's cookie); `target`: `"_self"` (default) or `"_blank"`.
#[wasm_bindgen(js_name = startSso)]
pub fn start_sso(base_url: &str, session: &str, target: &str) -> Result<(), JsValue> {
    crate::sso::start(base_url, Some(session), crate::sso::Target::parse(target))
}

/// Registers `<gatehouse-sso-button>` (idempotent); called when the module starts.
#[wasm_bindgen(start)]
pub fn register_elements() {
    let start = Closure::<dyn Fn(String, String, String) -> Result<(), JsValue>>::new(
        |base: String, session: String, target: String| start_sso(&base, &session, &target),
    );
    define_sso_button(start.as_ref().unchecked_ref());
    // The element keeps calling it for the page's lifetime.
    start.forget();
}
