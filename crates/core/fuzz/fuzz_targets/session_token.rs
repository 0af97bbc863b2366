//! Portal session tokens: splitting, algorithm pinning and claim validation never panic.
#![no_main]
use gatehouse_core::session::{split, validate, Alg, SessionConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let config = SessionConfig {
        issuer: "https://portal.example".into(),
        audience: "gatehouse".into(),
        algorithms: vec![Alg::HS256, Alg::ES256, Alg::RS256],
        leeway_s: 30,
        max_ttl_s: 3600,
    };
    if let Ok(token) = split(text) {
        for key in [Alg::HS256, Alg::ES256, Alg::RS256] {
            let _ = token.pinned_alg(&config, key);
        }
        let _ = validate(&token, &config, 1_800_000_000);
    }
});
