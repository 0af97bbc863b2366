//! The one logging point: structured JSON lines, every value passed through
//! [`gatehouse_core::redact::redact`].

/// Writes one structured log line: `{"level":..., "<k>": "<redacted v>", ...}`.
pub fn event(level: &str, fields: &[(&str, &str)]) {
    let mut map = serde_json::Map::new();
    map.insert("level".into(), level.into());
    for (k, v) in fields {
        map.insert((*k).into(), gatehouse_core::redact::redact(v).into());
    }
    worker::console_log!("{}", serde_json::Value::Object(map));
}
