//! Stream Partner API 1.0 (seed 000) and the white-label SSO guide (seed 001).
//!
//! The OpenAPI rendering gives field names and enums but few response shapes and no paths
//! except `/white-label/generate-session`; where it is silent the shapes here are the ones the
//! sandbox serves and documents (crates/sandbox/README.md). The small validators at the end
//! ([`is_valid_email`], [`is_valid_phone_number`], [`is_valid_provider_org_id`]) are those
//! input rules, shared so Gatehouse can reject bad input before it reaches the partner.

use super::GrantType;
use serde::{Deserialize, Deserializer, Serialize};

open_enum! {
    /// A permission a Stream token can carry (`scopes` items).
    pub enum Scope {
        /// `user`: partner tokens.
        User = "user",
        /// `onboarding`: onboarding integrations, locations and organizations.
        Onboarding = "onboarding",
        /// `legacy_onboarding`: the older onboarding permission, accepted where `onboarding` is.
        LegacyOnboarding = "legacy_onboarding",
        /// `sso`: white-label single sign-on sessions.
        Sso = "sso",
    }
}

open_enum! {
    /// A white-label user's role within the organization.
    pub enum Role {
        /// `owner`: full administrative access to all organization features.
        Owner = "owner",
        /// `admin`: administrative access with some restrictions.
        Admin = "admin",
        /// `manager`: management access to specific locations or functions.
        Manager = "manager",
        /// `team_member`: basic operational access.
        TeamMember = "team_member",
        /// `custom`: custom role with specific permissions.
        Custom = "custom",
    }
}

open_enum! {
    /// The kind of platform an onboarding integration or a location belongs to.
    pub enum IntegrationType {
        /// `pos`: a point-of-sale system.
        Pos = "pos",
        /// `dsp`: a delivery service provider.
        Dsp = "dsp",
    }
}

open_enum! {
    /// The state of an onboarding integration.
    pub enum OnboardingStatus {
        /// `pending`: initialised, waiting for the merchant's consent and `complete`.
        Pending = "pending",
        /// `active`: completed; locations are provisioned.
        Active = "active",
        /// `revoked`: access revoked and the integration deprovisioned.
        Revoked = "revoked",
        /// `failed`: the flow ended without an integration (e.g. consent denied).
        Failed = "failed",
    }
}

/// Reads a Unix time given as a JSON integer or a float (the document says "number").
fn unix_seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let value = Option::<f64>::deserialize(deserializer)?;
    match value {
        None => Ok(None),
        Some(v) if v.is_finite() && v.abs() < 1e15 => Ok(Some(v.floor() as i64)),
        Some(_) => Err(serde::de::Error::custom(
            "exp is not a Unix time in seconds",
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// OAuth

/// `token` request (JSON body): a `client_credentials` or `refresh_token` grant.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRequest {
    /// `client_credentials` or `refresh_token`.
    pub grant_type: GrantType,
    /// The API key given by the application.
    pub client_id: String,
    /// The API token given by the application (a secret).
    pub client_secret: String,
    /// Requested expiry, seconds since the Unix epoch; at most one hour after issue.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unix_seconds"
    )]
    pub exp: Option<i64>,
    /// The permissions the application requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<Scope>>,
    /// The refresh token, only when `grant_type` is `refresh_token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}
redacted_debug!(TokenRequest { grant_type, client_id, exp, scopes } secret { client_secret, refresh_token });

/// `token` response.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// Always `"bearer"`.
    pub token_type: String,
    /// The refresh token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Access-token lifetime in seconds.
    pub expires_in: u64,
    /// Refresh-token lifetime in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_expires_in: Option<u64>,
    /// The permissions granted.
    #[serde(default)]
    pub scopes: Vec<Scope>,
}
redacted_debug!(TokenResponse { token_type, expires_in, refresh_token_expires_in, scopes } secret { access_token, refresh_token });

/// The body of Stream's non-OAuth error answers: `{"error":"<code>","message":"..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `invalid_token`, `org_not_found`, `invalid_state`.
    pub error: String,
    /// Human-readable detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Tokens (partner tokens)

/// `getPartnerTokens` query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPartnerTokensQuery {
    /// The organization whose tokens to list.
    pub org_id: String,
}

/// `createPartnerToken` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreatePartnerTokenRequest {
    /// The organization the token acts for.
    pub org_id: String,
    /// A display name.
    pub token_name: String,
    /// The permissions of the token.
    pub scopes: Vec<Scope>,
}

/// `renamePartnerToken` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenamePartnerTokenRequest {
    /// The new display name.
    pub token_name: String,
}

/// Why an operator's partner-token request is refused (stable codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PartnerTokenInputError {
    /// `org_id` or a token id is not an id.
    #[error("invalid_id")]
    Id,
    /// `token_name` is empty, over 100 characters, or has control characters.
    #[error("invalid_token_name")]
    Name,
    /// `scopes` is empty or names a scope the document does not list.
    #[error("invalid_scopes")]
    Scopes,
}

fn valid_token_name(name: &str) -> bool {
    let t = name.trim();
    (1..=100).contains(&t.chars().count()) && !t.chars().any(char::is_control)
}

impl CreatePartnerTokenRequest {
    /// Checks an operator's request before it goes to Stream: an id, a plain name, and scopes
    /// from the documented enum (`user`, `onboarding`, `legacy_onboarding`, `sso`).
    pub fn validate(&self) -> Result<(), PartnerTokenInputError> {
        if !crate::ids::valid_id(&self.org_id) {
            return Err(PartnerTokenInputError::Id);
        }
        if !valid_token_name(&self.token_name) {
            return Err(PartnerTokenInputError::Name);
        }
        if self.scopes.is_empty() || self.scopes.iter().any(|s| !s.is_known()) {
            return Err(PartnerTokenInputError::Scopes);
        }
        Ok(())
    }
}

impl RenamePartnerTokenRequest {
    /// Checks the new name.
    pub fn validate(&self) -> Result<(), PartnerTokenInputError> {
        if valid_token_name(&self.token_name) {
            Ok(())
        } else {
            Err(PartnerTokenInputError::Name)
        }
    }
}

/// A partner token as listed, created or renamed. `token` (the secret value) is only present
/// in the answer to `createPartnerToken`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerToken {
    /// Token id (`token_id` in the paths).
    #[serde(rename = "_id")]
    pub id: String,
    /// The organization the token acts for.
    pub org_id: String,
    /// Display name.
    pub token_name: String,
    /// Permissions.
    pub scopes: Vec<Scope>,
    /// Creation time, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// The secret token value, shown once on creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}
redacted_debug!(PartnerToken { id, org_id, token_name, scopes, created_at } secret { token });

// ---------------------------------------------------------------------------------------------
// White Label - SSO

/// `generateSSOSession` query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateSessionQuery {
    /// The partner to create the session for, when the caller manages several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_id: Option<String>,
}

/// `generateSSOSession` request: the user to sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateSessionRequest {
    /// The user's email address.
    pub email: String,
    /// The user's full name.
    pub full_name: String,
    /// The user's phone number.
    pub phone_number: String,
    /// The user's role within the organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The partner's own organization identifier; users sharing it share an organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_org_id: Option<String>,
}

/// `generateSSOSession` response: a one-time login token for
/// `<WHITE_LABEL_DOMAIN>/redirect/sso?code=<sso_login_token>`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateSessionResponse {
    /// The one-time token; a second use gives `sso_token_redeemed`.
    pub sso_login_token: String,
}
redacted_debug!(GenerateSessionResponse {} secret { sso_login_token });

/// The error code the white-label application shows when an SSO login token is used twice.
pub const SSO_TOKEN_REDEEMED: &str = "sso_token_redeemed";

// ---------------------------------------------------------------------------------------------
// Onboarding - Integrations

/// "Initialize OAuth integration flow" request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitOnboardingRequest {
    /// The Stream organization to connect.
    pub org_id: String,
    /// The platform to connect (e.g. a POS or DSP name).
    pub source: String,
    /// `pos` or `dsp`.
    #[serde(rename = "type")]
    pub r#type: IntegrationType,
    /// Where the merchant is sent back to after consent, with `code` (or `error`) appended.
    pub return_url: String,
}

/// "Initialize OAuth integration flow" response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitOnboardingResponse {
    /// The new onboarding, `pending`, with its `entry_url`.
    pub onboarding: Onboarding,
}

/// An onboarding integration (the status, complete and revoke answers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Onboarding {
    /// Onboarding id.
    #[serde(rename = "_id")]
    pub id: String,
    /// The Stream organization (documented; tolerated missing).
    #[serde(default)]
    pub org_id: String,
    /// The merchant at the source platform, once active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<String>,
    /// `pos` or `dsp`.
    #[serde(rename = "type")]
    pub r#type: IntegrationType,
    /// `pending`, `active`, `revoked` or `failed`.
    pub status: OnboardingStatus,
    /// The partner that initialised the flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_id: Option<String>,
    /// The organization at the source platform, once active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_org_id: Option<String>,
    /// The platform connected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Where to send the merchant to begin authorization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_url: Option<String>,
    /// Where the merchant comes back to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// The integration created on completion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_id: Option<String>,
}

/// "Complete OAuth integration" request: the `code` from the return URL.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompleteOnboardingRequest {
    /// The one-time code appended to `return_url`.
    pub code: String,
}
redacted_debug!(CompleteOnboardingRequest {} secret { code });

// ---------------------------------------------------------------------------------------------
// Onboarding - Locations

/// "List onboarding locations" query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListOnboardingLocationsQuery {
    /// The onboarding whose locations to list.
    pub onboarding_id: String,
}

/// A location (POS or DSP) as Stream lists it. Only the id is required: the document's example
/// shows `name` and `type`, but a real answer without them must not turn every location call
/// into an error. Fields the document does not name are not modelled here: the worker checks a
/// listing against this type and then passes the partner's own bytes on, so they reach the
/// caller as they came.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Location {
    /// Location id.
    #[serde(rename = "_id")]
    pub id: String,
    /// Display name, when the partner gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Postal address, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// `pos` or `dsp`, when the partner says.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "IntegrationType"))]
    pub r#type: Option<IntegrationType>,
    /// The location's id at the source platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The onboarding that provisioned it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onboarding_id: Option<String>,
    /// For a DSP location, the POS location it is bound to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound_pos_location_id: Option<String>,
}

impl Location {
    /// Whether the partner says this is a location of `kind`.
    pub fn is(&self, kind: &IntegrationType) -> bool {
        self.r#type.as_ref() == Some(kind)
    }
}

/// `{"locations":[...]}`: the answer of every location listing.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct LocationsResponse {
    /// The locations.
    #[serde(default)]
    pub locations: Vec<Location>,
}

/// One location imported from the POS (IngestOnboardingLocation).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct IngestOnboardingLocation {
    /// The location's id at the POS.
    pub external_id: String,
    /// Display name.
    pub name: String,
    /// Postal address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// "Ingest POS locations" request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestLocationsRequest {
    /// An active POS onboarding.
    pub onboarding_id: String,
    /// The locations to import (upserted by `external_id`).
    pub locations: Vec<IngestOnboardingLocation>,
}

/// One DSP-to-POS binding (BindOnboardingLocation).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct BindOnboardingLocation {
    /// A location of the DSP onboarding.
    pub dsp_location_id: String,
    /// A POS location of the same organization.
    pub pos_location_id: String,
}

/// "Bind DSP locations" request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindLocationsRequest {
    /// An active DSP onboarding.
    pub onboarding_id: String,
    /// The bindings.
    pub locations: Vec<BindOnboardingLocation>,
}

// ---------------------------------------------------------------------------------------------
// Onboarding - Org

/// The first user of a new organization (CreateUserOrgUser).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateUserOrgUser {
    /// Email address.
    pub email: String,
    /// Full name.
    pub full_name: String,
    /// Phone number.
    pub phone_number: String,
    /// Role within the new organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
}

/// "Create organization" request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrganizationRequest {
    /// Organization name.
    pub name: String,
    /// The partner's own id for this organization.
    pub provider_id: String,
    /// Its first user.
    pub user: CreateUserOrgUser,
}

/// "Create organization" response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrganizationResponse {
    /// The new organization.
    pub org_id: String,
    /// Its first user.
    pub user_id: String,
}

/// "List organization locations" query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationLocationsQuery {
    /// Only this location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Input rules

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

    fn round_trip<T>(known: &[T], unknown: T)
    where
        T: Serialize
            + for<'de> Deserialize<'de>
            + PartialEq
            + core::fmt::Debug
            + core::fmt::Display,
    {
        for value in known {
            let wire = serde_json::to_string(value).unwrap();
            assert_eq!(wire, format!("\"{value}\""));
            assert_eq!(wire, wire.to_lowercase());
            assert_eq!(&serde_json::from_str::<T>(&wire).unwrap(), value);
        }
        let wire = serde_json::to_string(&unknown).unwrap();
        assert_eq!(serde_json::from_str::<T>(&wire).unwrap(), unknown);
    }

    #[test]
    fn enums_round_trip_known_values_as_lowercase_strings_and_keep_unknown_ones() {
        round_trip(Scope::KNOWN, Scope::Other("billing".into()));
        round_trip(Role::KNOWN, Role::Other("Owner".into()));
        round_trip(
            IntegrationType::KNOWN,
            IntegrationType::Other("kiosk".into()),
        );
        round_trip(
            OnboardingStatus::KNOWN,
            OnboardingStatus::Other("suspended".into()),
        );
        assert_eq!(Scope::KNOWN.len(), 4);
        assert_eq!(Role::KNOWN.len(), 5);
        assert_eq!(Role::from("team_member"), Role::TeamMember);
        assert_eq!(Scope::from("legacy_onboarding"), Scope::LegacyOnboarding);
        // Case matters: the documents spell the values in lowercase.
        assert_eq!(Role::from("OWNER"), Role::Other("OWNER".into()));
        assert_eq!(
            serde_json::to_string(&OnboardingStatus::Active).unwrap(),
            "\"active\""
        );
    }

    #[test]
    fn token_request_reads_the_documented_sample_and_masks_secrets_in_debug() {
        let r: TokenRequest = serde_json::from_str(
            r#"{"grant_type":"client_credentials","client_id":"id","client_secret":"s3cr3t-value","exp":1700000000.7,"scopes":["user","sso","new_one"],"refresh_token":"rt-value"}"#,
        )
        .unwrap();
        assert_eq!(r.grant_type, GrantType::ClientCredentials);
        assert_eq!(r.exp, Some(1_700_000_000));
        assert_eq!(
            r.scopes,
            Some(vec![
                Scope::User,
                Scope::Sso,
                Scope::Other("new_one".into())
            ])
        );
        let debug = format!("{r:?}");
        assert!(
            !debug.contains("s3cr3t-value") && !debug.contains("rt-value"),
            "{debug}"
        );
        assert!(debug.contains("client_id: \"id\""));
        let minimal: TokenRequest = serde_json::from_str(
            r#"{"grant_type":"refresh_token","client_id":"i","client_secret":"s"}"#,
        )
        .unwrap();
        assert_eq!(minimal.exp, None);
        assert_eq!(
            serde_json::to_string(&minimal).unwrap(),
            r#"{"grant_type":"refresh_token","client_id":"i","client_secret":"s"}"#
        );
        assert!(serde_json::from_str::<TokenRequest>(
            r#"{"grant_type":"client_credentials","client_id":"i"}"#
        )
        .is_err());
        assert!(serde_json::from_str::<TokenRequest>(
            r#"{"grant_type":"client_credentials","client_id":"i","client_secret":"s","exp":"soon"}"#
        )
        .is_err());
    }

    #[test]
    fn token_response_matches_the_documented_sample() {
        let wire = r#"{"access_token":"a","token_type":"bearer","refresh_token":"r","expires_in":3600,"refresh_token_expires_in":2592000,"scopes":["user","sso"]}"#;
        let t: TokenResponse = serde_json::from_str(wire).unwrap();
        assert_eq!(t.scopes, vec![Scope::User, Scope::Sso]);
        assert_eq!(serde_json::to_string(&t).unwrap(), wire);
        assert!(!format!("{t:?}").contains("\"a\""));
    }

    #[test]
    fn onboarding_uses_the_documents_field_names() {
        let wire = r#"{"_id":"onb_1","org_id":"org_1","merchant_id":"mer_1","type":"pos","status":"pending","partner_id":"p","partner_org_id":"po","source":"toast","entry_url":"https://e/consent/onb_1","return_url":"https://r/cb","integration_id":"int_1"}"#;
        let o: Onboarding = serde_json::from_str(wire).unwrap();
        assert_eq!(o.id, "onb_1");
        assert_eq!(o.r#type, IntegrationType::Pos);
        assert_eq!(o.status, OnboardingStatus::Pending);
        assert_eq!(serde_json::to_string(&o).unwrap(), wire);
        let sparse: Onboarding =
            serde_json::from_str(r#"{"_id":"x","org_id":"o","type":"kiosk","status":"paused"}"#)
                .unwrap();
        assert_eq!(sparse.r#type, IntegrationType::Other("kiosk".into()));
        assert_eq!(
            serde_json::to_string(&sparse).unwrap(),
            r#"{"_id":"x","org_id":"o","type":"kiosk","status":"paused"}"#
        );
        let wrapped: InitOnboardingResponse =
            serde_json::from_value(serde_json::json!({ "onboarding": serde_json::from_str::<serde_json::Value>(wire).unwrap() }))
                .unwrap();
        assert_eq!(wrapped.onboarding, o);
    }

    #[test]
    fn organization_and_location_shapes() {
        let req: CreateOrganizationRequest = serde_json::from_str(
            r#"{"name":"Tony's","provider_id":"tonys_pizza_main","user":{"email":"t@x.io","full_name":"Tony","phone_number":"+1 555 123 4567","role":"owner"}}"#,
        )
        .unwrap();
        assert_eq!(req.user.role, Some(Role::Owner));
        let loc = Location {
            id: "loc_1".into(),
            name: Some("Main".into()),
            address: None,
            r#type: Some(IntegrationType::Dsp),
            external_id: Some("e1".into()),
            onboarding_id: Some("onb_1".into()),
            bound_pos_location_id: None,
        };
        assert_eq!(
            serde_json::to_string(&loc).unwrap(),
            r#"{"_id":"loc_1","name":"Main","type":"dsp","external_id":"e1","onboarding_id":"onb_1"}"#
        );
        // A real answer without name or type, with fields the document does not name: read.
        let bare: Location = serde_json::from_str(
            r#"{"_id":"64a1f0c2e4b0a1b2c3d4e5f6","timezone":"Europe/Vienna","geo":{"lat":48.2}}"#,
        )
        .unwrap();
        assert_eq!((bare.name.as_deref(), bare.r#type.as_ref()), (None, None));
        assert!(!bare.is(&IntegrationType::Pos));
        let onboarding: Onboarding =
            serde_json::from_str(r#"{"_id":"o1","type":"pos","status":"pending"}"#).unwrap();
        assert_eq!(onboarding.org_id, "");
        let bind: BindLocationsRequest = serde_json::from_str(
            r#"{"onboarding_id":"onb_2","locations":[{"dsp_location_id":"loc_3","pos_location_id":"loc_1"}]}"#,
        )
        .unwrap();
        assert_eq!(bind.locations[0].pos_location_id, "loc_1");
    }

    #[test]
    fn partner_token_requests_are_checked() {
        let ok = CreatePartnerTokenRequest {
            org_id: "org_1".into(),
            token_name: "POS sync".into(),
            scopes: vec![Scope::User, Scope::LegacyOnboarding],
        };
        assert_eq!(ok.validate(), Ok(()));
        let with = |f: &dyn Fn(&mut CreatePartnerTokenRequest)| {
            let mut r = ok.clone();
            f(&mut r);
            r.validate()
        };
        assert_eq!(
            with(&|r| r.org_id = "a/b".into()),
            Err(PartnerTokenInputError::Id)
        );
        assert_eq!(
            with(&|r| r.token_name = " ".into()),
            Err(PartnerTokenInputError::Name)
        );
        assert_eq!(
            with(&|r| r.token_name = "x".repeat(101)),
            Err(PartnerTokenInputError::Name)
        );
        assert_eq!(
            with(&|r| r.scopes = vec![]),
            Err(PartnerTokenInputError::Scopes)
        );
        assert_eq!(
            with(&|r| r.scopes = vec![Scope::from("admin")]),
            Err(PartnerTokenInputError::Scopes)
        );
        assert!(RenamePartnerTokenRequest {
            token_name: "a\nb".into()
        }
        .validate()
        .is_err());
    }

    #[test]
    fn secrets_in_partner_tokens_sessions_and_codes_are_masked() {
        let t = PartnerToken {
            id: "ptk_1".into(),
            org_id: "org_1".into(),
            token_name: "n".into(),
            scopes: vec![Scope::User],
            created_at: None,
            token: Some("very-secret-token".into()),
        };
        assert!(!format!("{t:?}").contains("very-secret-token"));
        let listed = PartnerToken { token: None, ..t };
        assert!(format!("{listed:?}").contains("token: None"));
        let s = GenerateSessionResponse {
            sso_login_token: "one-time".into(),
        };
        assert_eq!(
            format!("{s:?}"),
            "GenerateSessionResponse { sso_login_token: [redacted] }"
        );
        let c = CompleteOnboardingRequest {
            code: "c0de".into(),
        };
        assert!(!format!("{c:?}").contains("c0de"));
    }

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
