//! The `_headers` file of a deployment's static assets, and the `FRAME_ANCESTORS` rule it and
//! the check share.

use gatehouse_core::onboarding::safe_absolute_url;

/// The `_headers` file of a deployment's static assets: `www/_headers` with the
/// Content-Security-Policy's `frame-ancestors` taken from the environment's `FRAME_ANCESTORS` var
/// (default `'none'`) and its `form-action` narrowed to `'self'` and the white-label app's origin
/// (where the SSO button's form POST is redirected).
pub fn deployment_headers(
    template: &str,
    wrangler_toml: &str,
    env: &str,
) -> Result<String, String> {
    let doc: toml::Table = wrangler_toml
        .parse()
        .map_err(|e| format!("wrangler.toml: {e}"))?;
    let vars = doc
        .get("env")
        .and_then(|e| e.get(env))
        .and_then(|e| e.get("vars"))
        .and_then(|v| v.as_table())
        .ok_or_else(|| format!("wrangler.toml has no [env.{env}.vars]"))?;
    let var = |name: &str| vars.get(name).and_then(|v| v.as_str()).unwrap_or_default();
    let ancestors = frame_ancestors(var("FRAME_ANCESTORS"))?;
    let white_label = var("WHITE_LABEL_DOMAIN");
    if !safe_absolute_url(white_label) {
        return Err(format!(
            "WHITE_LABEL_DOMAIN: {white_label:?} is not an absolute https URL"
        ));
    }
    let wl_origin = origin_of(white_label);
    let mut replaced = 0;
    let out: Vec<String> = template
        .lines()
        .map(|line| {
            let Some(policy) = line.trim_start().strip_prefix("Content-Security-Policy:") else {
                return line.to_owned();
            };
            replaced += 1;
            let directives: Vec<String> = policy
                .split(';')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(|d| match d.split_whitespace().next() {
                    Some("frame-ancestors") => format!("frame-ancestors {ancestors}"),
                    Some("form-action") => format!("form-action 'self' {wl_origin}"),
                    _ => d.to_owned(),
                })
                .collect();
            let indent = &line[..line.len() - line.trim_start().len()];
            format!("{indent}Content-Security-Policy: {}", directives.join("; "))
        })
        .collect();
    if replaced == 0 {
        return Err("www/_headers has no Content-Security-Policy line".into());
    }
    Ok(out.join("\n") + "\n")
}

/// `FRAME_ANCESTORS`: `'none'` (the default), `'self'`, or exact `https://` origins, separated
/// by spaces or commas; anything else (wildcards, paths, schemes other than https) is refused.
pub fn frame_ancestors(value: &str) -> Result<String, String> {
    let items: Vec<&str> = value
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if items.is_empty() {
        return Ok("'none'".into());
    }
    for i in &items {
        let exact_origin = i.starts_with("https://")
            && safe_absolute_url(i)
            && i.splitn(4, '/').nth(3).is_none()
            && !i.contains('*');
        if !(exact_origin || *i == "'self'" || (*i == "'none'" && items.len() == 1)) {
            return Err(format!(
                "FRAME_ANCESTORS: {i:?} is not 'none', 'self' or an exact https:// origin"
            ));
        }
    }
    Ok(items.join(" "))
}

fn origin_of(url: &str) -> &str {
    let start = url.find("://").map_or(0, |i| i + 3);
    let end = url[start..].find('/').map_or(url.len(), |i| start + i);
    &url[..end]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const WRANGLER: &str = include_str!("../../../wrangler.toml");

    #[test]
    fn deployment_headers_take_frame_ancestors_and_form_action_from_the_environment() {
        let template = include_str!("../../../www/_headers");
        let prod = deployment_headers(template, WRANGLER, "production").unwrap();
        assert!(
            prod.contains("; frame-ancestors https://portal.partner.example\n"),
            "{prod}"
        );
        assert!(
            prod.contains("form-action 'self' https://dashboard.partner.example;"),
            "{prod}"
        );
        assert!(
            !prod.contains("127.0.0.1"),
            "no development origin in a deployment: {prod}"
        );
        assert!(prod.contains("object-src 'none'") && prod.contains("base-uri 'none'"));
        assert!(prod.contains("Referrer-Policy: no-referrer"));
        assert!(
            prod.contains("/pkg/*\n  Access-Control-Allow-Origin: *\n"),
            "deployments serve the npm package with CORS too: {prod}"
        );
        let staging = deployment_headers(template, WRANGLER, "staging").unwrap();
        assert!(
            staging.contains("frame-ancestors 'none'"),
            "the default: {staging}"
        );
        assert_eq!(frame_ancestors("").unwrap(), "'none'");
        assert_eq!(
            frame_ancestors("'self', https://a.example https://b.example:8443").unwrap(),
            "'self' https://a.example https://b.example:8443"
        );
        for bad in [
            "*",
            "https://*.example",
            "http://a.example",
            "https://a.example/path",
            "'none' 'self'",
            "javascript:",
            "'unsafe-inline'",
        ] {
            assert!(frame_ancestors(bad).is_err(), "{bad}");
        }
        assert!(deployment_headers("/*\n  X: y\n", WRANGLER, "production").is_err());
        assert!(deployment_headers(template, WRANGLER, "nope").is_err());
    }
}
