//! An outbound request, as core builds it and the worker sends it (sans-IO): the token and
//! revocation requests, and the partner calls the worker makes with a token. Deliberately plain —
//! a method, a URL, headers, a body — rather than the `http` crate's types, whose URI parser and
//! header map cost the worker about 3 KB of wasm (docs/size.md) for requests that the platform's
//! `fetch` parses anyway. Header names are lower case and come from this code, never from a
//! caller.
//!
//! ```
//! use gatehouse_core::outbound::Outbound;
//! let req = Outbound::post("https://auth.example/token")
//!     .header("accept", "application/json")
//!     .body(b"grant_type=client_credentials".to_vec());
//! assert_eq!((req.method(), req.uri()), ("POST", "https://auth.example/token"));
//! assert_eq!(req.header_value("accept"), Some("application/json"));
//! assert_eq!(req.header_value("authorization"), None);
//! ```

/// A request to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbound {
    method: String,
    uri: String,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Outbound {
    /// A request with `method` to `uri`, no headers, no body.
    pub fn new(method: &str, uri: String) -> Self {
        Self {
            method: method.to_owned(),
            uri,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A `POST` to `uri`.
    pub fn post(uri: &str) -> Self {
        Self::new("POST", uri.to_owned())
    }

    /// With header `name` (lower case) set to `value`, replacing an earlier one.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value.into()));
        self
    }

    /// With `body`.
    pub fn body(mut self, body: Vec<u8>) -> Self {
        self.body = body;
        self
    }

    /// The method.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The URL, as built.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// Header `name`'s value.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every header, in the order set.
    pub fn headers(&self) -> &[(&'static str, String)] {
        &self.headers
    }

    /// The body (empty: none).
    pub fn body_bytes(&self) -> &[u8] {
        &self.body
    }
}
