//! Building token requests (sans-IO): a [`Credential`] and a [`Grant`] become an
//! [`Outbound`] request; the worker sends it.

use super::profile::{BodyEncoding, ClientAuth, Credential, GrantKind, ScopeParam};
use crate::outbound::Outbound;
use crate::secret::RefreshToken;
use base64::Engine;

/// Which grant to ask for.
#[derive(Debug, Clone, Copy)]
pub enum Grant<'a> {
    /// A new token with the profile's grant (client credentials or service-account password).
    New,
    /// A refresh with the held refresh token.
    Refresh(&'a RefreshToken),
}

/// Builds the token request at `now_s` (Unix seconds: Stream's `exp` is counted from it). Its
/// URL is the token URL configuration loading checked.
pub fn token_request(cred: &Credential, grant: Grant<'_>, now_s: u64) -> Outbound {
    let p = &cred.profile;
    let mut params: Vec<(&str, &str)> = Vec::new();
    match grant {
        Grant::New => match p.grant {
            GrantKind::ClientCredentials => params.push(("grant_type", "client_credentials")),
            GrantKind::Password => {
                params.push(("grant_type", "password"));
                params.push(("username", cred.username.as_deref().unwrap_or_default()));
                params.push((
                    "password",
                    cred.password
                        .as_ref()
                        .map(|s| s.expose())
                        .unwrap_or_default(),
                ));
            }
        },
        Grant::Refresh(rt) => {
            params.push(("grant_type", "refresh_token"));
            params.push(("refresh_token", rt.expose()));
        }
    }
    if p.client_auth == ClientAuth::Body {
        params.push(("client_id", &cred.client_id));
        params.push(("client_secret", cred.client_secret.expose()));
    }
    for (k, v) in &p.extra {
        params.push((k, v));
    }
    let mut builder = Outbound::post(&p.token_url).header("accept", "application/json");
    if p.client_auth == ClientAuth::Basic {
        builder = builder.header("authorization", basic(cred));
    }
    let body = match p.encoding {
        BodyEncoding::Json => {
            let mut map = serde_json::Map::new();
            for (k, v) in params {
                map.insert(k.to_owned(), v.into());
            }
            // Stream's `exp` (seed 000): when the token should expire, Unix seconds, at most an
            // hour after issue (the lifetime is clamped when the configuration loads).
            if let Some(life) = p.token_lifetime_s {
                map.insert("exp".into(), now_s.saturating_add(life).into());
            }
            match &p.scope {
                Some(ScopeParam::Array(list)) => {
                    map.insert("scopes".into(), list.clone().into());
                }
                Some(ScopeParam::Spaced(s)) => {
                    map.insert("scope".into(), s.clone().into());
                }
                None => {}
            }
            builder = builder.header("content-type", "application/json");
            // Serialize, not Display: the same compact JSON (see `session::jws::signing_input`).
            serde_json::to_vec(&serde_json::Value::Object(map)).unwrap_or_default()
        }
        BodyEncoding::Form => {
            let mut form = form_urlencoded::Serializer::new(String::new());
            for (k, v) in params {
                form.append_pair(k, v);
            }
            match &p.scope {
                Some(ScopeParam::Spaced(s)) => {
                    form.append_pair("scope", s);
                }
                Some(ScopeParam::Array(list)) => {
                    form.append_pair("scope", &list.join(" "));
                }
                None => {}
            }
            builder = builder.header("content-type", "application/x-www-form-urlencoded");
            form.finish().into_bytes()
        }
    };
    builder.body(body)
}

/// The `Authorization: Basic` value of the credential's client (RFC 6749 §2.3.1: each part
/// form-urlencoded before base64).
fn basic(cred: &Credential) -> String {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let pair = format!(
        "{}:{}",
        enc(&cred.client_id),
        enc(cred.client_secret.expose())
    );
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// Which token a revocation names (RFC 7009 `token_type_hint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenHint {
    /// A refresh token (revoking it also ends the access tokens of its grant).
    Refresh,
    /// An access token (a grant without a refresh token).
    Access,
}

/// The RFC 7009 revocation request for `token`, authenticated as the token requests are; `None`
/// when the provider has no revocation endpoint. Always form-encoded (RFC 7009 §2.1).
pub fn revoke_request(cred: &Credential, token: &str, hint: TokenHint) -> Option<Outbound> {
    let url = cred.profile.revoke_url.as_deref()?;
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("token", token);
    form.append_pair(
        "token_type_hint",
        match hint {
            TokenHint::Refresh => "refresh_token",
            TokenHint::Access => "access_token",
        },
    );
    let mut builder =
        Outbound::post(url).header("content-type", "application/x-www-form-urlencoded");
    match cred.profile.client_auth {
        ClientAuth::Basic => builder = builder.header("authorization", basic(cred)),
        ClientAuth::Body => {
            form.append_pair("client_id", &cred.client_id);
            form.append_pair("client_secret", cred.client_secret.expose());
        }
    }
    Some(builder.body(form.finish().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::profile::load;

    fn cred(json: &str) -> Credential {
        load(json, |n| Some(format!("{n}-value")))
            .unwrap()
            .remove(0)
    }

    fn form(body: &[u8]) -> Vec<(String, String)> {
        form_urlencoded::parse(body).into_owned().collect()
    }

    #[test]
    fn stream_exp_asks_for_the_configured_lifetime_within_the_hour() {
        let c = cred(
            r#"{"s":{"provider":"stream","base_url":"http://h/stream","client_id":"cid","token_lifetime_s":1800,"secrets":{"client_secret":"SEC"}}}"#,
        );
        let body: serde_json::Value =
            serde_json::from_slice(token_request(&c, Grant::New, 1_800_000_000).body_bytes())
                .unwrap();
        assert_eq!(body["exp"], 1_800_001_800u64);
        // Without the setting no `exp` is sent (the partner's default).
        let plain = cred(
            r#"{"s":{"provider":"stream","base_url":"http://h/stream","client_id":"cid","secrets":{"client_secret":"SEC"}}}"#,
        );
        let body: serde_json::Value =
            serde_json::from_slice(token_request(&plain, Grant::New, 1).body_bytes()).unwrap();
        assert!(body.get("exp").is_none());
        // Over the documented hour, or on another provider: refused when the configuration loads.
        let secrets = |n: &str| Some(format!("{n}-value"));
        assert!(load(r#"{"s":{"provider":"stream","base_url":"http://h","client_id":"c","token_lifetime_s":7200,"secrets":{"client_secret":"S"}}}"#, secrets).is_err());
        assert!(load(r#"{"d":{"provider":"streamdiver","auth_base":"http://h","api_base":"http://h","tenant":"t","client_id":"c","token_lifetime_s":600,"secrets":{"client_secret":"S"}}}"#, secrets).is_err());
    }

    #[test]
    fn stream_json_client_credentials_with_scopes_array() {
        let c = cred(
            r#"{"s":{"provider":"stream","base_url":"http://h/stream","client_id":"cid","secrets":{"client_secret":"SEC"}}}"#,
        );
        let req = token_request(&c, Grant::New, 1_800_000_000);
        assert_eq!(req.uri(), "http://h/stream/oauth/token");
        assert_eq!(
            req.header_value("content-type").unwrap(),
            "application/json"
        );
        let body: serde_json::Value = serde_json::from_slice(req.body_bytes()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"grant_type":"client_credentials","client_id":"cid","client_secret":"SEC-value","scopes":["user","onboarding","sso"]})
        );
        let rt = RefreshToken::new("r1");
        let body: serde_json::Value = serde_json::from_slice(
            token_request(&c, Grant::Refresh(&rt), 1_800_000_000).body_bytes(),
        )
        .unwrap();
        assert_eq!(body["grant_type"], "refresh_token");
        assert_eq!(body["refresh_token"], "r1");
        assert_eq!(body["client_id"], "cid");
    }

    #[test]
    fn revocation_per_rfc_7009_where_the_provider_has_an_endpoint() {
        // OmniRetain (Django OAuth Toolkit): beside the token view, the client in Basic.
        let c = cred(
            r#"{"o":{"provider":"omniretain","base_url":"http://h/o","client_id":"cid","username":"u","secrets":{"client_secret":"S","password":"P"}}}"#,
        );
        let req = revoke_request(&c, "rt-1", TokenHint::Refresh).unwrap();
        assert_eq!(
            req.uri(),
            "http://h/o/backend/core/authentication/revoke_token/"
        );
        assert_eq!(req.header_value("authorization"), Some(basic(&c).as_str()));
        assert_eq!(
            form(req.body_bytes()),
            vec![
                ("token".into(), "rt-1".into()),
                ("token_type_hint".into(), "refresh_token".into())
            ]
        );
        // Streamdiver (Keycloak): the realm's endpoint, the client in the body.
        let c = cred(
            r#"{"d":{"provider":"streamdiver","auth_base":"https://a","api_base":"https://b","tenant":"acme","client_id":"cid","secrets":{"client_secret":"S"}}}"#,
        );
        let req = revoke_request(&c, "at-1", TokenHint::Access).unwrap();
        assert_eq!(
            req.uri(),
            "https://a/realms/acme/protocol/openid-connect/revoke"
        );
        assert!(req.header_value("authorization").is_none());
        assert_eq!(
            form(req.body_bytes()),
            vec![
                ("token".into(), "at-1".into()),
                ("token_type_hint".into(), "access_token".into()),
                ("client_id".into(), "cid".into()),
                ("client_secret".into(), "S-value".into())
            ]
        );
        // PowerEPOS documents none: nothing to send, unless `revoke_url` names one (kept as
        // written, trailing slash included).
        let pe = r#"{"pe":{"provider":"powerepos","auth_base":"https://auth.powerepos.cloud","org_id":"O","username":"u","client_id":"c","secrets":{"client_secret":"S","password":"P"}EXTRA}}"#;
        assert!(revoke_request(&cred(&pe.replace("EXTRA", "")), "t", TokenHint::Refresh).is_none());
        let c = cred(&pe.replace(
            "EXTRA",
            r#","revoke_url":"https://auth.powerepos.cloud/revoke/""#,
        ));
        let req = revoke_request(&c, "t", TokenHint::Refresh).unwrap();
        assert_eq!(req.uri(), "https://auth.powerepos.cloud/revoke/");
        let bad = pe.replace("EXTRA", r#","revoke_url":"ftp://x""#);
        assert!(load(&bad, |n| Some(n.into()))
            .unwrap_err()
            .to_string()
            .contains("revoke_url"));
    }

    #[test]
    fn omniretain_password_grant_with_basic_client_auth() {
        let c = cred(
            r#"{"o":{"provider":"omniretain","base_url":"http://h/o","client_id":"id:1","username":"api@c1.example","secrets":{"client_secret":"S&x","password":"P"}}}"#,
        );
        let req = token_request(&c, Grant::New, 1_800_000_000);
        let auth = req
            .header_value("authorization")
            .unwrap()
            .strip_prefix("Basic ")
            .unwrap()
            .to_owned();
        let decoded = String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(auth)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(decoded, "id%3A1:S%26x-value");
        assert_eq!(
            form(req.body_bytes()),
            vec![
                ("grant_type".into(), "password".into()),
                ("username".into(), "api@c1.example".into()),
                ("password".into(), "P-value".into())
            ]
        );
    }

    #[test]
    fn powerepos_password_grant_carries_org_id_and_scope() {
        let c = cred(
            r#"{"p":{"provider":"powerepos","auth_base":"http://h/pe","org_id":"ORG001","username":"svc","client_id":"cid","secrets":{"client_secret":"S","password":"P"}}}"#,
        );
        let req = token_request(&c, Grant::New, 1_800_000_000);
        assert_eq!(req.uri(), "http://h/pe/authorisation/token");
        let f = form(req.body_bytes());
        for pair in [
            ("grant_type", "password"),
            ("org_id", "ORG001"),
            ("scope", "partnerservices offline_access"),
            ("client_id", "cid"),
            ("username", "svc"),
        ] {
            assert!(
                f.contains(&(pair.0.into(), pair.1.into())),
                "{pair:?} in {f:?}"
            );
        }
    }

    #[test]
    fn streamdiver_form_client_credentials_in_the_tenant_realm() {
        let c = cred(
            r#"{"d":{"provider":"streamdiver","auth_base":"http://h/sd","api_base":"http://h/api","tenant":"acme","client_id":"cid","secrets":{"client_secret":"S"}}}"#,
        );
        let req = token_request(&c, Grant::New, 1_800_000_000);
        assert_eq!(
            req.uri(),
            "http://h/sd/realms/acme/protocol/openid-connect/token"
        );
        assert_eq!(
            req.header_value("content-type").unwrap(),
            "application/x-www-form-urlencoded"
        );
        assert_eq!(
            form(req.body_bytes()),
            vec![
                ("grant_type".into(), "client_credentials".into()),
                ("client_id".into(), "cid".into()),
                ("client_secret".into(), "S-value".into())
            ]
        );
    }
}
