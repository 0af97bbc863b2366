//! What a token answer grants, read before anything is kept (seeds 000, 002, 003, 004):
//!
//! - the access token's lifetime: `expires_in`, or the profile's default when missing, capped at
//!   the provider's documented maximum (a partner answering a Unix timestamp as seconds must not
//!   make the broker hold a token for years);
//! - the refresh token's own lifetime (Stream's `refresh_token_expires_in`, Keycloak's
//!   `refresh_expires_in`; `0` means none stated), so a refresh token past it is not tried;
//! - PowerEPOS: the answer's `org_id` must be the Organisation Code asked for;
//! - OmniRetain: the non-personal part of the `user` object (the company and the user's id),
//!   so operators see which company an application belongs to. The rest is never kept.

use super::profile::Profile;
use super::TokenSet;
use serde::{Deserialize, Serialize};

/// The account a token was issued for, as far as operators may see it (no names, no email).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Account {
    /// OmniRetain: the company the application's API user belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// OmniRetain: the API user's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

/// What an accepted token answer grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    /// Seconds the access token is used for.
    pub lifetime_s: u64,
    /// The partner's `expires_in` when it was over the provider's maximum (and so capped).
    pub capped_from_s: Option<u64>,
    /// Seconds the refresh token lives, when the answer says (`None`: not stated, or `0`).
    pub refresh_expires_in_s: Option<u64>,
    /// The account, when the answer names one.
    pub account: Option<Account>,
}

/// Why an answer that parsed is still not a token to use (a misconfiguration).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GrantError {
    /// PowerEPOS answered for another organisation than the one asked for.
    #[error("the token answer is for org_id `{answered}`, not the requested `{requested}`")]
    OrgMismatch {
        /// The Organisation Code sent.
        requested: String,
        /// The one in the answer.
        answered: String,
    },
}

fn number(v: Option<&serde_json::Value>) -> Option<u64> {
    match v? {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn text(v: Option<&serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.chars().take(64).collect()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads what `set` grants under `profile`.
pub fn read(profile: &Profile, set: &TokenSet) -> Result<Granted, GrantError> {
    if let Some((_, requested)) = profile.extra.iter().find(|(k, _)| k == "org_id") {
        if let Some(answered) = set.extra.get("org_id").and_then(|v| text(Some(v))) {
            if &answered != requested {
                return Err(GrantError::OrgMismatch {
                    requested: requested.clone(),
                    answered,
                });
            }
        }
    }
    let stated = set.expires_in.filter(|s| *s > 0);
    let wanted = stated.unwrap_or(profile.default_lifetime_s);
    let lifetime_s = wanted.min(profile.max_lifetime_s);
    let refresh_expires_in_s = number(
        set.extra
            .get("refresh_token_expires_in")
            .or_else(|| set.extra.get("refresh_expires_in")),
    )
    .filter(|s| *s > 0);
    let account = set.extra.get("user").and_then(|u| {
        let a = Account {
            company: text(u.get("company")),
            user_id: text(u.get("id")),
        };
        (a != Account::default()).then_some(a)
    });
    Ok(Granted {
        lifetime_s,
        capped_from_s: stated.filter(|s| *s > profile.max_lifetime_s),
        refresh_expires_in_s,
        account,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::parse_token_response;
    use crate::tokens::profile::load;

    fn profile(json: &str) -> Profile {
        let secrets = |_: &str| Some("s".to_owned());
        load(json, secrets).unwrap().remove(0).profile
    }
    fn stream() -> Profile {
        profile(
            r#"{"s":{"provider":"stream","base_url":"https://s.example","client_id":"c","secrets":{"client_secret":"S"}}}"#,
        )
    }
    fn streamdiver() -> Profile {
        profile(
            r#"{"d":{"provider":"streamdiver","auth_base":"https://sso.example","api_base":"https://api.example","tenant":"acme","client_id":"c","secrets":{"client_secret":"S"}}}"#,
        )
    }
    fn powerepos() -> Profile {
        profile(
            r#"{"p":{"provider":"powerepos","auth_base":"https://auth.powerepos.cloud","org_id":"ORG001","username":"u","client_id":"c","secrets":{"client_secret":"S","password":"P"}}}"#,
        )
    }
    fn omniretain() -> Profile {
        profile(
            r#"{"o":{"provider":"omniretain","base_url":"https://o.example","username":"u","client_id":"c","secrets":{"client_secret":"S","password":"P"}}}"#,
        )
    }
    fn set(body: &str) -> TokenSet {
        parse_token_response(200, body.as_bytes()).unwrap()
    }

    #[test]
    fn stream_refresh_token_lifetime_is_kept() {
        let g = read(
            &stream(),
            &set(r#"{"access_token":"a","refresh_token":"r","expires_in":3600,"refresh_token_expires_in":2592000}"#),
        )
        .unwrap();
        assert_eq!(g.lifetime_s, 3600);
        assert_eq!(g.refresh_expires_in_s, Some(2_592_000));
        assert_eq!(g.capped_from_s, None);
    }

    #[test]
    fn absurd_lifetimes_are_capped_at_the_documented_maximum() {
        // A Unix timestamp sent as seconds: decades.
        let g = read(
            &stream(),
            &set(r#"{"access_token":"a","expires_in":1893456000}"#),
        )
        .unwrap();
        assert_eq!(g.lifetime_s, 3600);
        assert_eq!(g.capped_from_s, Some(1_893_456_000));
        let g = read(
            &omniretain(),
            &set(r#"{"access_token":"a","expires_in":"999999"}"#),
        )
        .unwrap();
        assert_eq!(g.lifetime_s, 36_000);
        // Missing or zero: the profile's default.
        let g = read(&powerepos(), &set(r#"{"access_token":"a","expires_in":0}"#)).unwrap();
        assert_eq!(g.lifetime_s, 28_800);
        assert_eq!(g.capped_from_s, None);
    }

    #[test]
    fn streamdiver_sixteen_hours_and_refresh_expires_in_zero() {
        // Seed 003: a 16 h session and `refresh_expires_in: 0` (no refresh token).
        let g = read(
            &streamdiver(),
            &set(r#"{"access_token":"a","expires_in":57600,"refresh_expires_in":0,"token_type":"Bearer","not-before-policy":0,"scope":"email profile"}"#),
        )
        .unwrap();
        assert_eq!(
            g.lifetime_s, 57_600,
            "16 h is within Streamdiver's documented maximum"
        );
        assert_eq!(g.capped_from_s, None);
        assert_eq!(g.refresh_expires_in_s, None, "0 states no refresh lifetime");
        let g = read(
            &streamdiver(),
            &set(r#"{"access_token":"a","expires_in":300,"refresh_expires_in":1800}"#),
        )
        .unwrap();
        assert_eq!((g.lifetime_s, g.refresh_expires_in_s), (300, Some(1800)));
        let g = read(
            &streamdiver(),
            &set(r#"{"access_token":"a","expires_in":90000}"#),
        )
        .unwrap();
        assert_eq!((g.lifetime_s, g.capped_from_s), (57_600, Some(90_000)));
    }

    #[test]
    fn powerepos_answer_must_be_for_the_requested_organisation() {
        assert!(read(
            &powerepos(),
            &set(r#"{"access_token":"a","org_id":"ORG001","svc":"https://x.powerepos.cloud/"}"#)
        )
        .is_ok());
        assert!(
            read(&powerepos(), &set(r#"{"access_token":"a"}"#)).is_ok(),
            "not stated: nothing to compare"
        );
        assert_eq!(
            read(
                &powerepos(),
                &set(r#"{"access_token":"a","org_id":"ORG002"}"#)
            )
            .unwrap_err(),
            GrantError::OrgMismatch {
                requested: "ORG001".into(),
                answered: "ORG002".into()
            }
        );
    }

    #[test]
    fn omniretain_keeps_the_company_and_user_id_only() {
        let g = read(
            &omniretain(),
            &set(r#"{"access_token":"a","user":{"id":1,"company":7,"email":"admin@x.example","first_name":"Admin","phone":null}}"#),
        )
        .unwrap();
        assert_eq!(
            g.account,
            Some(Account {
                company: Some("7".into()),
                user_id: Some("1".into())
            })
        );
        let shown = serde_json::to_string(&g.account).unwrap();
        assert!(
            !shown.contains("admin@") && !shown.contains("Admin"),
            "{shown}"
        );
        let g = read(
            &omniretain(),
            &set(r#"{"access_token":"a","user":{"email":"e@x"}}"#),
        )
        .unwrap();
        assert_eq!(g.account, None);
    }
}
