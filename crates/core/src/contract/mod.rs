//! Types from the partner contracts (the seed documents), one serde type per request and response.
//!
//! Field names are the documents' own (`_id`, `type`, `not-before-policy`, `AuthServerClaims`),
//! so a type serialises to exactly what the partner sends or expects. Enums keep values this
//! version does not know in an `Other(String)` variant instead of failing: a partner adding a
//! scope or a status must not break parsing. Types that carry a secret (a client secret, a
//! token, a one-time code) have a hand-written `Debug` that masks it.
//!
//! ```
//! use gatehouse_core::contract::stream::Scope;
//! let scopes: Vec<Scope> = serde_json::from_str(r#"["sso","brand_new"]"#).unwrap();
//! assert_eq!(scopes, vec![Scope::Sso, Scope::Other("brand_new".into())]);
//! assert_eq!(serde_json::to_string(&scopes).unwrap(), r#"["sso","brand_new"]"#);
//! ```

use serde::{Deserialize, Serialize};

/// Defines a string enum whose unknown values are kept in `Other(String)`, serialised as the
/// documented lowercase string and parsed from any string.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know, kept exactly as sent.
            Other(String),
        }

        impl $name {
            /// Every documented value, in the document's order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Other(s) => s.as_str(),
                }
            }

            /// Whether this is one of the documented values (not `Other`).
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $text => $name::$variant, )+
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $( $text => $name::$variant, )+
                    _ => $name::Other(s),
                }
            }
        }

        impl core::str::FromStr for $name {
            type Err = core::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(s))
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }

        /// A string: one of the documented values, or a value a later version adds (kept).
        #[cfg(feature = "openapi")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let known: Vec<&str> = vec![$($text),+];
                schemars::json_schema!({
                    "type": "string",
                    "description": format!("One of {}; other values a later version adds are passed on as they are.", known.join(", ")),
                    "examples": known,
                })
            }
        }
    };
}

/// Writes a `Debug` impl that prints the listed plain fields and masks the listed secret ones.
macro_rules! redacted_debug {
    ($name:ident { $($plain:ident),* $(,)? } secret { $($secret:ident),* $(,)? }) => {
        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                let mut d = f.debug_struct(stringify!($name));
                $( d.field(stringify!($plain), &self.$plain); )*
                $( d.field(stringify!($secret), &$crate::contract::Masked(&self.$secret)); )*
                d.finish()
            }
        }
    };
}

pub mod omniretain;
pub mod powerepos;
pub mod stream;
pub mod stream_paths;
pub mod streamdiver;

/// Shows whether a secret field is present without showing it.
pub(crate) struct Masked<'a, T>(pub(crate) &'a T);

/// A field whose value is masked in `Debug` output.
pub(crate) trait MaskedField {
    /// Whether a value is present.
    fn present(&self) -> bool;
}

impl MaskedField for String {
    fn present(&self) -> bool {
        true
    }
}

impl MaskedField for Option<String> {
    fn present(&self) -> bool {
        self.is_some()
    }
}

impl<T: MaskedField> core::fmt::Debug for Masked<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(if self.0.present() {
            "[redacted]"
        } else {
            "None"
        })
    }
}

open_enum! {
    /// An OAuth 2.0 `grant_type`. Stream documents `client_credentials` and `refresh_token`;
    /// OmniRetain and PowerEPOS also take `password`.
    pub enum GrantType {
        /// `client_credentials`: the client's own credentials.
        ClientCredentials = "client_credentials",
        /// `refresh_token`: exchange a refresh token.
        RefreshToken = "refresh_token",
        /// `password`: a service account's username and password.
        Password = "password",
    }
}

/// An RFC 6749 §5.2 error answer from a token endpoint: `{"error","error_description"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthErrorBody {
    /// The error code: `invalid_request`, `invalid_client`, `invalid_grant`, ...
    pub error: String,
    /// Human-readable detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_type_round_trips_known_and_unknown() {
        for (g, s) in [
            (GrantType::ClientCredentials, "\"client_credentials\""),
            (GrantType::RefreshToken, "\"refresh_token\""),
            (GrantType::Password, "\"password\""),
            (GrantType::Other("urn:x:jwt".into()), "\"urn:x:jwt\""),
        ] {
            assert_eq!(serde_json::to_string(&g).unwrap(), s);
            assert_eq!(serde_json::from_str::<GrantType>(s).unwrap(), g);
        }
        assert_eq!(GrantType::KNOWN.len(), 3);
        assert!(!GrantType::from("x").is_known());
        assert_eq!(
            "password".parse::<GrantType>().unwrap(),
            GrantType::Password
        );
        assert_eq!(GrantType::RefreshToken.to_string(), "refresh_token");
    }

    #[test]
    fn non_string_enum_values_are_rejected_not_panicked_on() {
        assert!(serde_json::from_str::<GrantType>("42").is_err());
        assert!(serde_json::from_str::<GrantType>("null").is_err());
    }

    #[test]
    fn oauth_error_body_skips_missing_description() {
        let e: OAuthErrorBody = serde_json::from_str(r#"{"error":"invalid_grant"}"#).unwrap();
        assert_eq!(e.error_description, None);
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"error":"invalid_grant"}"#
        );
    }
}
