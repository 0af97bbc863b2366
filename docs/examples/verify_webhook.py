"""Verify a Gatehouse webhook in your backend (Python) with the Standard Webhooks library
(`pip install standardwebhooks`): Gatehouse signs per the Standard Webhooks specification.

Use the raw request body exactly as received (bytes, before any JSON parsing) and your
WEBHOOK_SECRET (`whsec_...`); during a key rotation pass both keys.

Usage (as the test command runs it):
    python verify_webhook.py WEBHOOK_ID WEBHOOK_TIMESTAMP WEBHOOK_SIGNATURE SECRET[,SECRET] < body
prints "valid" or "invalid".
"""
import sys

from standardwebhooks.webhooks import Webhook


def verify_gatehouse_webhook(raw_body: bytes, headers: dict, secrets):
    """The event when one of `secrets` verifies the delivery (and it is recent), else None."""
    for secret in [secrets] if isinstance(secrets, str) else secrets:
        try:
            return Webhook(secret).verify(raw_body, headers)
        except Exception:  # WebhookVerificationError, or a malformed header
            continue
    return None


if __name__ == "__main__":
    body = sys.stdin.buffer.read()
    headers = {"webhook-id": sys.argv[1], "webhook-timestamp": sys.argv[2], "webhook-signature": sys.argv[3]}
    print("valid" if verify_gatehouse_webhook(body, headers, sys.argv[4].split(",")) is not None else "invalid")
