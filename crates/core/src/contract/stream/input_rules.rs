//! Stream's input rules for the users it creates, so Gatehouse can reject bad input before it
//! reaches the partner: core's one set of input rules (`validate.rs`), under the contract's names.

/// An email Stream accepts for a user: core's one email rule ([`crate::validate::valid_email`]).
pub fn is_valid_email(email: &str) -> bool {
    crate::validate::valid_email(email)
}

/// A phone number Stream accepts: core's one phone rule ([`crate::validate::valid_phone`], the
/// same the portal session's `phone_number` is checked with).
pub fn is_valid_phone_number(phone: &str) -> bool {
    crate::validate::valid_phone(phone)
}

/// A `provider_org_id`: core's one id rule ([`crate::validate::valid_id`]).
pub fn is_valid_provider_org_id(id: &str) -> bool {
    crate::validate::valid_id(id)
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
        // One rule with the portal session's `phone_number`: what a session may carry, the
        // contract accepts (dots included), so no session is refused later by the partner.
        assert!(is_valid_phone_number("555.123.4567"));
        assert!(crate::validate::valid_phone("555.123.4567"));
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
