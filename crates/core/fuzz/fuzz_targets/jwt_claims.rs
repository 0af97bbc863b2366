//! Reading a routing claim from an access token (PowerEPOS's `AuthServerClaims.Service`).
#![no_main]
use gatehouse_core::tokens::claims::string_claim;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let (token, path) = text.split_once('\n').unwrap_or((text, "AuthServerClaims.Service"));
        let _ = string_claim(token, path);
    }
});
