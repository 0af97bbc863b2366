//! Onboarding states, return pages and redirect locations from untrusted text.
#![no_main]
use gatehouse_core::onboarding::{parse_return_pages, parse_state, pick_return_page, return_location};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = parse_state(text);
    let (config, asked) = text.split_once('\n').unwrap_or((text, text));
    if let Ok(pages) = parse_return_pages(config) {
        if let Some(page) = pick_return_page(&pages, Some(asked)) {
            assert_eq!(page, asked, "only an exact entry is ever picked");
            let _ = return_location(&page, Some(asked), ("error", asked));
        }
    }
});
