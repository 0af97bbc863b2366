//! The partner credentials of a deployment, read by the worker's own loader, each on its own
//! (one problem per broken credential, as the worker reports them).

use gatehouse_core::connections::Templates;
use gatehouse_core::tokens::profile::{self, ApiBase, Credential};

/// A line of the report about one credential.
pub(crate) enum Finding {
    /// Where its partner API base comes from.
    ApiBase(String),
    /// Why it cannot be used as configured.
    Problem(String),
}

/// Loads `CREDENTIALS` (reading secrets through `secret`); outside `development`, a partner URL
/// that is not https is a problem too.
pub(crate) fn check(
    credentials: &str,
    development: bool,
    secret: impl Fn(&str) -> Option<String>,
) -> Vec<Finding> {
    let each = match profile::load_each(credentials, secret) {
        Ok(each) if each.is_empty() => {
            return vec![Finding::Problem("CREDENTIALS lists no credential".into())]
        }
        Ok(each) => each,
        Err(e) => return vec![Finding::Problem(format!("CREDENTIALS: {e}"))],
    };
    let mut findings = Vec::new();
    for (_, loaded) in each {
        match loaded {
            Ok(c) => findings.extend(usable(&format!("credential `{}`", c.id), &c, development)),
            Err(e) => findings.push(Finding::Problem(format!("CREDENTIALS: {e}"))),
        }
    }
    findings
}

/// Loads `CONNECTION_TEMPLATES` (none is fine): each template is checked the way a connection
/// will use it, with placeholder merchant values and the platform's secrets through `secret`.
pub(crate) fn check_templates(
    templates: Option<&str>,
    development: bool,
    secret: impl Fn(&str) -> Option<String>,
) -> Vec<Finding> {
    let Some(json) = templates else {
        return Vec::new();
    };
    let all = match Templates::parse(json) {
        Ok(all) => all,
        Err(e) => return vec![Finding::Problem(e.problem)],
    };
    let mut findings = Vec::new();
    for template in all.0 {
        let checked = template.map_err(|e| e.to_string()).and_then(|t| {
            t.check(&secret)
                .map(|c| (t.id.clone(), c))
                .map_err(|e| format!("connection template `{}`: {e}", t.id))
        });
        match checked {
            Ok((id, c)) => findings.extend(usable(
                &format!("connection template `{id}`"),
                &c,
                development,
            )),
            Err(e) => findings.push(Finding::Problem(format!("CONNECTION_TEMPLATES: {e}"))),
        }
    }
    findings
}

/// Where a loaded credential's API base comes from and, outside `development`, its plain-http URLs.
fn usable(name: &str, c: &Credential, development: bool) -> Vec<Finding> {
    let mut findings = vec![Finding::ApiBase(api_base_line(name, c))];
    if !development {
        findings.extend(plain_http_urls(name, c).into_iter().map(Finding::Problem));
    }
    findings
}

/// `credential `pe`: API base from the token claim `AuthServerClaims.Service` on *.powerepos.cloud`.
fn api_base_line(name: &str, c: &Credential) -> String {
    match &c.profile.api_base {
        ApiBase::Fixed(url) => format!("{name}: API base {url}"),
        ApiBase::JwtClaim(path) => format!(
            "{name}: API base from the token claim `{path}` on {}",
            c.profile.api_hosts.join(", ")
        ),
    }
}

/// Outside `development`, every partner URL of a credential must be `https`: plain `http` is
/// refused even to a loopback host, so no token request or partner call can be read or
/// redirected on the way (docs/security.md item 27).
fn plain_http_urls(name: &str, c: &Credential) -> Vec<String> {
    let mut urls = vec![("token URL", c.profile.token_url.as_str())];
    if let ApiBase::Fixed(base) = &c.profile.api_base {
        urls.push(("API base", base.as_str()));
    }
    if let Some(revoke) = &c.profile.revoke_url {
        urls.push(("revocation URL", revoke.as_str()));
    }
    urls.into_iter()
        .filter(|(_, u)| !u.starts_with("https://"))
        .map(|(what, u)| {
            format!(
                "{}: {name}: {what} `{u}` is not https (plain http is for development only)",
                if name.starts_with("credential") {
                    "CREDENTIALS"
                } else {
                    "CONNECTION_TEMPLATES"
                }
            )
        })
        .collect()
}
