//! Every route of Gatehouse's HTTP API in one table ([`all`]: [`BROWSER_ROUTES`], then
//! [`SERVER_ROUTES`]): its method, its path pattern,
//! who may call it, and its OpenAPI operation. The OpenAPI document is generated from it, and
//! [`route`] matches a request against it without I/O:
//!
//! ```
//! use gatehouse_core::routes::{methods_for, route, RouteId};
//! let (row, params) = route("POST", "/api/onboarding/onb_1/revoke").unwrap();
//! assert_eq!((row.id, params.get("id")), (RouteId::RevokeOnboarding, Some("onb_1")));
//! // No route for the method, but one for the path: 405, not 404.
//! assert!(route("DELETE", "/api/onboarding/onb_1/revoke").is_none());
//! assert!(methods_for("/api/onboarding/onb_1/revoke").next().is_some());
//! ```
//!
//! Paths are matched as the worker reads them: surrounding slashes do not count, a parameter is
//! one whole segment (any text, checked by the handler), and a last `{name*}` takes the rest of
//! the path exactly as it comes (the proxy's partner path). `OPTIONS` (CORS preflight) is
//! answered before any route.

use crate::onboarding::Action;

/// One route (the proxy's is one route for every method).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteId {
    /// `GET /api/health`.
    Health,
    /// `GET /api/session`.
    GetSession,
    /// `POST /api/session`.
    CreateSessionCookie,
    /// `DELETE /api/session`.
    DeleteSessionCookie,
    /// `POST /api/sso`.
    StartSso,
    /// `POST /api/onboarding`.
    StartOnboarding,
    /// `GET /api/onboarding/go`.
    OnboardingGo,
    /// `GET /api/onboarding/return`.
    OnboardingReturn,
    /// `GET /api/onboarding/{id}`.
    OnboardingStatus,
    /// `POST /api/onboarding/{id}/revoke`.
    RevokeOnboarding,
    /// `POST /api/onboarding/{id}/restart`.
    RestartOnboarding,
    /// `GET /api/onboarding/{id}/locations`.
    OnboardingLocations,
    /// `POST /api/onboarding/{id}/locations/ingest`.
    IngestLocations,
    /// `POST /api/onboarding/{id}/locations/bind`.
    BindLocations,
    /// `GET /api/organization/locations`.
    OrganizationLocations,
    /// `GET /api/admin/organizations/{org}/counters`.
    OrganizationCounters,
    /// `GET /api/admin/credentials`.
    ListCredentials,
    /// `GET /api/admin/credentials/{id}`.
    CredentialStatus,
    /// `POST /api/admin/credentials/{id}/reset`.
    ResetCredential,
    /// `GET /api/admin/webhooks`.
    WebhookOutboxes,
    /// `GET /api/admin/partner-tokens`.
    ListPartnerTokens,
    /// `POST /api/admin/partner-tokens`.
    CreatePartnerToken,
    /// `PATCH /api/admin/partner-tokens/{token_id}`.
    RenamePartnerToken,
    /// `DELETE /api/admin/partner-tokens/{token_id}`.
    DeletePartnerToken,
    /// `GET /api/connection-templates`.
    ListConnectionTemplates,
    /// `POST /api/connections`.
    CreateConnection,
    /// `GET /api/connections`.
    ListConnections,
    /// `GET /api/connections/{id}`.
    GetConnection,
    /// `DELETE /api/connections/{id}`.
    DeleteConnection,
    /// `PUT /api/connections/{id}`.
    UpdateConnection,
    /// `GET /api/admin/connections`.
    ListAllConnections,
    /// `GET /api/admin/keys`.
    ListKeys,
    /// `POST /api/admin/keys`.
    CreateKey,
    /// `POST /api/admin/keys/{key_id}/rotate`.
    RotateKey,
    /// `DELETE /api/admin/keys/{key_id}`.
    RevokeKey,
    /// `GET /api/server/organizations/{org}/onboardings`.
    ListOrgOnboardings,
    /// `GET /api/server/organizations/{org}/onboardings/{id}`.
    GetOrgOnboarding,
    /// `/api/proxy/{credential}/{path*}`, any method.
    Proxy,
    /// `GET /api/dev/users`.
    DevUsers,
    /// `POST /api/dev/session`.
    DevSession,
}

/// The method a route answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `PATCH`.
    Patch,
    /// `DELETE`.
    Delete,
    /// Every method (the proxy passes the caller's on; its allowlist decides).
    Any,
}

impl Method {
    /// The method's name (`GET`, ...); `*` for [`Method::Any`].
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
            Self::Any => "*",
        }
    }

    /// Whether a request's method (upper case, as HTTP spells it) is this one.
    pub fn matches(self, method: &str) -> bool {
        self == Self::Any || self.as_str() == method
    }
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: health, clearing the session cookie, and the merchant's browser on its way to
    /// and back from the partner.
    Public,
    /// A verified portal session (`Authorization: Bearer` or the `__Host-` cookie), any role.
    Session,
    /// A verified portal session whose role may do this with onboardings
    /// ([`crate::onboarding::may`]).
    SessionMay(Action),
    /// A portal session sent as `Authorization: Bearer` (it is exchanged for the cookie).
    BearerSession,
    /// Trusted server code with `ADMIN_API_KEY`, or a server key with the `admin` scope
    /// ([`crate::server_keys`]).
    AdminKey,
    /// Trusted server code with `PROXY_API_KEY` (deprecated), or a server key with the `proxy`
    /// scope whose organizations and targets allow the call; browsers are refused.
    ProxyKey,
    /// Anyone, in `GATEHOUSE_MODE=development` only: elsewhere the route does not exist.
    Development,
    /// Trusted server code with a server key that has this scope and may act for the path's
    /// `{org}` ([`crate::server_keys`]); browsers are refused.
    ServerKey(&'static str),
}

/// A row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// Which route.
    pub id: RouteId,
    /// Its method.
    pub method: Method,
    /// Its path: `{name}` is one segment, a last `{name*}` the rest of the path.
    pub path: &'static str,
    /// Who may call it.
    pub access: Access,
    /// Its OpenAPI `operationId`; `None` for routes the document leaves out (development and
    /// test routes, and the proxy's methods other than `GET` and `POST`).
    pub operation_id: Option<&'static str>,
}

const fn row(
    id: RouteId,
    method: Method,
    path: &'static str,
    access: Access,
    operation_id: &'static str,
) -> Route {
    Route {
        id,
        method,
        path,
        access,
        operation_id: Some(operation_id),
    }
}

const fn undocumented(id: RouteId, method: Method, path: &'static str, access: Access) -> Route {
    Route {
        id,
        method,
        path,
        access,
        operation_id: None,
    }
}

use crate::server_keys::scope;
use Access::{
    AdminKey, BearerSession, Development, ProxyKey, Public, ServerKey, Session, SessionMay,
};
use Method::{Any, Delete, Get, Patch, Post, Put};

/// The routes a browser calls (portal sessions, the merchant's browser, development). Two tables,
/// so that the browser package, which builds its URLs from this one ([`find_browser`]), does not
/// carry the server routes' rows.
#[rustfmt::skip]
pub const BROWSER_ROUTES: &[Route] = &[
    row(RouteId::Health, Get, "/api/health", Public, "health"),
    row(RouteId::GetSession, Get, "/api/session", Session, "getSession"),
    row(RouteId::CreateSessionCookie, Post, "/api/session", BearerSession, "createSessionCookie"),
    row(RouteId::DeleteSessionCookie, Delete, "/api/session", Public, "deleteSessionCookie"),
    row(RouteId::StartSso, Post, "/api/sso", Session, "startSso"),
    row(RouteId::StartOnboarding, Post, "/api/onboarding", SessionMay(Action::Manage), "startOnboarding"),
    row(RouteId::OnboardingGo, Get, "/api/onboarding/go", Public, "onboardingGo"),
    row(RouteId::OnboardingReturn, Get, "/api/onboarding/return", Public, "onboardingReturn"),
    row(RouteId::OnboardingStatus, Get, "/api/onboarding/{id}", Session, "onboardingStatus"),
    row(RouteId::RevokeOnboarding, Post, "/api/onboarding/{id}/revoke", SessionMay(Action::Revoke), "revokeOnboarding"),
    row(RouteId::RestartOnboarding, Post, "/api/onboarding/{id}/restart", SessionMay(Action::Manage), "restartOnboarding"),
    row(RouteId::OnboardingLocations, Get, "/api/onboarding/{id}/locations", Session, "onboardingLocations"),
    row(RouteId::IngestLocations, Post, "/api/onboarding/{id}/locations/ingest", SessionMay(Action::Manage), "ingestLocations"),
    row(RouteId::BindLocations, Post, "/api/onboarding/{id}/locations/bind", SessionMay(Action::Manage), "bindLocations"),
    row(RouteId::OrganizationLocations, Get, "/api/organization/locations", Session, "organizationLocations"),
    row(RouteId::ListConnectionTemplates, Get, "/api/connection-templates", Session, "listConnectionTemplates"),
    row(RouteId::CreateConnection, Post, "/api/connections", SessionMay(Action::Connect), "createConnection"),
    row(RouteId::ListConnections, Get, "/api/connections", Session, "listConnections"),
    row(RouteId::GetConnection, Get, "/api/connections/{id}", Session, "getConnection"),
    row(RouteId::UpdateConnection, Put, "/api/connections/{id}", SessionMay(Action::Connect), "updateConnection"),
    row(RouteId::DeleteConnection, Delete, "/api/connections/{id}", SessionMay(Action::Connect), "deleteConnection"),
    undocumented(RouteId::DevUsers, Get, "/api/dev/users", Development),
    undocumented(RouteId::DevSession, Post, "/api/dev/session", Development),
];

/// The routes of trusted server code: the operators' routes and the proxy. Matched after
/// [`BROWSER_ROUTES`] (no path is in both).
#[rustfmt::skip]
pub const SERVER_ROUTES: &[Route] = &[
    undocumented(RouteId::OrganizationCounters, Get, "/api/admin/organizations/{org}/counters", AdminKey),
    row(RouteId::ListCredentials, Get, "/api/admin/credentials", AdminKey, "listCredentials"),
    row(RouteId::ListAllConnections, Get, "/api/admin/connections", AdminKey, "listAllConnections"),
    row(RouteId::ListKeys, Get, "/api/admin/keys", AdminKey, "listKeys"),
    row(RouteId::CreateKey, Post, "/api/admin/keys", AdminKey, "createKey"),
    row(RouteId::RotateKey, Post, "/api/admin/keys/{key_id}/rotate", AdminKey, "rotateKey"),
    row(RouteId::RevokeKey, Delete, "/api/admin/keys/{key_id}", AdminKey, "revokeKey"),
    row(RouteId::CredentialStatus, Get, "/api/admin/credentials/{id}", AdminKey, "credentialStatus"),
    row(RouteId::ResetCredential, Post, "/api/admin/credentials/{id}/reset", AdminKey, "resetCredential"),
    row(RouteId::WebhookOutboxes, Get, "/api/admin/webhooks", AdminKey, "webhookOutboxes"),
    row(RouteId::ListPartnerTokens, Get, "/api/admin/partner-tokens", AdminKey, "listPartnerTokens"),
    row(RouteId::CreatePartnerToken, Post, "/api/admin/partner-tokens", AdminKey, "createPartnerToken"),
    row(RouteId::RenamePartnerToken, Patch, "/api/admin/partner-tokens/{token_id}", AdminKey, "renamePartnerToken"),
    row(RouteId::DeletePartnerToken, Delete, "/api/admin/partner-tokens/{token_id}", AdminKey, "deletePartnerToken"),
    row(RouteId::Proxy, Get, "/api/proxy/{credential}/{path*}", ProxyKey, "proxyGet"),
    row(RouteId::Proxy, Post, "/api/proxy/{credential}/{path*}", ProxyKey, "proxyPost"),
    row(RouteId::Proxy, Put, "/api/proxy/{credential}/{path*}", ProxyKey, "proxyPut"),
    row(RouteId::Proxy, Patch, "/api/proxy/{credential}/{path*}", ProxyKey, "proxyPatch"),
    row(RouteId::Proxy, Delete, "/api/proxy/{credential}/{path*}", ProxyKey, "proxyDelete"),
    undocumented(RouteId::Proxy, Any, "/api/proxy/{credential}/{path*}", ProxyKey),
    // The server routes (docs/server.md): an organization's onboardings and connections, for a
    // server key trusted for that organization. Most share the session route's id (and handler).
    row(RouteId::ListOrgOnboardings, Get, "/api/server/organizations/{org}/onboardings", ServerKey(scope::ONBOARDING_READ), "serverListOnboardings"),
    row(RouteId::GetOrgOnboarding, Get, "/api/server/organizations/{org}/onboardings/{id}", ServerKey(scope::ONBOARDING_READ), "serverGetOnboarding"),
    row(RouteId::OnboardingLocations, Get, "/api/server/organizations/{org}/onboardings/{id}/locations", ServerKey(scope::ONBOARDING_READ), "serverOnboardingLocations"),
    row(RouteId::RevokeOnboarding, Post, "/api/server/organizations/{org}/onboardings/{id}/revoke", ServerKey(scope::ONBOARDING_WRITE), "serverRevokeOnboarding"),
    row(RouteId::IngestLocations, Post, "/api/server/organizations/{org}/onboardings/{id}/locations/ingest", ServerKey(scope::ONBOARDING_WRITE), "serverIngestLocations"),
    row(RouteId::BindLocations, Post, "/api/server/organizations/{org}/onboardings/{id}/locations/bind", ServerKey(scope::ONBOARDING_WRITE), "serverBindLocations"),
    row(RouteId::ListConnections, Get, "/api/server/organizations/{org}/connections", ServerKey(scope::CONNECTIONS_READ), "serverListConnections"),
    row(RouteId::GetConnection, Get, "/api/server/organizations/{org}/connections/{id}", ServerKey(scope::CONNECTIONS_READ), "serverGetConnection"),
    row(RouteId::DeleteConnection, Delete, "/api/server/organizations/{org}/connections/{id}", ServerKey(scope::CONNECTIONS_WRITE), "serverDeleteConnection"),
];

/// The most parameters a route has (`{credential}` and `{path*}`).
const MAX_PARAMS: usize = 2;

/// A matched route's path parameters, by name, as they appear in the path (not decoded).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Params<'a> {
    found: [(&'static str, &'a str); MAX_PARAMS],
    len: usize,
}

impl<'a> Params<'a> {
    /// The value of parameter `name`.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.found[..self.len]
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }

    fn push(&mut self, name: &'static str, value: &'a str) -> Option<()> {
        *self.found.get_mut(self.len)? = (name, value);
        self.len += 1;
        Some(())
    }

    /// Matches one segment of the path against one of the pattern: a parameter takes it, a
    /// literal must equal it.
    fn segment(&mut self, pattern: &'static str, part: &'a str) -> Option<()> {
        match parameter(pattern) {
            Some(name) => self.push(name, part),
            None => (pattern == part).then_some(()),
        }
    }
}

/// The name of a pattern segment's parameter (`{id}`, `{path*}`); `None` for a literal.
fn parameter(segment: &str) -> Option<&str> {
    let name = segment.strip_prefix('{')?.strip_suffix('}')?;
    Some(name.strip_suffix('*').unwrap_or(name))
}

impl Route {
    /// The path parameters, when `path` is this route's.
    pub fn match_path<'a>(&self, path: &'a str) -> Option<Params<'a>> {
        let pattern = self.path.trim_start_matches('/');
        let mut params = Params::default();
        if let Some((fixed, rest)) = pattern.rsplit_once('/').filter(|_| pattern.ends_with("*}")) {
            // The segments before the rest are read from the untrimmed path one by one; the last
            // of them may end the path (the rest is then empty).
            let mut left = path.strip_prefix('/')?;
            let mut segments = fixed.split('/').peekable();
            while let Some(segment) = segments.next() {
                let (part, after) = match left.split_once('/') {
                    Some(split) => split,
                    None if segments.peek().is_none() => (left, ""),
                    None => return None,
                };
                params.segment(segment, part)?;
                left = after;
            }
            params.push(parameter(rest)?, left)?;
            return Some(params);
        }
        let mut parts = path.trim_matches('/').split('/');
        for segment in pattern.split('/') {
            params.segment(segment, parts.next()?)?;
        }
        parts.next().is_none().then_some(params)
    }

    /// The path with its parameters filled in order from `values`, each already encoded as a
    /// path segment: `/api/onboarding/{id}/revoke` and `["onb_1"]` → `/api/onboarding/onb_1/revoke`.
    pub fn path_with(&self, values: &[&str]) -> String {
        let mut values = values.iter();
        self.path
            .split('/')
            .map(|segment| match parameter(segment) {
                Some(_) => values.next().copied().unwrap_or_default(),
                None => segment,
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// The route a request is for, and its path parameters; `None` when no route has this method
/// and path ([`methods_for`] tells a 405 from a 404).
pub fn route<'a>(method: &str, path: &'a str) -> Option<(&'static Route, Params<'a>)> {
    all()
        .filter(|r| r.method.matches(method))
        .find_map(|r| Some((r, r.match_path(path)?)))
}

/// The methods the routes of `path` answer (none: no such path).
pub fn methods_for(path: &str) -> impl Iterator<Item = Method> + '_ {
    all()
        .filter(move |r| r.match_path(path).is_some())
        .map(|r| r.method)
}

/// The first row of route `id` (the proxy's first is its `GET`).
pub fn find(id: RouteId) -> Option<&'static Route> {
    all().find(|r| r.id == id)
}

/// The first row of browser route `id` (`None` for a server route): what the browser package
/// uses, so that the server routes' rows stay out of it.
pub fn find_browser(id: RouteId) -> Option<&'static Route> {
    BROWSER_ROUTES.iter().find(|r| r.id == id)
}

/// Every route, in the order they are matched: the first whose method and path fit wins.
pub fn all() -> impl Iterator<Item = &'static Route> {
    BROWSER_ROUTES.iter().chain(SERVER_ROUTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Expected = Option<(RouteId, &'static [(&'static str, &'static str)])>;

    #[rustfmt::skip]
    const CASES: &[(&str, &str, Expected)] = &[
        ("GET", "/api/health", Some((RouteId::Health, &[]))),
        ("GET", "/api/health/", Some((RouteId::Health, &[]))),
        ("GET", "//api/health", Some((RouteId::Health, &[]))),
        ("get", "/api/health", None),
        ("POST", "/api/onboarding/", Some((RouteId::StartOnboarding, &[]))),
        ("GET", "/api/onboarding/go", Some((RouteId::OnboardingGo, &[]))),
        ("GET", "/api/onboarding/return", Some((RouteId::OnboardingReturn, &[]))),
        ("GET", "/api/onboarding/onb_1", Some((RouteId::OnboardingStatus, &[("id", "onb_1")]))),
        ("POST", "/api/onboarding//revoke", Some((RouteId::RevokeOnboarding, &[("id", "")]))),
        ("POST", "/api/onboarding/o/locations/bind", Some((RouteId::BindLocations, &[("id", "o")]))),
        ("GET", "/api/onboarding/o/nope", None),
        ("GET", "/api/admin/organizations/org_1/counters", Some((RouteId::OrganizationCounters, &[("org", "org_1")]))),
        ("PATCH", "/api/admin/partner-tokens/ptk_1", Some((RouteId::RenamePartnerToken, &[("token_id", "ptk_1")]))),
        ("GET", "/api/dev/users", Some((RouteId::DevUsers, &[]))),
        // The proxy's partner path is the rest of the path, exactly as it came.
        ("PUT", "/api/proxy/sd/v2/x//y/", Some((RouteId::Proxy, &[("credential", "sd"), ("path", "v2/x//y/")]))),
        ("GET", "/api/proxy/sd", Some((RouteId::Proxy, &[("credential", "sd"), ("path", "")]))),
        ("GET", "/api/proxy/sd/", Some((RouteId::Proxy, &[("credential", "sd"), ("path", "")]))),
        ("GET", "/api/proxy/", Some((RouteId::Proxy, &[("credential", ""), ("path", "")]))),
        // A server route shares the session route's id; its row says who may call it.
        ("POST", "/api/server/organizations/o1/onboardings/onb_1/revoke", Some((RouteId::RevokeOnboarding, &[("org", "o1"), ("id", "onb_1")]))),
        ("GET", "/api/server/organizations/o1/onboardings", Some((RouteId::ListOrgOnboardings, &[("org", "o1")]))),
        ("DELETE", "/api/server/organizations/o1/connections/con_1", Some((RouteId::DeleteConnection, &[("org", "o1"), ("id", "con_1")]))),
        ("POST", "/api/server/organizations/o1/onboardings", None),
        ("GET", "/api/proxy", None),
        ("GET", "//api/proxy/sd/x", None),
        ("GET", "/", None),
        ("GET", "", None),
    ];

    #[test]
    fn paths_match_as_the_worker_reads_them() {
        for (method, path, expected) in CASES {
            let got = route(method, path);
            assert_eq!(
                got.map(|(r, _)| r.id),
                expected.map(|(id, _)| id),
                "{method} {path}"
            );
            if let (Some((_, params)), Some((_, want))) = (got, expected) {
                for (name, value) in *want {
                    assert_eq!(params.get(name), Some(*value), "{method} {path} {name}");
                }
            }
        }
    }

    #[test]
    fn a_known_path_with_another_method_is_told_apart_from_an_unknown_one() {
        let methods: Vec<Method> = methods_for("/api/session/").collect();
        assert_eq!(methods, [Method::Get, Method::Post, Method::Delete]);
        assert_eq!(methods_for("/api/onboarding/x/locations").count(), 1);
        assert_eq!(methods_for("/api/nope").count(), 0);
        assert!(route("PUT", "/api/session").is_none());
    }

    #[test]
    fn the_table_is_consistent() {
        let rows: Vec<&Route> = all().collect();
        for (i, r) in rows.iter().enumerate() {
            assert!(r.path.starts_with("/api/"), "{}", r.path);
            let params = r.path.split('/').filter_map(parameter).count();
            assert!(params <= MAX_PARAMS, "{}", r.path);
            for other in &rows[..i] {
                assert!(
                    (other.method, other.path) != (r.method, r.path),
                    "{} {} twice",
                    r.method.as_str(),
                    r.path
                );
                assert!(
                    r.operation_id.is_none() || other.operation_id != r.operation_id,
                    "{:?}",
                    r.operation_id
                );
            }
            // Each row is reachable: no earlier row takes its method and its path.
            let example = r.path_with(&["x", "y"]);
            let method = if r.method == Method::Any {
                "PUT"
            } else {
                r.method.as_str()
            };
            assert_eq!(
                route(method, &example).map(|(row, _)| (row.id, row.access)),
                Some((r.id, r.access)),
                "{example}"
            );
        }
    }

    #[test]
    fn paths_are_built_from_the_table() {
        let revoke = find(RouteId::RevokeOnboarding).unwrap();
        assert_eq!(revoke.path_with(&["onb_1"]), "/api/onboarding/onb_1/revoke");
        let proxy = find(RouteId::Proxy).unwrap();
        assert_eq!(
            (proxy.method, proxy.operation_id),
            (Method::Get, Some("proxyGet"))
        );
        assert_eq!(proxy.path_with(&["sd", "v2/x"]), "/api/proxy/sd/v2/x");
        assert_eq!(find(RouteId::Health).unwrap().path_with(&[]), "/api/health");
    }
}
