//! One entry of the `CREDENTIALS` var as written: its provider, its non-secret parameters, the
//! *names* of the Worker secrets that hold its client secret and service-account password, and
//! why an entry is refused (naming the credential and the field).

use super::provider::{BodyEncoding, ClientAuth, GrantKind, ProviderKind};
use crate::contract::stream_paths::StreamPaths;
use serde::Deserialize;

/// A rule of the proxy allowlist: methods and a path pattern (`*` one segment, `**` the rest).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProxyRule {
    /// Allowed methods, upper case.
    pub methods: Vec<String>,
    /// Path pattern relative to the API base, e.g. `/v2/tenants/*/settings`.
    pub path: String,
}

/// Why the configuration cannot be used; names the credential and the missing or bad piece.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The `CREDENTIALS` JSON does not parse (the serde message names the field).
    #[error("CREDENTIALS is not valid: {0}")]
    Syntax(String),
    /// A field the provider needs is missing.
    #[error("credential `{id}`: `{field}` is required for provider `{provider}`")]
    Missing {
        /// Credential id.
        id: String,
        /// Provider.
        provider: String,
        /// The missing field.
        field: &'static str,
    },
    /// A named Worker secret is not set.
    #[error("credential `{id}`: secret `{secret}` (for {field}) is not set")]
    SecretNotSet {
        /// Credential id.
        id: String,
        /// The secret's name.
        secret: String,
        /// What it is for.
        field: &'static str,
    },
    /// A value is not acceptable (a URL that is not http(s), an id with odd characters, ...).
    #[error("credential `{id}`: {problem}")]
    Invalid {
        /// Credential id.
        id: String,
        /// What is wrong.
        problem: String,
    },
}

/// The names of the Worker secrets a credential reads.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SecretNames {
    pub client_secret: String,
    #[serde(default)]
    pub password: Option<String>,
}

/// A credential's entry as written. Which fields a provider needs, and which it ignores, is
/// its preset's business (`super::presets`). The type's name shows in serde's messages
/// ("expected struct Spec").
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Spec {
    pub provider: ProviderKind,
    pub client_id: String,
    pub secrets: SecretNames,
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default)]
    pub auth_base: Option<String>,
    #[serde(default)]
    pub api_base: Option<String>,
    #[serde(default)]
    pub tenant: Option<String>,
    #[serde(default)]
    pub org_id: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub grant: Option<GrantKind>,
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    #[serde(default)]
    pub token_url: Option<String>,
    #[serde(default)]
    pub revoke_url: Option<String>,
    #[serde(default)]
    pub encoding: Option<BodyEncoding>,
    #[serde(default)]
    pub client_auth: Option<ClientAuth>,
    #[serde(default)]
    pub api_base_claim: Option<String>,
    #[serde(default)]
    pub default_lifetime_s: Option<u64>,
    #[serde(default)]
    pub max_lifetime_s: Option<u64>,
    #[serde(default)]
    pub token_lifetime_s: Option<u64>,
    #[serde(default)]
    pub forbidden_means_invalid_token: Option<bool>,
    #[serde(default)]
    pub api_hosts: Option<Vec<String>>,
    #[serde(default)]
    pub paths: Option<StreamPaths>,
    #[serde(default)]
    pub proxy: Vec<ProxyRule>,
}

/// An absolute `http://` or `https://` URL: a host (a name, an IPv4 address or a bracketed IPv6
/// address) with an optional numeric port, then an optional path and query of URI characters
/// only (RFC 3986: no spaces, quotes, angle brackets or controls). No user information. A name
/// may hold `_` (RFC 3986's reg-name allows it, and container and internal service names use it:
/// `http://oauth_server:8000`), as the platform's URL parser does.
pub(crate) fn absolute_http_url(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return false;
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((addr, after))
                if !addr.is_empty()
                    && addr
                        .bytes()
                        .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') =>
            {
                (
                    addr,
                    after
                        .strip_prefix(':')
                        .unwrap_or(if after.is_empty() { "" } else { "x" }),
                )
            }
            _ => return false,
        },
        None => {
            let (h, p) = authority.split_once(':').unwrap_or((authority, ""));
            if !h
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
            {
                return false;
            }
            (h, p)
        }
    };
    let port_ok = port.bytes().all(|b| b.is_ascii_digit()) && port.len() <= 5;
    let uri_char = |b: u8| b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b);
    !host.is_empty() && port_ok && tail.bytes().all(uri_char)
}

/// Credential ids, tenants and organisation codes that go into URLs: 1–64 of `A–Z a–z 0–9 - _`.
pub(crate) fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The checks of one entry, each failing with an error that names the credential.
pub(crate) struct Check<'a> {
    pub id: &'a str,
    pub provider: ProviderKind,
}

impl Check<'_> {
    pub fn missing(&self, field: &'static str) -> ConfigError {
        ConfigError::Missing {
            id: self.id.to_owned(),
            provider: self.provider.as_str().to_owned(),
            field,
        }
    }

    pub fn invalid(&self, problem: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            id: self.id.to_owned(),
            problem: problem.into(),
        }
    }

    /// A field the provider needs: given and not empty.
    pub fn need(&self, field: &'static str, value: &Option<String>) -> Result<String, ConfigError> {
        value
            .clone()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| self.missing(field))
    }

    /// An absolute http(s) URL with a host, without its trailing `/`.
    pub fn http_url(&self, what: &str, url: &str) -> Result<String, ConfigError> {
        if absolute_http_url(url) {
            Ok(url.trim_end_matches('/').to_owned())
        } else {
            Err(self.invalid(format!("{what} `{url}` is not an absolute http(s) URL")))
        }
    }

    /// A URL field the provider needs.
    pub fn need_url(
        &self,
        field: &'static str,
        value: &Option<String>,
    ) -> Result<String, ConfigError> {
        self.http_url(field, &self.need(field, value)?)
    }

    /// A field the provider needs that goes into a URL as it is ([`valid_name`]).
    pub fn need_name(
        &self,
        field: &'static str,
        value: &Option<String>,
    ) -> Result<String, ConfigError> {
        let name = self.need(field, value)?;
        if valid_name(&name) {
            Ok(name)
        } else {
            Err(self.invalid(format!("{field} must be letters, digits, `-` and `_`")))
        }
    }
}

#[cfg(test)]
mod url_tests {
    use super::absolute_http_url;

    #[test]
    fn only_absolute_http_urls_with_a_host_pass() {
        for good in [
            "https://auth.powerepos.cloud",
            "https://auth.powerepos.cloud/revoke/",
            "http://127.0.0.1:18790/stream",
            "http://localhost:8790",
            "https://[::1]:8443/x?y=1&z=%20",
            "https://a.example/realms/acme/protocol/openid-connect/token",
            "http://oauth_server:8000/o/token/",
            "https://partner_api.internal.example/v1",
        ] {
            assert!(absolute_http_url(good), "{good}");
        }
        for bad in [
            "",
            "ftp://x",
            "https://",
            "https:///path",
            "//host/x",
            "host/x",
            "https://user:pw@host/x",
            "https://ho st/x",
            "https://host/a b",
            "https://host/<x>",
            "https://host:80a/",
            "https://host:123456/",
            "https://[zz]/",
            "https://[::1]x/",
            "https://host/\"x\"",
            "https://host/\u{7f}",
            "https://ho~st/x",
            "https://ho%41st/x",
            "https://host_/x\\y",
        ] {
            assert!(!absolute_http_url(bad), "{bad}");
        }
    }
}
