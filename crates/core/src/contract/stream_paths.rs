//! Where Stream's operations live. Seed 000 names operations (init, status, complete, revoke,
//! locations, organizations, generate-session, partner tokens) and shows example paths; a
//! deployment can follow Stream's real API without a code change by overriding any of them in
//! the Stream credential's `paths` (today's values are the defaults). `{id}` stands for an
//! onboarding, `{org_id}` for a Stream organization, `{token_id}` for a partner token; each path
//! is checked when the configuration loads (`make check-config` reports a bad one).

use serde::de::{Deserialize, Deserializer, Error, MapAccess, SeqAccess, Visitor};

/// Stream's paths, relative to the credential's `base_url`. Read as serde's derive would with
/// `#[serde(default, deny_unknown_fields)]` (the same accepted inputs and error messages), by
/// hand: the derived reader is one field visitor per path, 2 KB (gzip) of the worker's wasm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamPaths {
    /// "Create an onboarding integration".
    pub init_onboarding: String,
    /// "Get an onboarding integration" (`{id}`).
    pub onboarding: String,
    /// "Complete OAuth integration" (`{id}`).
    pub complete_onboarding: String,
    /// "Revoke an integration" (`{id}`).
    pub revoke_onboarding: String,
    /// "List onboarding locations" (the `onboarding_id` query is added).
    pub onboarding_locations: String,
    /// "Ingest POS locations".
    pub ingest_locations: String,
    /// "Bind DSP locations".
    pub bind_locations: String,
    /// "Create an organization".
    pub organizations: String,
    /// "List organization locations" (`{org_id}`).
    pub organization_locations: String,
    /// White-label `generate-session`.
    pub generate_session: String,
    /// Partner tokens: list and create.
    pub partner_tokens: String,
    /// One partner token: rename and delete (`{token_id}`).
    pub partner_token: String,
}

impl Default for StreamPaths {
    fn default() -> Self {
        Self {
            init_onboarding: "/onboarding/integrations".into(),
            onboarding: "/onboarding/integrations/{id}".into(),
            complete_onboarding: "/onboarding/integrations/{id}/complete".into(),
            revoke_onboarding: "/onboarding/integrations/{id}/revoke".into(),
            onboarding_locations: "/onboarding/locations".into(),
            ingest_locations: "/onboarding/locations/ingest".into(),
            bind_locations: "/onboarding/locations/bind".into(),
            organizations: "/organizations".into(),
            organization_locations: "/organizations/{org_id}/locations".into(),
            generate_session: "/white-label/generate-session".into(),
            partner_tokens: "/partner-tokens".into(),
            partner_token: "/partner-tokens/{token_id}".into(),
        }
    }
}

/// The keys of [`StreamPaths`], in its fields' order.
const FIELDS: &[&str] = &[
    "init_onboarding",
    "onboarding",
    "complete_onboarding",
    "revoke_onboarding",
    "onboarding_locations",
    "ingest_locations",
    "bind_locations",
    "organizations",
    "organization_locations",
    "generate_session",
    "partner_tokens",
    "partner_token",
];

impl StreamPaths {
    /// Each field, in [`FIELDS`]' order.
    fn slots(&mut self) -> [&mut String; 12] {
        [
            &mut self.init_onboarding,
            &mut self.onboarding,
            &mut self.complete_onboarding,
            &mut self.revoke_onboarding,
            &mut self.onboarding_locations,
            &mut self.ingest_locations,
            &mut self.bind_locations,
            &mut self.organizations,
            &mut self.organization_locations,
            &mut self.generate_session,
            &mut self.partner_tokens,
            &mut self.partner_token,
        ]
    }
}

impl<'de> Deserialize<'de> for StreamPaths {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Paths;
        impl<'de> Visitor<'de> for Paths {
            type Value = StreamPaths;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("struct StreamPaths")
            }

            /// As a sequence, in the fields' order; missing trailing ones keep their default.
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StreamPaths, A::Error> {
                let mut paths = StreamPaths::default();
                for slot in paths.slots() {
                    match seq.next_element()? {
                        Some(v) => *slot = v,
                        None => break,
                    }
                }
                Ok(paths)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StreamPaths, A::Error> {
                let mut paths = StreamPaths::default();
                let mut seen = [false; 12];
                while let Some(key) = map.next_key::<String>()? {
                    let i = FIELDS
                        .iter()
                        .position(|f| *f == key)
                        .ok_or_else(|| A::Error::unknown_field(&key, FIELDS))?;
                    if std::mem::replace(&mut seen[i], true) {
                        return Err(A::Error::duplicate_field(FIELDS[i]));
                    }
                    *paths.slots()[i] = map.next_value()?;
                }
                Ok(paths)
            }
        }
        deserializer.deserialize_struct("StreamPaths", FIELDS, Paths)
    }
}

/// A path that is not acceptable, by its key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("paths.{key}: {problem}")]
pub struct PathError {
    /// The key in `paths`.
    pub key: &'static str,
    /// What is wrong.
    pub problem: String,
}

/// Percent-encodes a value for a path segment or query (ids are checked by the caller already).
fn enc(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fn fill(template: &str, placeholder: &str, value: &str) -> String {
    template.replace(placeholder, &enc(value))
}

impl StreamPaths {
    /// Checks every path: absolute (`/…`), no query, fragment, `..`, backslash or whitespace,
    /// and exactly the placeholders its operation needs.
    pub fn validate(&self) -> Result<(), PathError> {
        let all: [(&'static str, &str, Option<&str>); 12] = [
            ("init_onboarding", &self.init_onboarding, None),
            ("onboarding", &self.onboarding, Some("{id}")),
            (
                "complete_onboarding",
                &self.complete_onboarding,
                Some("{id}"),
            ),
            ("revoke_onboarding", &self.revoke_onboarding, Some("{id}")),
            ("onboarding_locations", &self.onboarding_locations, None),
            ("ingest_locations", &self.ingest_locations, None),
            ("bind_locations", &self.bind_locations, None),
            ("organizations", &self.organizations, None),
            (
                "organization_locations",
                &self.organization_locations,
                Some("{org_id}"),
            ),
            ("generate_session", &self.generate_session, None),
            ("partner_tokens", &self.partner_tokens, None),
            ("partner_token", &self.partner_token, Some("{token_id}")),
        ];
        for (key, path, needs) in all {
            let bad = |problem: &str| PathError {
                key,
                problem: problem.to_owned(),
            };
            if !path.starts_with('/') || path.starts_with("//") {
                return Err(bad("must start with a single `/`"));
            }
            if path.contains(['?', '#', '\\']) || path.contains("..") {
                return Err(bad("must not have a query, fragment, `..` or backslash"));
            }
            if !path.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(bad("must be printable ASCII without spaces"));
            }
            let stripped = needs.map_or(path.to_owned(), |p| path.replacen(p, "", 1));
            if let Some(p) = needs {
                if !path.contains(p) {
                    return Err(bad(&format!("must contain {p}")));
                }
            }
            if stripped.contains(['{', '}']) {
                return Err(bad("has a placeholder this operation does not fill"));
            }
        }
        Ok(())
    }

    /// The path of onboarding `id`'s operation `template` (one of the `{id}` paths).
    pub fn for_onboarding(template: &str, id: &str) -> String {
        fill(template, "{id}", id)
    }

    /// "List organization locations" for `org_id`, optionally filtered to one location.
    pub fn organization_locations(&self, org_id: &str, location_id: Option<&str>) -> String {
        let path = fill(&self.organization_locations, "{org_id}", org_id);
        match location_id {
            Some(l) => format!("{path}?location_id={}", enc(l)),
            None => path,
        }
    }

    /// "List onboarding locations" for onboarding `id`.
    pub fn onboarding_locations(&self, id: &str) -> String {
        format!("{}?onboarding_id={}", self.onboarding_locations, enc(id))
    }

    /// One partner token's path.
    pub fn partner_token(&self, token_id: &str) -> String {
        fill(&self.partner_token, "{token_id}", token_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_todays_paths_and_overrides_merge() {
        let p = StreamPaths::default();
        assert!(p.validate().is_ok());
        assert_eq!(
            StreamPaths::for_onboarding(&p.complete_onboarding, "onb_1"),
            "/onboarding/integrations/onb_1/complete"
        );
        assert_eq!(
            p.organization_locations("org_1", Some("loc 2")),
            "/organizations/org_1/locations?location_id=loc+2"
        );
        assert_eq!(
            p.onboarding_locations("onb_1"),
            "/onboarding/locations?onboarding_id=onb_1"
        );
        let custom: StreamPaths = serde_json::from_str(
            r#"{"onboarding":"/v2/onboardings/{id}","organization_locations":"/v2/orgs/{org_id}/locations"}"#,
        )
        .unwrap();
        assert!(custom.validate().is_ok());
        assert_eq!(
            custom.init_onboarding, "/onboarding/integrations",
            "the rest keep their defaults"
        );
        assert_eq!(
            StreamPaths::for_onboarding(&custom.onboarding, "o"),
            "/v2/onboardings/o"
        );
        assert!(serde_json::from_str::<StreamPaths>(r#"{"nope":"/x"}"#).is_err());
    }

    /// The hand-written reader answers as `#[derive(Deserialize)]` with `#[serde(default,
    /// deny_unknown_fields)]` did: the same messages, through both of the worker's readers.
    #[test]
    fn read_like_the_derived_reader() {
        let err = |json: &str| {
            serde_json::from_str::<StreamPaths>(json)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err(r#"{"nope":"/x"}"#),
            "unknown field `nope`, expected one of `init_onboarding`, `onboarding`, \
             `complete_onboarding`, `revoke_onboarding`, `onboarding_locations`, \
             `ingest_locations`, `bind_locations`, `organizations`, `organization_locations`, \
             `generate_session`, `partner_tokens`, `partner_token` at line 1 column 7"
        );
        assert_eq!(
            err(r#"{"organizations":"/a","organizations":"/b"}"#),
            "duplicate field `organizations` at line 1 column 37"
        );
        assert_eq!(
            err(r#"{"organizations":5}"#),
            "invalid type: integer `5`, expected a string at line 1 column 18"
        );
        assert_eq!(
            err(r#""/x""#),
            "invalid type: string \"/x\", expected struct StreamPaths at line 1 column 4"
        );
        let value: serde_json::Value = serde_json::json!({"organizations": "/v2/orgs"});
        let from_value: StreamPaths = serde_json::from_value(value).unwrap();
        assert_eq!(from_value.organizations, "/v2/orgs");
        assert_eq!(from_value.onboarding, StreamPaths::default().onboarding);
        let from_seq: StreamPaths = serde_json::from_str(r#"["/a","/b/{id}"]"#).unwrap();
        assert_eq!(
            (
                from_seq.init_onboarding.as_str(),
                from_seq.onboarding.as_str()
            ),
            ("/a", "/b/{id}")
        );
        assert_eq!(from_seq.partner_token, StreamPaths::default().partner_token);
    }

    #[test]
    fn bad_paths_are_named() {
        for (json, key) in [
            (r#"{"onboarding":"/v2/onboardings"}"#, "onboarding"),
            (r#"{"onboarding":"v2/{id}"}"#, "onboarding"),
            (
                r#"{"init_onboarding":"//evil.example/x"}"#,
                "init_onboarding",
            ),
            (r#"{"bind_locations":"/x?y=1"}"#, "bind_locations"),
            (r#"{"bind_locations":"/a/../b"}"#, "bind_locations"),
            (r#"{"organizations":"/orgs/{org_id}"}"#, "organizations"),
            (r#"{"partner_token":"/t/{id}"}"#, "partner_token"),
            (r#"{"generate_session":"/a b"}"#, "generate_session"),
        ] {
            let p: StreamPaths = serde_json::from_str(json).unwrap();
            assert_eq!(p.validate().unwrap_err().key, key, "{json}");
        }
    }
}
