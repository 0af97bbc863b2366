//! Token endpoint answers (any status, any bytes): parsing and classifying never panic.
#![no_main]
use gatehouse_core::tokens::{classify, parse_token_response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let status = data.first().map_or(200, |b| 100 + u16::from(*b) * 2);
    if let Err(e) = parse_token_response(status, data.get(1..).unwrap_or_default()) {
        let retry_after = std::str::from_utf8(data).ok();
        let _ = classify::classify(&e, retry_after);
    }
});
