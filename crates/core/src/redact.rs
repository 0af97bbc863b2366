//! The redaction rule behind the worker's one logging point: anything that looks like a bearer
//! token, a JWT, a long opaque credential or a `token`/`secret`/`password`/`code`/`key`
//! parameter is masked. Callers never format secrets into messages; this is the second fence.

/// Masks values that look like credentials in a free-form string.
pub fn redact(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, word) in value.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&redact_word(word));
    }
    out
}

fn redact_word(word: &str) -> String {
    const KEYS: [&str; 6] = [
        "token",
        "secret",
        "password",
        "code",
        "authorization",
        "key",
    ];
    // key=value pairs in query strings and form bodies
    if word.contains('=') {
        return word
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if KEYS.iter().any(|s| k.to_ascii_lowercase().contains(s)) => {
                    format!("{k}=[redacted]")
                }
                _ => pair.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("&");
    }
    // JWT-shaped words, and long opaque path segments that mix letters and digits (tokens,
    // codes); plain path segments such as `credentials` stay readable.
    if word.starts_with("eyJ") && word.matches('.').count() >= 2 {
        return "[redacted]".to_owned();
    }
    word.split('/')
        .map(|seg| if looks_opaque(seg) { "[redacted]" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

fn looks_opaque(seg: &str) -> bool {
    seg.len() >= 20
        && seg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.~+=".contains(c))
        && seg.chars().any(|c| c.is_ascii_digit())
        && seg.chars().any(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn masks_credential_shapes_and_keeps_plain_words() {
        assert_eq!(
            redact("token call failed status=503"),
            "token call failed status=503"
        );
        assert_eq!(
            redact("grant_type=refresh_token&refresh_token=abc&client_secret=s"),
            "grant_type=refresh_token&refresh_token=[redacted]&client_secret=[redacted]"
        );
        assert_eq!(
            redact("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"),
            "Bearer [redacted]"
        );
        assert_eq!(
            redact("got Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4"),
            "got [redacted]"
        );
        assert_eq!(
            redact("/redirect/sso?code=abc"),
            "/redirect/sso?code=[redacted]"
        );
    }
}
