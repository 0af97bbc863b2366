//! A connection's inputs: any body of `POST /api/connections` (first line) checked against the
//! shipped presets or against any `CONNECTION_TEMPLATES` text (the rest) is a clear error or a
//! template, checked values and a credential — never a panic.
#![no_main]
use gatehouse_core::connections::{CreateConnection, FieldValues, Templates};
use libfuzzer_sys::fuzz_target;

const PRESETS: &str = r#"{
  "powerepos": {"label": "PowerEPOS", "provider": "powerepos", "auth_base": "https://auth.powerepos.cloud",
    "client_id": "c", "secrets": {"client_secret": "S"}, "proxy": [{"methods": ["GET"], "path": "/ping"}]},
  "omniretain": {"label": "OmniRetain", "provider": "omniretain", "base_url": "https://o.example"},
  "streamdiver": {"label": "Streamdiver", "provider": "streamdiver", "auth_base": "https://a.example",
    "api_base": "https://b.example"},
  "acme": {"label": "Acme", "provider": "custom", "token_url": "https://a.example/{tenant}/token",
    "api_base": "https://b.example", "fields": [{"name": "tenant", "label": "Shop", "target": "tenant"},
    {"name": "key", "label": "Key", "target": "client_id"}, {"name": "secret", "label": "Secret", "target": "client_secret"}]}
}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (body, config) = text.split_once('\n').unwrap_or((text, ""));
    let templates = if config.is_empty() {
        Templates::parse(PRESETS)
    } else {
        Templates::parse(config)
    };
    let Ok(templates) = templates else {
        return;
    };
    let Ok(create) = serde_json::from_str::<CreateConnection>(body) else {
        return;
    };
    if let Some(Ok(t)) = templates.get(&create.template) {
        let _ = t.view();
        if let Ok(values) = FieldValues::check(&t.fields, create.fields) {
            let _ = t.credential("con_fuzz", &values, &|n| Some(format!("secret-{n}")));
        }
    }
});
