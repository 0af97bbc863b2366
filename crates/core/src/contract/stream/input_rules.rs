//! Stream's input rules for the users it creates, so Gatehouse can reject bad input before it
//! reaches the partner.

/// A plausible email address: one `@`, a non-empty local part, a dotted domain, no spaces,
/// at most 254 characters.
pub fn is_valid_email(email: &str) -> bool {
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
}

/// A phone number: 7–20 characters of digits, spaces and `+-()`, with at least 7 digits.
pub fn is_valid_phone_number(phone: &str) -> bool {
    let len = phone.chars().count();
    (7..=20).contains(&len)
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()".contains(c))
        && phone.chars().filter(char::is_ascii_digit).count() >= 7
}

/// A `provider_org_id`: 1–128 characters of `[A-Za-z0-9_.:-]`.
pub fn is_valid_provider_org_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.:-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_rules() {
        assert!(is_valid_email("sarah.manager@restaurantchain.com"));
        for bad in [
            "", "no-at", "@x.io", "a@", "a@b", "a@@b.io", "a b@c.io", "a@b..io",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
        assert!(is_valid_phone_number("+1-555-123-4567"));
        assert!(is_valid_phone_number("(030) 123 4567"));
        for bad in [
            "123456",
            "+1-555-abc-4567",
            "1234567890123456789012",
            "+-()+-()12345",
        ] {
            assert!(!is_valid_phone_number(bad), "{bad}");
        }
        assert!(is_valid_provider_org_id("restaurant_chain_abc_123"));
        assert!(is_valid_provider_org_id("corp:id-1.2"));
        assert!(!is_valid_provider_org_id(""));
        assert!(!is_valid_provider_org_id("has space"));
        assert!(!is_valid_provider_org_id(&"x".repeat(129)));
    }
}
