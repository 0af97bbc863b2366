//! Secrets are a type: redacted `Debug`/`Display`, no `PartialEq`, no `Serialize`, and one
//! explicit [`expose`](ClientSecret::expose) at the single place the value goes on the wire.

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(String);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }
            /// The secret value, for the one place it is put on the wire.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("[redacted]")
            }
        }
    };
}

secret_type!(
    /// A partner OAuth client secret (a Worker secret).
    ClientSecret
);
secret_type!(
    /// A service-account password (OmniRetain, PowerEPOS): never an end user's password.
    ServicePassword
);
secret_type!(
    /// An access token issued by a partner.
    AccessToken
);
secret_type!(
    /// A refresh token issued by a partner.
    RefreshToken
);
secret_type!(
    /// An API key that trusted server code presents to Gatehouse.
    ApiKey
);
secret_type!(
    /// A secret a merchant typed into a connection's form (its client secret, its service
    /// account's password): sealed at rest, never shown again.
    FieldSecret
);

impl ApiKey {
    /// Compares a presented key with this one in time independent of where they differ.
    pub fn matches(&self, presented: &str) -> bool {
        constant_time_eq(self.0.as_bytes(), presented.as_bytes())
    }
}

/// Equality whose running time depends only on the lengths, not on the position of the
/// first difference.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = ClientSecret::new("hunter2-very-secret");
        assert_eq!(format!("{s:?}"), "ClientSecret([redacted])");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(s.expose(), "hunter2-very-secret");
    }

    #[test]
    fn api_key_matches_only_the_exact_key() {
        let k = ApiKey::new("abc123");
        assert!(k.matches("abc123"));
        assert!(!k.matches("abc124"));
        assert!(!k.matches("abc12"));
        assert!(!k.matches(""));
    }
}
