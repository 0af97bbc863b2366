//! Starting white-label SSO from a page: a plain form POST to the worker's `/api/sso`, so the
//! browser follows the worker's `303` to the white-label app and the one-time SSO token never
//! passes through page script (docs/security.md item 12). The worker takes the user's identity from
//! the verified portal session only: the `__Host-` cookie on the worker's own origin, or a
//! portal session token sent as the form's `session` field from a partner page on the CORS
//! allowlist.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlFormElement, HtmlInputElement};

/// Where the white-label app opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// This tab (default).
    #[default]
    SameTab,
    /// A new tab.
    NewTab,
}

impl Target {
    /// `_self` / `_blank`; anything else is the same tab.
    pub fn parse(s: &str) -> Self {
        if s == "_blank" {
            Self::NewTab
        } else {
            Self::SameTab
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::SameTab => "_self",
            Self::NewTab => "_blank",
        }
    }
}

/// Submits a form POST to `{base}/api/sso`, with `session` as a field when given (pages on
/// another origin; same-origin pages use the cookie and pass `None`).
pub fn start(base: &str, session: Option<&str>, target: Target) -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let form: HtmlFormElement = document.create_element("form")?.dyn_into()?;
    form.set_method("post");
    form.set_action(&format!("{}/api/sso", base.trim_end_matches('/')));
    form.set_target(target.as_str());
    form.set_attribute("hidden", "")?;
    if let Some(token) = session.filter(|t| !t.is_empty()) {
        let input: HtmlInputElement = document.create_element("input")?.dyn_into()?;
        input.set_type("hidden");
        input.set_name("session");
        input.set_value(token);
        form.append_child(&input)?;
    }
    let body = document
        .body()
        .ok_or_else(|| JsValue::from_str("no body"))?;
    body.append_child(&form)?;
    form.submit()?;
    form.remove();
    Ok(())
}
