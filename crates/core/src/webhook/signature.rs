//! Signatures per the Standard Webhooks specification (standardwebhooks.com), so receivers verify
//! with its maintained libraries (`standardwebhooks` on npm and PyPI, and others):
//! `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 of
//! HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, space-separated, one per signing key (two during
//! a key rotation). The worker computes the HMAC with WebCrypto.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

/// What is signed: `"<id>.<timestamp>.<body>"`.
pub fn signing_input(id: &str, timestamp_s: u64, body: &str) -> String {
    format!("{id}.{timestamp_s}.{body}")
}

/// The `webhook-signature` header value: `v1,<base64>` per signature, space-separated.
pub fn signature_header(signatures: &[Vec<u8>]) -> String {
    signatures
        .iter()
        .map(|s| format!("v1,{}", B64.encode(s)))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_format() {
        assert_eq!(signing_input("evt_1", 1, "{}"), "evt_1.1.{}");
        assert_eq!(signature_header(&[]), "");
        assert_eq!(
            signature_header(&[vec![0, 1, 2], vec![255; 3]]),
            "v1,AAEC v1,////"
        );
    }
}
