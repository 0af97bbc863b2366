//! How a deployment checks sessions (`SESSION_*` Worker vars), and the signature algorithms it
//! may accept. The keys themselves are the worker's.

use serde::{Deserialize, Serialize};

/// Signature algorithms a deployment may accept (never `none`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Alg {
    /// HMAC with SHA-256 and the shared `SESSION_SECRET`.
    HS256,
    /// ECDSA P-256 with SHA-256, public key from `SESSION_JWKS`.
    ES256,
    /// RSASSA-PKCS1-v1_5 with SHA-256, public key from `SESSION_JWKS`.
    RS256,
}

impl Alg {
    /// Parses a JOSE `alg` name; `none` and everything else is refused.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "HS256" => Some(Self::HS256),
            "ES256" => Some(Self::ES256),
            "RS256" => Some(Self::RS256),
            _ => None,
        }
    }

    /// The JOSE name.
    pub fn name(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::ES256 => "ES256",
            Self::RS256 => "RS256",
        }
    }
}

/// How sessions are checked (from Worker vars; the keys themselves are handled by the worker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionConfig {
    /// Expected `iss`.
    pub issuer: String,
    /// Expected `aud` (one of the token's audiences).
    pub audience: String,
    /// Algorithms accepted at all (`SESSION_ALGORITHMS`); each key is further pinned to one.
    pub algorithms: Vec<Alg>,
    /// Clock leeway for `exp` and `nbf`, seconds.
    pub leeway_s: u64,
    /// Longest accepted remaining lifetime (`exp − now`), seconds: sessions are short-lived.
    pub max_ttl_s: u64,
}

impl SessionConfig {
    /// Reads the configuration from named values; the error names the missing or wrong one.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let need = |name: &str| get(name).ok_or_else(|| format!("var {name} is not set"));
        let algorithms = get("SESSION_ALGORITHMS")
            .unwrap_or_else(|| "HS256".into())
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                Alg::parse(s).ok_or_else(|| {
                    format!("SESSION_ALGORITHMS: \"{s}\" is not one of HS256, ES256, RS256")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if algorithms.is_empty() {
            return Err("SESSION_ALGORITHMS is empty".into());
        }
        let number = |name: &str, default: u64| -> Result<u64, String> {
            get(name).map_or(Ok(default), |v| {
                v.parse()
                    .map_err(|_| format!("var {name} is not a number of seconds"))
            })
        };
        Ok(Self {
            issuer: need("SESSION_ISSUER")?,
            audience: need("SESSION_AUDIENCE")?,
            algorithms,
            leeway_s: number("SESSION_LEEWAY_S", 30)?,
            max_ttl_s: number("SESSION_MAX_TTL_S", 3600)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_names_what_is_wrong() {
        let vars = |extra: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                [("SESSION_ISSUER", "i"), ("SESSION_AUDIENCE", "a")]
                    .iter()
                    .chain(extra)
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(
            SessionConfig::from_vars(vars(&[])).unwrap().algorithms,
            vec![Alg::HS256]
        );
        let e =
            SessionConfig::from_vars(vars(&[("SESSION_ALGORITHMS", "HS256,none")])).unwrap_err();
        assert!(e.contains("\"none\""), "{e}");
        let e =
            SessionConfig::from_vars(|k| (k == "SESSION_ISSUER").then(|| "i".into())).unwrap_err();
        assert!(e.contains("SESSION_AUDIENCE"), "{e}");
    }
}
