//! The `CREDENTIALS` configuration: any JSON (or not) is a clear error or a profile, never a panic.
#![no_main]
use gatehouse_core::tokens::profile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = profile::load(text, |name| Some(format!("secret-{name}")));
    }
});
