//! The return-page allowlist (docs/security.md item 14): where the merchant's browser may be
//! sent back to, and what that redirect carries.

/// The allowlisted return page: exactly equal to one configured page (no prefix, no pattern),
/// or the first when none is asked for.
pub fn pick_return_page(pages: &[String], requested: Option<&str>) -> Option<String> {
    match requested {
        None => pages.first().cloned(),
        Some(r) => pages.iter().find(|p| p.as_str() == r).cloned(),
    }
}

/// Parses `ONBOARDING_RETURN_PAGES` (comma-separated absolute URLs). Each must be `https://`
/// (or `http://` on 127.0.0.1/localhost), with no userinfo, fragment, whitespace or control
/// characters; the error names the offending entry.
pub fn parse_return_pages(var: &str) -> Result<Vec<String>, String> {
    let pages = crate::comma_list(var);
    if pages.is_empty() {
        return Err("ONBOARDING_RETURN_PAGES is empty".into());
    }
    for p in &pages {
        if !safe_absolute_url(p) {
            return Err(format!(
                "ONBOARDING_RETURN_PAGES: \"{p}\" is not an allowed absolute URL"
            ));
        }
    }
    Ok(pages)
}

/// An absolute `https` URL (or `http` to a loopback host) with a plain host, no userinfo, no
/// fragment, no backslashes, spaces or control characters.
pub fn safe_absolute_url(u: &str) -> bool {
    let rest = if let Some(r) = u.strip_prefix("https://") {
        r
    } else if let Some(r) = u.strip_prefix("http://") {
        let host = r.split(['/', '?']).next().unwrap_or("");
        let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
        if host != "127.0.0.1" && host != "localhost" {
            return false;
        }
        r
    } else {
        return false;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    !authority.is_empty()
        && !authority.contains('@')
        && !u.contains('#')
        && !u.contains('\\')
        && u.bytes().all(|b| b.is_ascii_graphic())
}

/// Where the return handler sends the browser: the allowlisted page with only the onboarding id
/// and an outcome (`outcome` is `("status", active|failed|...)` or `("error", <code>)`), under
/// the widget's own names (`gatehouse_onboarding`, `gatehouse_status`, `gatehouse_error`) so
/// they never collide with the page's own query, which the widget leaves alone.
pub fn return_location(page: &str, onboarding_id: Option<&str>, outcome: (&str, &str)) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    if let Some(id) = onboarding_id {
        q.append_pair("gatehouse_onboarding", id);
    }
    q.append_pair(&["gatehouse_", outcome.0].concat(), outcome.1);
    let sep = if page.contains('?') { '&' } else { '?' };
    format!("{page}{sep}{}", q.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages() -> Vec<String> {
        vec![
            "https://portal.example/onboarding/done".into(),
            "http://127.0.0.1:8787/onboarding".into(),
        ]
    }

    #[test]
    fn return_pages_match_exactly_and_hostile_ones_are_refused() {
        assert_eq!(pick_return_page(&pages(), None).unwrap(), pages()[0]);
        assert!(pick_return_page(&pages(), Some("http://127.0.0.1:8787/onboarding")).is_some());
        for hostile in [
            "https://portal.example/onboarding/done/../../evil",
            "https://portal.example/onboarding/donex",
            "HTTPS://portal.example/onboarding/done",
            "https://portal.example.evil.example/onboarding/done",
            "https://portal.example@evil.example/onboarding/done",
            "https://portal.example/onboarding/done?x=1",
            "javascript:alert(1)",
            "data:text/html,hi",
            "//evil.example",
            "/onboarding/done",
            "https://portal.example\\@evil.example",
            "https://portal.example/onboarding/done%0d%0a",
            "",
        ] {
            assert!(
                pick_return_page(&pages(), Some(hostile)).is_none(),
                "{hostile}"
            );
        }
    }

    #[test]
    fn configured_pages_must_be_plain_absolute_urls() {
        assert!(parse_return_pages("https://a.example/x, http://127.0.0.1:8787/o").is_ok());
        for bad in [
            "http://a.example/x",
            "javascript:alert(1)",
            "https://user@a.example/x",
            "https://a.example/x#frag",
            "https://a.example\\x",
            "/relative",
            "https://",
            "",
        ] {
            assert!(parse_return_pages(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_return_location_carries_only_the_id_and_outcome() {
        assert_eq!(
            return_location(
                "https://p.example/done",
                Some("onb_1"),
                ("status", "active")
            ),
            "https://p.example/done?gatehouse_onboarding=onb_1&gatehouse_status=active"
        );
        assert_eq!(
            return_location(
                "http://127.0.0.1:8787/o?tab=2",
                None,
                ("error", "invalid_state")
            ),
            "http://127.0.0.1:8787/o?tab=2&gatehouse_error=invalid_state"
        );
    }
}
