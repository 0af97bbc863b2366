//! The documented default credentials (also listed in the crate's README). They are fixed so
//! tests and local development can use them; they protect nothing but this emulator.

/// Stream: the full-access client id (scopes `user`, `onboarding`, `legacy_onboarding`, `sso`).
pub const STREAM_CLIENT_ID: &str = "sandbox-stream-client";
/// Stream: the full-access client's secret.
pub const STREAM_CLIENT_SECRET: &str = "sandbox-stream-secret";
/// Stream: a client allowed only the `user` scope.
pub const STREAM_LIMITED_CLIENT_ID: &str = "sandbox-stream-limited";
/// Stream: the limited client's secret.
pub const STREAM_LIMITED_CLIENT_SECRET: &str = "sandbox-stream-limited-secret";
/// Stream: the partner id both Stream clients belong to (an onboarding's `partner_id`).
pub const STREAM_PARTNER_ID: &str = "partner_sandbox";

/// OmniRetain: company 1's application client id.
pub const OMNI_COMPANY_1_CLIENT_ID: &str = "omni-company-1";
/// OmniRetain: company 1's application client secret.
pub const OMNI_COMPANY_1_CLIENT_SECRET: &str = "omni-secret-1";
/// OmniRetain: company 1's service user.
pub const OMNI_COMPANY_1_USERNAME: &str = "api-user@company1.example";
/// OmniRetain: company 1's service user's password.
pub const OMNI_COMPANY_1_PASSWORD: &str = "api-password-1";
/// OmniRetain: company 2's application client id.
pub const OMNI_COMPANY_2_CLIENT_ID: &str = "omni-company-2";
/// OmniRetain: company 2's application client secret.
pub const OMNI_COMPANY_2_CLIENT_SECRET: &str = "omni-secret-2";
/// OmniRetain: company 2's service user.
pub const OMNI_COMPANY_2_USERNAME: &str = "api-user@company2.example";
/// OmniRetain: company 2's service user's password.
pub const OMNI_COMPANY_2_PASSWORD: &str = "api-password-2";

/// Streamdiver: the `acme` tenant (realm).
pub const STREAMDIVER_ACME_TENANT: &str = "acme";
/// Streamdiver: the `acme` tenant's client id.
pub const STREAMDIVER_ACME_CLIENT_ID: &str = "streamdiver-acme";
/// Streamdiver: the `acme` tenant's client secret.
pub const STREAMDIVER_ACME_CLIENT_SECRET: &str = "streamdiver-acme-secret";
/// Streamdiver: the `globex` tenant (realm).
pub const STREAMDIVER_GLOBEX_TENANT: &str = "globex";
/// Streamdiver: the `globex` tenant's client id.
pub const STREAMDIVER_GLOBEX_CLIENT_ID: &str = "streamdiver-globex";
/// Streamdiver: the `globex` tenant's client secret.
pub const STREAMDIVER_GLOBEX_CLIENT_SECRET: &str = "streamdiver-globex-secret";

/// PowerEPOS: the developer's client id.
pub const POWEREPOS_CLIENT_ID: &str = "powerepos-client";
/// PowerEPOS: the developer's client secret.
pub const POWEREPOS_CLIENT_SECRET: &str = "powerepos-secret";
/// PowerEPOS: the first organisation code.
pub const POWEREPOS_ORG_1: &str = "ORG001";
/// PowerEPOS: the first organisation's service account.
pub const POWEREPOS_ORG_1_USERNAME: &str = "svc-org001";
/// PowerEPOS: the first organisation's service account password.
pub const POWEREPOS_ORG_1_PASSWORD: &str = "svc-pass-001";
/// PowerEPOS: the second organisation code.
pub const POWEREPOS_ORG_2: &str = "ORG002";
/// PowerEPOS: the second organisation's service account.
pub const POWEREPOS_ORG_2_USERNAME: &str = "svc-org002";
/// PowerEPOS: the second organisation's service account password.
pub const POWEREPOS_ORG_2_PASSWORD: &str = "svc-pass-002";

/// A Stream API client.
pub(crate) struct StreamClient {
    pub(crate) id: &'static str,
    pub(crate) secret: &'static str,
    /// The scopes the client may request (wire strings).
    pub(crate) scopes: &'static [&'static str],
}

pub(crate) const STREAM_CLIENTS: &[StreamClient] = &[
    StreamClient {
        id: STREAM_CLIENT_ID,
        secret: STREAM_CLIENT_SECRET,
        scopes: &["user", "onboarding", "legacy_onboarding", "sso"],
    },
    StreamClient {
        id: STREAM_LIMITED_CLIENT_ID,
        secret: STREAM_LIMITED_CLIENT_SECRET,
        scopes: &["user"],
    },
];

/// An OmniRetain OAuth application: one per company, with its service user.
pub(crate) struct OmniApp {
    pub(crate) client_id: &'static str,
    pub(crate) client_secret: &'static str,
    pub(crate) company: u64,
    pub(crate) user_id: u64,
    pub(crate) username: &'static str,
    pub(crate) password: &'static str,
}

pub(crate) const OMNI_APPS: &[OmniApp] = &[
    OmniApp {
        client_id: OMNI_COMPANY_1_CLIENT_ID,
        client_secret: OMNI_COMPANY_1_CLIENT_SECRET,
        company: 1,
        user_id: 101,
        username: OMNI_COMPANY_1_USERNAME,
        password: OMNI_COMPANY_1_PASSWORD,
    },
    OmniApp {
        client_id: OMNI_COMPANY_2_CLIENT_ID,
        client_secret: OMNI_COMPANY_2_CLIENT_SECRET,
        company: 2,
        user_id: 201,
        username: OMNI_COMPANY_2_USERNAME,
        password: OMNI_COMPANY_2_PASSWORD,
    },
];

/// A Streamdiver tenant (Keycloak realm) with its one client.
pub(crate) struct StreamdiverTenant {
    pub(crate) shortcode: &'static str,
    pub(crate) name: &'static str,
    pub(crate) client_id: &'static str,
    pub(crate) client_secret: &'static str,
}

pub(crate) const STREAMDIVER_TENANTS: &[StreamdiverTenant] = &[
    StreamdiverTenant {
        shortcode: STREAMDIVER_ACME_TENANT,
        name: "Acme Corporation",
        client_id: STREAMDIVER_ACME_CLIENT_ID,
        client_secret: STREAMDIVER_ACME_CLIENT_SECRET,
    },
    StreamdiverTenant {
        shortcode: STREAMDIVER_GLOBEX_TENANT,
        name: "Globex Corporation",
        client_id: STREAMDIVER_GLOBEX_CLIENT_ID,
        client_secret: STREAMDIVER_GLOBEX_CLIENT_SECRET,
    },
];

/// A PowerEPOS organisation with its service account.
pub(crate) struct PowerEposOrg {
    pub(crate) org_id: &'static str,
    pub(crate) username: &'static str,
    pub(crate) password: &'static str,
}

pub(crate) const POWEREPOS_ORGS: &[PowerEposOrg] = &[
    PowerEposOrg {
        org_id: POWEREPOS_ORG_1,
        username: POWEREPOS_ORG_1_USERNAME,
        password: POWEREPOS_ORG_1_PASSWORD,
    },
    PowerEposOrg {
        org_id: POWEREPOS_ORG_2,
        username: POWEREPOS_ORG_2_USERNAME,
        password: POWEREPOS_ORG_2_PASSWORD,
    },
];

/// Compares a presented secret with the expected one in time independent of their content.
pub(crate) fn secret_matches(expected: &str, presented: &str) -> bool {
    gatehouse_core::secret::constant_time_eq(expected.as_bytes(), presented.as_bytes())
}
