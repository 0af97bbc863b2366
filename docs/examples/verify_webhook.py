"""Verify a Gatehouse webhook in your backend (Python standard library only).

Use the raw request body exactly as received (bytes, before any JSON parsing) and your
WEBHOOK_SECRET; during a key rotation pass both keys.

Usage (as the test command runs it): python verify_webhook.py SIGNATURE_HEADER SECRET < body
prints "valid" or "invalid".
"""
import hashlib
import hmac
import sys
import time


def verify_gatehouse_webhook(raw_body: bytes, signature_header: str, secrets, tolerance_s=300, now_s=None) -> bool:
    fields = [p.strip().split("=", 1) for p in (signature_header or "").split(",") if "=" in p]
    try:
        t = int(next(v for k, v in fields if k == "t"))
    except (StopIteration, ValueError):
        return False
    now_s = time.time() if now_s is None else now_s
    if abs(now_s - t) > tolerance_s:
        return False
    signatures = [v for k, v in fields if k == "v1"]
    for secret in [secrets] if isinstance(secrets, str) else secrets:
        expected = hmac.new(secret.encode(), f"{t}.".encode() + raw_body, hashlib.sha256).hexdigest()
        if any(hmac.compare_digest(expected, s) for s in signatures):
            return True
    return False


if __name__ == "__main__":
    body = sys.stdin.buffer.read()
    print("valid" if verify_gatehouse_webhook(body, sys.argv[1], sys.argv[2].split(",")) else "invalid")
