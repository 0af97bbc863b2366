//! The JavaScript API of the npm package (`wasm-bindgen`): `new GatehouseClient(baseUrl)`.

use crate::client::{route_path, Client, ClientError, SessionSource};
use gatehouse_core::routes::RouteId;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Gatehouse's browser client, for JavaScript.
#[wasm_bindgen(js_name = GatehouseClient)]
pub struct JsClient {
    inner: Client,
}

#[wasm_bindgen(module = "/src/errors.js")]
extern "C" {
    /// `GatehouseError` (src/errors.js).
    #[wasm_bindgen(extends = js_sys::Error)]
    type GatehouseError;
    /// The same class, exported by the package as it is (for `instanceof`); its declaration is
    /// `ERROR_TYPES` below (a re-exported type would be declared `unknown`).
    #[wasm_bindgen(js_name = GatehouseError, reexport, skip_typescript)]
    fn gatehouse_error_class();
    #[wasm_bindgen(constructor)]
    fn new(
        code: &str,
        message: &str,
        status: u16,
        retryable: bool,
        request_id: Option<String>,
        fields: js_sys::Array,
    ) -> GatehouseError;
}

fn to_js_error(e: ClientError) -> JsValue {
    // A refusal's fields, flat (`field`, `code`, `message`, …): errors.js makes the objects
    // (fewer bytes than building them here).
    let fields = js_sys::Array::new();
    if let ClientError::Api { body, .. } = &e {
        for p in &body.fields {
            for s in [&p.field, &p.code, &p.message] {
                fields.push(&JsValue::from(s));
            }
        }
    }
    GatehouseError::new(
        e.code(),
        &e.message(),
        e.status(),
        e.retryable(),
        e.request_id().map(str::to_owned),
        fields,
    )
    .into()
}

#[wasm_bindgen(typescript_custom_section)]
const API_TYPES: &str = include_str!("../types.d.ts");

#[wasm_bindgen(typescript_custom_section)]
const ERROR_TYPES: &str = r#"
/** Codes of failures without an answer from the worker: it could not be reached, or answered something unreadable. */
export type ClientErrorCode = "network_error" | "unexpected_response";
/** How every call rejects (and what a watch reports): `code` is one of the worker's `ErrorCode`s or a `ClientErrorCode`, `message` the worker's sentence, `status` its HTTP status (0: no answer), `retryable` whether trying again later may succeed, `requestId` the worker's `X-Request-Id` (null without an answer), `fields` the fields a refusal is about (`invalid_fields`, `invalid_credentials`, `invalid_tenant`; empty otherwise). */
export class GatehouseError extends Error {
  private constructor();
  readonly name: "GatehouseError";
  readonly code: ErrorCode | ClientErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly requestId: string | null;
  readonly fields: FieldProblem[];
}
"#;

#[wasm_bindgen(typescript_custom_section)]
const JS_TYPES: &str = r#"
/** What `watchOnboarding` reports: a status change (`terminal`: the onboarding is settled and the watch ends with it), or an error (`retryInMs: null` when the watch ended). */
export type WatchEvent =
  | { type: "status"; onboarding: OnboardingView; terminal: boolean }
  | { type: "error"; error: GatehouseError; retryInMs: number | null };
"#;

fn body(pairs: &[(&str, &JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &(*k).into(), v);
    }
    o.into()
}

/// The JavaScript API hands the worker's JSON on as the browser parsed it: no deserializer is
/// compiled into the package. The shapes are the Rust API types (see the `.d.ts`).
#[wasm_bindgen(js_class = GatehouseClient)]
impl JsClient {
    /// A client for the worker at `baseUrl` (`""` for pages on the worker's origin, which use the
    /// session cookie). `session`: a portal session token your backend signed, sent as
    /// `Authorization: Bearer` (pages on another origin).
    #[wasm_bindgen(constructor)]
    #[allow(non_snake_case)] // the JavaScript API's parameter name
    pub fn new(baseUrl: &str, session: Option<String>) -> JsClient {
        let inner = Client::new(baseUrl);
        JsClient {
            inner: match session {
                Some(s) => inner.with_session(&s),
                None => inner,
            },
        }
    }

    /// Replaces the portal session for every later call (and the running watches of this
    /// client); `""` or `null` sends none.
    #[wasm_bindgen(setter)]
    pub fn set_session(&self, session: Option<String>) {
        self.inner.set_session(session.as_deref());
    }

    /// Called for a fresh portal session when the worker answers `session_expired` (sessions
    /// are short-lived): return the new token (or a promise of it); the call is then sent once
    /// more with it, and every later call uses it. `null` removes it.
    #[wasm_bindgen(setter = fetchSession)]
    pub fn set_fetch_session(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "(() => string | Promise<string>) | null | undefined"
        )]
        fetch: Option<js_sys::Function>,
    ) {
        self.inner
            .set_session_source(fetch.map(|f| -> SessionSource {
                Rc::new(move || {
                    let f = f.clone();
                    Box::pin(async move {
                        let v = f.call0(&JsValue::NULL).ok()?;
                        JsFuture::from(js_sys::Promise::resolve(&v))
                            .await
                            .ok()?
                            .as_string()
                    })
                })
            }));
    }

    /// One call as a promise of the parsed JSON answer. Every method goes through this one
    /// future (not one `async fn` each): each exported `async fn` compiles to a state machine
    /// of its own, which the size budget does not afford.
    fn json(
        &self,
        method: &'static str,
        path: String,
        payload: Option<JsValue>,
    ) -> js_sys::Promise {
        let inner = self.inner.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let answer = inner
                .request(method, &path, payload, None)
                .await
                .map_err(to_js_error)?;
            Ok(answer.json)
        })
    }

    /// Resolves to `{status, service, version, mode}`; rejects with a `GatehouseError`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Health>")]
    pub fn health(&self) -> js_sys::Promise {
        let (method, path) = route_path(RouteId::Health, &[]);
        self.json(method, path, None)
    }

    /// Starts an onboarding → `{onboarding, entry_url}`.
    /// Starts the same onboarding again (same platform and type) after its authorization link
    /// expired; answers a new `{onboarding, entry_url}`.
    #[wasm_bindgen(js_name = restartOnboarding, unchecked_return_type = "Promise<StartResponse>")]
    #[allow(non_snake_case)] // the JavaScript API's parameter name
    pub fn restart_onboarding(&self, id: String, returnPage: Option<String>) -> js_sys::Promise {
        let page = returnPage.map_or(JsValue::UNDEFINED, JsValue::from);
        let b = body(&[("return_page", &page)]);
        let (method, path) = route_path(RouteId::RestartOnboarding, &[&id]);
        self.json(method, path, Some(b))
    }

    #[wasm_bindgen(js_name = startOnboarding, unchecked_return_type = "Promise<StartResponse>")]
    #[allow(non_snake_case)] // the JavaScript API's parameter name
    pub fn start_onboarding(
        &self,
        source: String,
        #[wasm_bindgen(unchecked_param_type = "IntegrationType")] kind: String,
        returnPage: Option<String>,
    ) -> js_sys::Promise {
        let source = JsValue::from(source);
        let kind = JsValue::from(kind);
        let page = returnPage.map_or(JsValue::UNDEFINED, JsValue::from);
        let b = body(&[("source", &source), ("type", &kind), ("return_page", &page)]);
        let (method, path) = route_path(RouteId::StartOnboarding, &[]);
        self.json(method, path, Some(b))
    }

    /// `{id, type, source?, status, merchant_id?, integration_id?}`.
    #[wasm_bindgen(js_name = onboardingStatus, unchecked_return_type = "Promise<OnboardingView>")]
    pub fn onboarding_status(&self, id: String) -> js_sys::Promise {
        let (method, path) = route_path(RouteId::OnboardingStatus, &[&id]);
        self.json(method, path, None)
    }

    /// Watches an onboarding: `callback({type: "status", onboarding, terminal})` on every change
    /// (`terminal`: settled, the last status) and `callback({type: "error", error, retryInMs})`
    /// on failures (`retryInMs` null: ended).
    /// Long-polls, backs off with jitter, pauses while the tab is hidden, ends on a terminal
    /// status. Returns a handle: `stop()`, `refresh()`, `stopped`.
    #[wasm_bindgen(js_name = watchOnboarding)]
    pub fn watch_onboarding(
        &self,
        id: String,
        #[wasm_bindgen(unchecked_param_type = "(event: WatchEvent) => void")]
        callback: js_sys::Function,
    ) -> WatchHandle {
        let inner = crate::watch::watch_json(self.inner.clone(), id, move |update| {
            let event = match update {
                Ok(view) => {
                    let terminal = JsValue::from(crate::watch::json_is_terminal(&view));
                    body(&[
                        ("type", &"status".into()),
                        ("onboarding", &view),
                        ("terminal", &terminal),
                    ])
                }
                Err((error, retry_in_ms)) => body(&[
                    ("type", &"error".into()),
                    ("error", &to_js_error(error)),
                    (
                        "retryInMs",
                        &retry_in_ms.map_or(JsValue::NULL, JsValue::from),
                    ),
                ]),
            };
            let _ = callback.call1(&JsValue::NULL, &event);
        });
        WatchHandle { inner }
    }

    /// Revokes (idempotent) → the onboarding.
    #[wasm_bindgen(js_name = revokeOnboarding, unchecked_return_type = "Promise<OnboardingView>")]
    pub fn revoke_onboarding(&self, id: String) -> js_sys::Promise {
        let (method, path) = route_path(RouteId::RevokeOnboarding, &[&id]);
        self.json(method, path, None)
    }

    /// `{locations: [{_id, name, type, address?, external_id?, onboarding_id?, bound_pos_location_id?}]}`.
    #[wasm_bindgen(js_name = onboardingLocations, unchecked_return_type = "Promise<LocationsResponse>")]
    pub fn onboarding_locations(&self, id: String) -> js_sys::Promise {
        let (method, path) = route_path(RouteId::OnboardingLocations, &[&id]);
        self.json(method, path, None)
    }

    /// Imports POS locations: `[{external_id, name, address?}]`.
    #[wasm_bindgen(js_name = ingestLocations, unchecked_return_type = "Promise<LocationsResponse>")]
    pub fn ingest_locations(
        &self,
        id: String,
        #[wasm_bindgen(unchecked_param_type = "IngestOnboardingLocation[]")] locations: JsValue,
    ) -> js_sys::Promise {
        let b = body(&[("locations", &locations)]);
        let (method, path) = route_path(RouteId::IngestLocations, &[&id]);
        self.json(method, path, Some(b))
    }

    /// Binds DSP locations to POS locations: `[{dsp_location_id, pos_location_id}]`.
    #[wasm_bindgen(js_name = bindLocations, unchecked_return_type = "Promise<LocationsResponse>")]
    pub fn bind_locations(
        &self,
        id: String,
        #[wasm_bindgen(unchecked_param_type = "BindOnboardingLocation[]")] bindings: JsValue,
    ) -> js_sys::Promise {
        let b = body(&[("locations", &bindings)]);
        let (method, path) = route_path(RouteId::BindLocations, &[&id]);
        self.json(method, path, Some(b))
    }

    /// What the organization may connect: `{templates: [{id, label, provider, fields: [{name,
    /// label, help, kind}]}]}` (`kind`: `text` or `secret`).
    #[wasm_bindgen(js_name = connectionTemplates, unchecked_return_type = "Promise<TemplateList>")]
    pub fn connection_templates(&self) -> js_sys::Promise {
        let (method, path) = route_path(RouteId::ListConnectionTemplates, &[]);
        self.json(method, path, None)
    }

    /// The organization's connections, newest first: `{connections: [ConnectionView]}`.
    #[wasm_bindgen(js_name = listConnections, unchecked_return_type = "Promise<ConnectionList>")]
    pub fn list_connections(&self) -> js_sys::Promise {
        let (method, path) = route_path(RouteId::ListConnections, &[]);
        self.json(method, path, None)
    }

    /// One connection: `{id, template, provider, provider_org_id, fields, status, …}` (never a
    /// secret).
    #[wasm_bindgen(js_name = getConnection, unchecked_return_type = "Promise<ConnectionView>")]
    pub fn get_connection(&self, id: String) -> js_sys::Promise {
        let (method, path) = route_path(RouteId::GetConnection, &[&id]);
        self.json(method, path, None)
    }

    /// Connects `template` with the merchant's values (`{name: value}` for every field), verified
    /// by the partner before anything is kept. A refusal rejects with `invalid_fields`,
    /// `invalid_credentials` or `invalid_tenant` and the fields in `error.fields`.
    #[wasm_bindgen(js_name = createConnection, unchecked_return_type = "Promise<ConnectionView>")]
    pub fn create_connection(
        &self,
        template: String,
        #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] fields: JsValue,
    ) -> js_sys::Promise {
        let b = body(&[("template", &template.into()), ("fields", &fields)]);
        let (method, path) = route_path(RouteId::CreateConnection, &[]);
        self.json(method, path, Some(b))
    }

    /// Update mode: new values for every field of connection `id` (secrets typed again); the old
    /// ones keep serving until the partner accepted these. Rejects as `createConnection` does.
    #[wasm_bindgen(js_name = updateConnection, unchecked_return_type = "Promise<ConnectionView>")]
    pub fn update_connection(
        &self,
        id: String,
        #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] fields: JsValue,
    ) -> js_sys::Promise {
        let b = body(&[("fields", &fields)]);
        let (method, path) = route_path(RouteId::UpdateConnection, &[&id]);
        self.json(method, path, Some(b))
    }

    /// Deletes connection `id` (its values and tokens erased); resolves to `undefined`.
    #[wasm_bindgen(js_name = deleteConnection, unchecked_return_type = "Promise<void>")]
    pub fn delete_connection(&self, id: String) -> js_sys::Promise {
        let (method, path) = route_path(RouteId::DeleteConnection, &[&id]);
        self.json(method, path, None)
    }

    /// The organization's locations (POS and DSP), or only the one named by `locationId`
    /// (Stream's `location_id` filter).
    #[wasm_bindgen(js_name = organizationLocations, unchecked_return_type = "Promise<LocationsResponse>")]
    #[allow(non_snake_case)] // the JavaScript API's parameter name
    pub fn organization_locations(&self, locationId: Option<String>) -> js_sys::Promise {
        let path = crate::client::org_locations_path(locationId.as_deref());
        self.json("GET", path, None)
    }
}

/// A running watch (see `watchOnboarding`). `free()` also stops it.
#[wasm_bindgen]
pub struct WatchHandle {
    inner: crate::watch::Watch,
}

#[wasm_bindgen]
impl WatchHandle {
    /// Stops the watch.
    pub fn stop(&self) {
        self.inner.stop();
    }

    /// Reads the status now instead of waiting for the long-poll.
    pub fn refresh(&self) {
        self.inner.refresh();
    }

    /// Whether the watch has ended.
    #[wasm_bindgen(getter)]
    pub fn stopped(&self) -> bool {
        self.inner.is_stopped()
    }
}

#[wasm_bindgen(module = "/src/sso_button.js")]
extern "C" {
    #[wasm_bindgen(js_name = defineSsoButton)]
    fn define_sso_button(start: &js_sys::Function);
}

// Both widgets in one module: they share helpers, styles and sentences, and one gzip dictionary.
// One function imported from it (wasm-bindgen would import the module once per function).
#[wasm_bindgen(module = "/src/widgets.js")]
extern "C" {
    #[wasm_bindgen(js_name = defineWidgets)]
    fn define_widgets(make_client: &js_sys::Function);
}

/// Starts white-label SSO: a form POST to `{baseUrl}/api/sso` that leaves the page for the
/// white-label app. `session`: a portal session token for pages on another origin (`""` to use
/// the worker's cookie); `target`: `"_self"` (default) or `"_blank"`.
#[wasm_bindgen(js_name = startSso)]
#[allow(non_snake_case)] // the JavaScript API's parameter name
pub fn start_sso(baseUrl: &str, session: &str, target: &str) -> Result<(), JsValue> {
    crate::sso::start(baseUrl, Some(session), crate::sso::Target::parse(target))
}

/// Registers `<gatehouse-sso-button>`, `<gatehouse-onboarding>` and `<gatehouse-connect>`
/// (idempotent); called when the module starts.
#[wasm_bindgen(start)]
pub fn register_elements() {
    let start = Closure::<dyn Fn(String, String, String) -> Result<(), JsValue>>::new(
        |base: String, session: String, target: String| start_sso(&base, &session, &target),
    );
    define_sso_button(start.as_ref().unchecked_ref());
    // The elements keep calling these for the page's lifetime.
    start.forget();
    let make_client =
        Closure::<dyn Fn(String, String) -> JsClient>::new(|base: String, session: String| {
            JsClient::new(&base, Some(session))
        });
    define_widgets(make_client.as_ref().unchecked_ref());
    make_client.forget();
}
