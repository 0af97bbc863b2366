//! The `Gatehouse-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256(key, "<t>.<body>")>`,
//! one `v1` per signing key. The worker computes the HMAC with WebCrypto.

/// What is signed: `"<t>.<body>"`.
pub fn signing_input(timestamp_s: u64, body: &str) -> String {
    format!("{timestamp_s}.{body}")
}

/// The `Gatehouse-Signature` header value for hex signatures (one per signing key).
pub fn signature_header(timestamp_s: u64, signatures_hex: &[String]) -> String {
    let mut h = format!("t={timestamp_s}");
    for s in signatures_hex {
        h.push_str(",v1=");
        h.push_str(s);
    }
    h
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_format() {
        assert_eq!(signature_header(1, &[]), "t=1");
        assert_eq!(hex(&[0, 15, 16, 255]), "000f10ff");
    }
}
