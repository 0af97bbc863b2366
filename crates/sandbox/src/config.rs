//! How the sandbox presents itself: the public URL and whether requests are logged.

/// How the sandbox presents itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The base URL clients reach the sandbox at (no trailing slash); used to build
    /// `entry_url`, PowerEPOS `svc` URIs and token issuers.
    pub public_url: String,
    /// Write one line per request to stderr: method, path without query string, status.
    pub log_requests: bool,
}

impl Config {
    /// A configuration with the given public URL and request logging off.
    pub fn new(public_url: impl Into<String>) -> Self {
        let public_url = public_url.into().trim_end_matches('/').to_owned();
        Self {
            public_url,
            log_requests: false,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::new("http://127.0.0.1:8790")
    }
}
