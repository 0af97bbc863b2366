//! The input rules for what Gatehouse hands on to Stream about a person and an organization:
//! ids, email addresses, phone numbers and names. One home: portal sessions
//! ([`crate::session`]) check their claims with these, and Stream's contract
//! ([`crate::contract::stream`]) states its inputs with them, so whatever a session carries
//! Stream accepts.
//!
//! The seed documents give these fields only as `string` with examples (`"+1-555-123-4567"`,
//! `"restaurant_chain_abc_123"`); the rules are the ones `docs/sso.md` writes down.

/// Identifiers (`sub`, `provider_org_id`, `partner_id`, Stream ids): 1–128 of
/// `A–Z a–z 0–9 _ - . :`, the shapes the SSO guide recommends (`franchise_mcdonalds_store_001`,
/// `corp_id_12345_location_all`).
pub fn valid_id(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.:".contains(&b))
}

/// A plain `local@domain.tld` address: at most 254 characters, a local part of 1–64, a dotted
/// domain with no empty label, printable ASCII only (no spaces, no controls).
pub fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.len() <= 254
        && (1..=64).contains(&local.len())
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
        && !domain.contains('@')
        && s.chars().all(|c| c.is_ascii_graphic())
}

/// A phone number as people write it (`+1-555-123-4567`, `+44 (20) 7946.0958`): an optional
/// leading `+`, then a digit or `(`, then digits with spaces, dashes, dots or parentheses
/// between them; 7–15 digits in all (E.164's longest).
pub fn valid_phone(s: &str) -> bool {
    let body = s.strip_prefix('+').unwrap_or(s);
    let digits = body.bytes().filter(u8::is_ascii_digit).count();
    (7..=15).contains(&digits)
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || b" -.()".contains(&b))
        && body
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'(')
}

/// A person's full name: 1–200 characters after trimming, no control characters.
pub fn valid_full_name(s: &str) -> bool {
    plain_text(s, 200)
}

/// An organization's display name: 1–128 characters after trimming, no control characters.
pub fn valid_display_name(s: &str) -> bool {
    plain_text(s, 128)
}

fn plain_text(s: &str, max_chars: usize) -> bool {
    let t = s.trim();
    (1..=max_chars).contains(&t.chars().count()) && !t.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(valid_id("restaurant_chain_abc_123"));
        assert!(valid_id("corp:id-1.2"));
        for bad in ["", "has space", "org/../b", "é", &"x".repeat(129)] {
            assert!(!valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert!(valid_email("sarah.manager@restaurantchain.com"));
        assert!(valid_email(&format!("{}@x.io", "a".repeat(64))));
        for bad in [
            "",
            "no-at",
            "@x.io",
            "a@",
            "a@b",
            "a@@b.io",
            "a b@c.io",
            "a@b..io",
            "a@.b.io",
            "a@b.io.",
            "müller@x.de",
            "a@b.io\n",
            &format!("{}@x.io", "a".repeat(65)),
            &format!("a@{}.io", "b".repeat(252)),
        ] {
            assert!(!valid_email(bad), "{bad:?}");
        }
    }

    #[test]
    fn phones() {
        for good in [
            "+1-555-123-4567",
            "+44 20 7946 0958",
            "+44 (20) 7946.0958",
            "(030) 123 4567",
            "5551234567",
            "123456789012345",
        ] {
            assert!(valid_phone(good), "{good}");
        }
        for bad in [
            "",
            "call me",
            "+12",
            "123456",
            "12-34",
            "1234567890123456",
            "+1-555-abc-4567",
            "+-()+-()12345",
            "-1234567",
            "12+34567",
            "++1234567",
        ] {
            assert!(!valid_phone(bad), "{bad}");
        }
    }

    #[test]
    fn names() {
        assert!(valid_full_name(" Sarah Johnson "));
        assert!(valid_full_name(&"é".repeat(200)), "characters, not bytes");
        for bad in ["", "   ", "a\u{0}b", &"x".repeat(201)] {
            assert!(!valid_full_name(bad), "{bad:?}");
        }
        assert!(valid_display_name(" Restaurant Chain ABC "));
        for bad in ["", "a\u{7}b", &"x".repeat(129)] {
            assert!(!valid_display_name(bad), "{bad:?}");
        }
    }
}
