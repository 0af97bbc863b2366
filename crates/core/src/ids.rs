//! The identifier rule shared by sessions, onboardings and Stream's records (one home, imported
//! by both: `session` and `contract::stream` do not import each other for it).

/// Identifiers (`sub`, `provider_org_id`, Stream ids): 1–128 of `A–Z a–z 0–9 _ - . :`, the
/// shapes the SSO guide recommends (`franchise_mcdonalds_store_001`, `corp_id_12345_location_all`).
pub fn valid_id(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.:".contains(&b))
}
