//! The partner credentials of a deployment, read by the worker's own loader, each on its own
//! (one problem per broken credential, as the worker reports them).

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
            Ok(c) => {
                findings.push(Finding::ApiBase(api_base_line(&c)));
                if !development {
                    findings.extend(plain_http_urls(&c).into_iter().map(Finding::Problem));
                }
            }
            Err(e) => findings.push(Finding::Problem(format!("CREDENTIALS: {e}"))),
        }
    }
    findings
}

/// `credential `pe`: API base from the token claim `AuthServerClaims.Service` on *.powerepos.cloud`.
fn api_base_line(c: &Credential) -> String {
    match &c.profile.api_base {
        ApiBase::Fixed(url) => format!("credential `{}`: API base {url}", c.id),
        ApiBase::JwtClaim(path) => format!(
            "credential `{}`: API base from the token claim `{path}` on {}",
            c.id,
            c.profile.api_hosts.join(", ")
        ),
    }
}

/// Outside `development`, every partner URL of a credential must be `https`: plain `http` is
/// refused even to a loopback host, so no token request or partner call can be read or
/// redirected on the way (docs/security.md item 27).
fn plain_http_urls(c: &Credential) -> Vec<String> {
    let mut urls = vec![("token URL", c.profile.token_url.as_str())];
    if let ApiBase::Fixed(base) = &c.profile.api_base {
        urls.push(("API base", base.as_str()));
    }
    urls.into_iter()
        .filter(|(_, u)| !u.starts_with("https://"))
        .map(|(what, u)| {
            format!(
                "CREDENTIALS: credential `{}`: {what} `{u}` is not https (plain http is for development only)",
                c.id
            )
        })
        .collect()
}
