//! The one logging point: structured JSON lines, every value passed through
//! [`gatehouse_core::redact::redact`].

/// Writes one structured log line: `{"level":..., "<k>": "<redacted v>", ...}`.
pub fn event(level: &str, fields: &[(&str, &str)]) {
    let mut map = serde_json::Map::new();
    map.insert("level".into(), level.into());
    for (k, v) in fields {
        // An empty request id (a line written inside a Durable Object) is left out.
        if *k == "request_id" && v.is_empty() {
            continue;
        }
        map.insert((*k).into(), gatehouse_core::redact::redact(v).into());
    }
    worker::console_log!("{}", serde_json::Value::Object(map));
}

/// Writes the per-request access line at `level` unless `LOG_LEVEL` is above it (`LOG_LEVEL=warn`
/// keeps only failed requests; the default, `info`, logs every request).
pub fn access(env: &worker::Env, level: &str, fields: &[(&str, &str)]) {
    let threshold = crate::config::var(env, "LOG_LEVEL");
    if enabled(threshold.as_deref().unwrap_or("info"), level) {
        event(level, fields);
    }
}

fn rank(level: &str) -> u8 {
    match level {
        "debug" => 0,
        "info" => 1,
        "warn" => 2,
        _ => 3,
    }
}

fn enabled(threshold: &str, level: &str) -> bool {
    rank(level) >= rank(threshold)
}
