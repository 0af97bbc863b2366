//! The pre-deploy configuration check: reads one environment of `wrangler.toml` and, optionally,
//! a secrets file (`KEY=value` lines, like `.dev.vars`), and names every problem — a credential
//! profile the worker would refuse, a missing secret, a return page or origin that is not an
//! exact absolute URL, a session configuration the worker cannot use. The same core functions
//! the worker runs do the checking, so the check and the worker cannot disagree.

mod credentials;
mod headers;

pub use headers::{deployment_headers, frame_ancestors};

use credentials::Finding;
use gatehouse_core::onboarding::{parse_return_pages, safe_absolute_url};
use gatehouse_core::sealed::keys_from_secret;
use gatehouse_core::session::{Alg, SessionConfig};
use gatehouse_core::webhook;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// The outcome: problems (deploy would fail or misbehave) and the secrets to `wrangler secret put`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Each problem, naming the var, secret or credential.
    pub problems: Vec<String>,
    /// Every secret the configuration needs.
    pub required_secrets: Vec<String>,
    /// Where each credential's partner API base comes from, as the worker will read it (a fixed
    /// URL, or a token claim path with the hosts it may name).
    pub api_bases: Vec<String>,
}

/// Reads `KEY=value` lines (comments and blanks skipped).
pub fn parse_secrets(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// Checks environment `env` (`""` for the top level) of a `wrangler.toml` text. With `secrets`,
/// their values are checked too; without, only that the configuration is usable and which secret
/// names it needs.
pub fn check(wrangler_toml: &str, env: &str, secrets: Option<&BTreeMap<String, String>>) -> Report {
    let mut report = Report::default();
    let doc: toml::Table = match wrangler_toml.parse() {
        Ok(d) => d,
        Err(e) => {
            report
                .problems
                .push(format!("wrangler.toml is not TOML: {e}"));
            return report;
        }
    };
    let scope = if env.is_empty() {
        Some(&doc)
    } else {
        doc.get("env")
            .and_then(|e| e.get(env))
            .and_then(|e| e.as_table())
    };
    let Some(scope) = scope else {
        report
            .problems
            .push(format!("wrangler.toml has no [env.{env}]"));
        return report;
    };
    let vars: BTreeMap<String, String> = scope
        .get("vars")
        .and_then(|v| v.as_table())
        .map(|t| {
            t.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    let var = |name: &str| vars.get(name).filter(|v| !v.is_empty()).cloned();
    let needed = RefCell::new(vec![
        "ADMIN_API_KEY".to_owned(),
        "PROXY_API_KEY".to_owned(),
        "STORAGE_ENCRYPTION_KEY".to_owned(),
    ]);
    let lookup = |name: &str| -> Option<String> {
        needed.borrow_mut().push(name.to_owned());
        match secrets {
            Some(s) => s.get(name).filter(|v| !v.is_empty()).cloned(),
            None => Some("(checked at deploy)".to_owned()),
        }
    };

    // Partner credentials.
    let development = var("GATEHOUSE_MODE").as_deref() == Some("development");
    let credentials = var("CREDENTIALS").unwrap_or_else(|| "{}".into());
    let templates = var("CONNECTION_TEMPLATES");
    let findings = credentials::check(&credentials, development, lookup)
        .into_iter()
        .chain(credentials::check_templates(
            templates.as_deref(),
            development,
            lookup,
        ));
    for finding in findings {
        match finding {
            Finding::ApiBase(line) => report.api_bases.push(line),
            Finding::Problem(problem) => report.problems.push(problem),
        }
    }
    // Portal sessions.
    match SessionConfig::from_vars(|n| var(n)) {
        Ok(cfg) => {
            if cfg.algorithms.contains(&Alg::HS256) {
                needed.borrow_mut().push("SESSION_SECRET".into());
                if let Some(s) = secrets.and_then(|s| s.get("SESSION_SECRET")) {
                    if s.len() < 32 {
                        report
                            .problems
                            .push("secret SESSION_SECRET is shorter than 32 bytes".into());
                    }
                }
            }
            if cfg.algorithms.iter().any(|a| *a != Alg::HS256) && var("SESSION_JWKS").is_none() {
                report.problems.push(
                    "SESSION_ALGORITHMS allows ES256/RS256 but SESSION_JWKS is not set".into(),
                );
            }
        }
        Err(e) => report.problems.push(e),
    }
    // Browser boundary and redirects.
    for origin in var("ALLOWED_ORIGINS")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
    {
        let path_free = origin.splitn(4, '/').nth(3).is_none();
        if !safe_absolute_url(origin) || !path_free {
            report.problems.push(format!(
                "ALLOWED_ORIGINS: {origin:?} is not an exact origin (scheme://host[:port])"
            ));
        }
    }
    match var("WHITE_LABEL_DOMAIN") {
        Some(d) if !safe_absolute_url(&d) => report.problems.push(format!(
            "WHITE_LABEL_DOMAIN: {d:?} is not an absolute https URL"
        )),
        None => report
            .problems
            .push("var WHITE_LABEL_DOMAIN is not set".into()),
        _ => {}
    }
    if let Err(e) = parse_return_pages(&var("ONBOARDING_RETURN_PAGES").unwrap_or_default()) {
        report.problems.push(e);
    }
    if let Some(fa) = var("FRAME_ANCESTORS") {
        if let Err(e) = frame_ancestors(&fa) {
            report.problems.push(e);
        }
    }
    // Webhooks (docs/webhooks.md): exact URLs, and a signing key when any is configured.
    match webhook::parse_targets(&var("WEBHOOK_URLS").unwrap_or_default()) {
        Ok(t) if !t.is_empty() => {
            needed.borrow_mut().push("WEBHOOK_SECRET".into());
            if let Some(k) = secrets.and_then(|s| s.get("WEBHOOK_SECRET")) {
                if let Err(e) = webhook::parse_keys(k) {
                    report.problems.push(format!("secret {e}"));
                }
            }
        }
        Ok(_) => {}
        Err(e) => report.problems.push(e.to_string()),
    }
    // Secret values, when given.
    if let Some(s) = secrets {
        if let Some(k) = s.get("STORAGE_ENCRYPTION_KEY") {
            if let Err(e) = keys_from_secret(k) {
                report
                    .problems
                    .push(format!("secret STORAGE_ENCRYPTION_KEY: {e}"));
            }
        }
        for name in needed.borrow().iter() {
            if s.get(name).is_none_or(String::is_empty) {
                report.problems.push(format!("secret {name} is not set"));
            }
        }
    }
    let mut required = needed.into_inner();
    required.sort();
    required.dedup();
    // `[secrets] required` makes `wrangler deploy` fail while one is missing (and is what
    // `wrangler dev` loads from .dev.vars): every secret the configuration uses must be listed.
    let declared: Vec<&str> = scope
        .get("secrets")
        .and_then(|s| s.get("required"))
        .and_then(|r| r.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    if scope.get("secrets").is_none() {
        report.problems.push(
            "no [secrets] required = [...]: a deploy without its secrets would not fail".into(),
        );
    } else {
        for name in &required {
            if !declared.contains(&name.as_str()) {
                report.problems.push(format!(
                    "secret {name} is used but not in [secrets] required (a deploy without it would not fail)"
                ));
            }
        }
    }
    report.problems.sort();
    report.problems.dedup();
    report.required_secrets = required;
    report
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const WRANGLER: &str = include_str!("../../../wrangler.toml");
    const DEV_VARS: &str = include_str!("../../../.dev.vars.example");

    #[test]
    fn the_shipped_configurations_pass() {
        let secrets = parse_secrets(DEV_VARS);
        for env in ["", "test"] {
            let r = check(WRANGLER, env, Some(&secrets));
            // [env.test] carries one credential whose secret is deliberately unset (the e2e test
            // that one broken credential does not stop the others): it, and only it, is named.
            let expected: Vec<String> = if env == "test" {
                vec![
                    "CREDENTIALS: credential `wrong-missing-secret`: secret `NOT_SET_ANYWHERE` (for client_secret) is not set".into(),
                    "secret NOT_SET_ANYWHERE is not set".into(),
                    "secret NOT_SET_ANYWHERE is used but not in [secrets] required (a deploy without it would not fail)".into(),
                ]
            } else {
                Vec::new()
            };
            assert_eq!(r.problems, expected, "env {env:?}");
            assert!(r.required_secrets.contains(&"SESSION_SECRET".to_owned()));
            assert!(r
                .required_secrets
                .contains(&"STREAM_CLIENT_SECRET".to_owned()));
        }
        // The deployments: usable as shipped (their secrets are checked at deploy), every
        // secret they use declared required, webhooks configured and so WEBHOOK_SECRET needed.
        for env in ["staging", "production"] {
            let r = check(WRANGLER, env, None);
            assert_eq!(r.problems, Vec::<String>::new(), "env {env:?}");
            assert!(r.required_secrets.contains(&"WEBHOOK_SECRET".to_owned()));
        }
    }

    #[test]
    fn the_effective_api_base_of_each_credential_is_shown() {
        let r = check(WRANGLER, "test", Some(&parse_secrets(DEV_VARS)));
        assert!(r.api_bases.contains(&"credential `powerepos-org001`: API base from the token claim `AuthServerClaims.Service` on 127.0.0.1".to_owned()), "{:?}", r.api_bases);
        assert!(r.api_bases.contains(&"credential `powerepos-other-claim`: API base from the token claim `AuthServerClaims.Elsewhere` on 127.0.0.1".to_owned()), "{:?}", r.api_bases);
        assert!(r.api_bases.contains(
            &"credential `streamdiver-acme`: API base http://127.0.0.1:18790/streamdiver"
                .to_owned()
        ));
    }

    #[test]
    fn plain_http_partner_urls_are_for_development_only() {
        let config = |mode: &str| {
            format!(
                r#"
[vars]
GATEHOUSE_MODE = "{mode}"
CREDENTIALS = '{{"s": {{"provider": "stream", "base_url": "http://stream.example", "client_id": "c", "secrets": {{"client_secret": "S"}}}}, "ok": {{"provider": "stream", "base_url": "https://stream.example", "client_id": "c", "secrets": {{"client_secret": "S"}}}}, "broken": {{"provider": "stream", "base_url": "https://stream.example", "client_id": "c", "secrets": {{"client_secret": "MISSING"}}}}}}'
"#
            )
        };
        let secrets = parse_secrets("S=x");
        let r = check(&config("production"), "", Some(&secrets));
        let all = r.problems.join("\n");
        assert!(
            all.contains(
                "credential `s`: token URL `http://stream.example/oauth/token` is not https"
            ),
            "{all}"
        );
        assert!(all.contains("credential `s`: API base `http://stream.example` is not https"));
        assert!(!all.contains("credential `ok`"), "{all}");
        // Each broken credential is named on its own.
        assert!(
            all.contains("credential `broken`: secret `MISSING`"),
            "{all}"
        );
        let r = check(&config("development"), "", Some(&secrets));
        assert!(!r.problems.join("\n").contains("is not https"));
    }

    #[test]
    fn connection_templates_are_checked_as_a_connection_would_use_them() {
        let config = |mode: &str| {
            format!(
                r#"
[vars]
GATEHOUSE_MODE = "{mode}"
CONNECTION_TEMPLATES = '{{"pe": {{"label": "PowerEPOS", "provider": "powerepos", "auth_base": "https://auth.pe.example", "client_id": "platform", "secrets": {{"client_secret": "PE_CLIENT_SECRET"}}}}, "sd": {{"label": "Streamdiver", "provider": "streamdiver", "auth_base": "http://auth.sd.example", "api_base": "https://api.sd.example"}}, "lost": {{"label": "Lost", "provider": "powerepos", "auth_base": "https://a.example", "client_id": "c", "secrets": {{"client_secret": "NOT_SET"}}}}, "st": {{"label": "Stream", "provider": "stream"}}}}'
"#
            )
        };
        let secrets = parse_secrets("PE_CLIENT_SECRET=x");
        let r = check(&config("production"), "", Some(&secrets));
        let all = r.problems.join("\n");
        for expected in [
            "CONNECTION_TEMPLATES: connection template `sd`: token URL `http://auth.sd.example/realms/example/protocol/openid-connect/token` is not https",
            "CONNECTION_TEMPLATES: connection template `lost`: credential `lost`: secret `NOT_SET` (for client_secret) is not set",
            "CONNECTION_TEMPLATES: connection template `st`: Stream is the platform's own credential",
        ] {
            assert!(all.contains(expected), "missing {expected:?} in:\n{all}");
        }
        assert!(!all.contains("template `pe`"), "{all}");
        assert!(r.api_bases.contains(&"connection template `pe`: API base from the token claim `AuthServerClaims.Service` on *.powerepos.cloud".to_owned()), "{:?}", r.api_bases);
        // The platform's secrets a template names are required secrets of the deployment.
        assert!(
            r.required_secrets.contains(&"PE_CLIENT_SECRET".to_owned()),
            "{:?}",
            r.required_secrets
        );
        let r = check(&config("development"), "", Some(&secrets));
        assert!(!r.problems.join("\n").contains("is not https"));
    }

    #[test]
    fn problems_are_named() {
        let broken = r#"
[vars]
ALLOWED_ORIGINS = "https://portal.example/path, javascript:alert(1)"
SESSION_ISSUER = "https://portal.example"
SESSION_ALGORITHMS = "HS256,RS256"
WHITE_LABEL_DOMAIN = "http://evil.example"
ONBOARDING_RETURN_PAGES = "https://user@portal.example/done"
WEBHOOK_URLS = "http://backend.example/hook"
CREDENTIALS = '{"pe": {"provider": "powerepos", "auth_base": "https://a.example", "client_id": "c", "username": "u", "secrets": {"client_secret": "PE_SECRET", "password": "PE_PASSWORD"}}}'
"#;
        let secrets =
            parse_secrets("ADMIN_API_KEY=x\nSTORAGE_ENCRYPTION_KEY=nonsense\nSESSION_SECRET=short");
        let r = check(broken, "", Some(&secrets));
        let all = r.problems.join("\n");
        for expected in [
            "CREDENTIALS: credential `pe`: `org_id` is required",
            "var SESSION_AUDIENCE is not set",
            "ALLOWED_ORIGINS: \"https://portal.example/path\"",
            "ALLOWED_ORIGINS: \"javascript:alert(1)\"",
            "WHITE_LABEL_DOMAIN: \"http://evil.example\"",
            "ONBOARDING_RETURN_PAGES: \"https://user@portal.example/done\"",
            "secret STORAGE_ENCRYPTION_KEY:",
            "secret PROXY_API_KEY is not set",
            "WEBHOOK_URLS: \"http://backend.example/hook\" is not an https:// URL",
        ] {
            assert!(all.contains(expected), "missing {expected:?} in:\n{all}");
        }
        assert!(all.contains("no [secrets] required"), "{all}");
        assert!(check("not toml [", "", None).problems[0].contains("not TOML"));
        assert!(check(WRANGLER, "nope", None).problems[0].contains("[env.nope]"));
        // A secret used but not declared required, and a weak webhook key, are named.
        let undeclared = WRANGLER.replacen(
            "required = [\"ADMIN_API_KEY\", \"PROXY_API_KEY\", \"STORAGE_ENCRYPTION_KEY\", \"SESSION_SECRET\", \"WEBHOOK_SECRET\",\n  \"STREAM_CLIENT_SECRET\"]",
            "required = [\"ADMIN_API_KEY\", \"PROXY_API_KEY\", \"STORAGE_ENCRYPTION_KEY\", \"SESSION_SECRET\"]",
            1,
        );
        assert_ne!(
            undeclared, WRANGLER,
            "the staging list is where the test expects it"
        );
        let r = check(&undeclared, "staging", None);
        assert!(
            r.problems.iter().any(|p| p
                .starts_with("secret STREAM_CLIENT_SECRET is used but not in [secrets] required")),
            "{:?}",
            r.problems
        );
        assert!(r
            .problems
            .iter()
            .any(|p| p.starts_with("secret WEBHOOK_SECRET is used")));
        let weak = parse_secrets("WEBHOOK_SECRET=short");
        let r = check(WRANGLER, "production", Some(&weak));
        assert!(
            r.problems
                .iter()
                .any(|p| p.contains("WEBHOOK_SECRET: each")),
            "{:?}",
            r.problems
        );
    }
}
