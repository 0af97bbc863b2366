//! Small request helpers: content types, JSON and form bodies, HTTP Basic and Bearer
//! credentials, query strings. Parsing errors describe the problem without echoing values.

use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Why a body or query could not be read; the message is safe to send.
#[derive(Debug)]
pub(crate) struct BadInput(pub(crate) String);

/// Whether the request's `Content-Type` essence is `expected` (parameters ignored).
pub(crate) fn content_type_is(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case(expected))
}

pub(crate) const JSON: &str = "application/json";
pub(crate) const FORM: &str = "application/x-www-form-urlencoded";

/// A serde error as a message that names a missing field or the position of a syntax error,
/// never a value (serde's "invalid type: string \"…\"" would echo one).
pub(crate) fn describe(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => format!(
            "request body is not valid JSON (line {} column {})",
            e.line(),
            e.column()
        ),
        Category::Data => {
            let text = e.to_string();
            let text = text.split(" at line ").next().unwrap_or_default();
            if text.starts_with("missing field") {
                text.replace('`', "")
            } else {
                "a field has the wrong type or value".to_owned()
            }
        }
    }
}

/// A JSON object body (content type checked). Returns the object so callers may merge
/// credentials into it before typing it.
pub(crate) fn json_object(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Map<String, Value>, BadInput> {
    if !content_type_is(headers, JSON) {
        return Err(BadInput("Content-Type must be application/json".to_owned()));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(BadInput("request body must be a JSON object".to_owned())),
        Err(e) => Err(BadInput(describe(&e))),
    }
}

/// A typed JSON body (content type checked).
pub(crate) fn json_body<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, BadInput> {
    let map = json_object(headers, body)?;
    typed(map)
}

/// Types a map of fields.
pub(crate) fn typed<T: DeserializeOwned>(map: Map<String, Value>) -> Result<T, BadInput> {
    serde_json::from_value(Value::Object(map)).map_err(|e| BadInput(describe(&e)))
}

/// A form-encoded body or query string as a map of strings. Empty values count as absent;
/// a repeated parameter is an error (RFC 6749 §3.2).
pub(crate) fn form_map(bytes: &[u8]) -> Result<Map<String, Value>, BadInput> {
    let mut map = Map::new();
    for (key, value) in url::form_urlencoded::parse(bytes) {
        if value.is_empty() {
            continue;
        }
        if map
            .insert(key.clone().into_owned(), Value::String(value.into_owned()))
            .is_some()
        {
            return Err(BadInput(format!("parameter {key} is repeated")));
        }
    }
    Ok(map)
}

/// A query string typed (absent query = no parameters).
pub(crate) fn query<T: DeserializeOwned>(raw: Option<&str>) -> Result<T, BadInput> {
    let map = form_map(raw.unwrap_or_default().as_bytes())?;
    typed(map)
}

/// HTTP Basic client credentials (RFC 6749 §2.3.1: both parts form-urlencoded before
/// base64). `Ok(None)` when there is no Basic header; `Err` when it is malformed.
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, BadInput> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| BadInput("malformed Authorization header".to_owned()))?;
    let Some((scheme, rest)) = value.split_once(' ') else {
        return Ok(None);
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let decoded = STANDARD
        .decode(rest.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| BadInput("malformed HTTP Basic credentials".to_owned()))?;
    let (id, secret) = decoded
        .split_once(':')
        .ok_or_else(|| BadInput("malformed HTTP Basic credentials".to_owned()))?;
    Ok(Some((form_decode(id), form_decode(secret))))
}

fn form_decode(value: &str) -> String {
    url::form_urlencoded::parse(format!("v={value}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Puts HTTP Basic credentials into a body's fields. A body `client_id` that differs from
/// the Basic one is an error (two client authentications).
pub(crate) fn merge_basic(
    map: &mut Map<String, Value>,
    basic: Option<(String, String)>,
) -> Result<(), BadInput> {
    let Some((id, secret)) = basic else {
        return Ok(());
    };
    if let Some(body_id) = map.get("client_id").and_then(Value::as_str) {
        if body_id != id {
            return Err(BadInput(
                "client_id in the body differs from the HTTP Basic client".to_owned(),
            ));
        }
    }
    map.insert("client_id".to_owned(), Value::String(id));
    map.insert("client_secret".to_owned(), Value::String(secret));
    Ok(())
}

/// The token of an `Authorization: Bearer <token>` header.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The client id a token request names, for the `token_calls` counter: HTTP Basic first,
/// then a JSON or form body field.
pub(crate) fn client_id_of(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    if let Ok(Some((id, _))) = basic_credentials(headers) {
        return Some(id);
    }
    if content_type_is(headers, JSON) {
        let value: Value = serde_json::from_slice(body).ok()?;
        return value.get("client_id")?.as_str().map(str::to_owned);
    }
    url::form_urlencoded::parse(body)
        .find(|(k, _)| k == "client_id")
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn serde_messages_never_echo_values() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            a: u64,
            b: String,
        }
        let e = serde_json::from_str::<T>(r#"{"a":"secret-value","b":"x"}"#).unwrap_err();
        assert!(!describe(&e).contains("secret-value"));
        let e = serde_json::from_str::<T>(r#"{"a":1}"#).unwrap_err();
        assert_eq!(describe(&e), "missing field b");
        let e = serde_json::from_str::<T>(r#"{"a":1,"b":"#).unwrap_err();
        assert!(describe(&e).starts_with("request body is not valid JSON"));
    }

    #[test]
    fn basic_credentials_are_form_decoded() {
        let h = headers(&[(
            header::AUTHORIZATION,
            &format!("Basic {}", STANDARD.encode("my%20id:s%3Ac+r")),
        )]);
        assert_eq!(
            basic_credentials(&h).unwrap(),
            Some(("my id".into(), "s:c r".into()))
        );
        let h = headers(&[(header::AUTHORIZATION, "Basic !!!")]);
        assert!(basic_credentials(&h).is_err());
        let h = headers(&[(header::AUTHORIZATION, "Bearer abc")]);
        assert_eq!(basic_credentials(&h).unwrap(), None);
        assert_eq!(bearer(&h), Some("abc"));
    }

    #[test]
    fn forms_reject_repeats_and_drop_empty_values() {
        let m = form_map(b"a=1&b=&c=x+y").unwrap();
        assert_eq!(m.get("a").unwrap(), "1");
        assert!(m.get("b").is_none());
        assert_eq!(m.get("c").unwrap(), "x y");
        assert!(form_map(b"a=1&a=2").is_err());
    }

    #[test]
    fn content_type_ignores_parameters_and_case() {
        let h = headers(&[(header::CONTENT_TYPE, "Application/JSON; charset=utf-8")]);
        assert!(content_type_is(&h, JSON));
        assert!(!content_type_is(&h, FORM));
        assert!(!content_type_is(&HeaderMap::new(), JSON));
    }
}
