"""Mint a Gatehouse portal session for the signed-in user (your portal's backend, Python + PyJWT).

Usage: SESSION_SECRET=... python mint_session.py  -> prints the token
"""
import os
import time

import jwt  # PyJWT


def mint_session(user) -> str:
    now = int(time.time())
    claims = {
        "iss": "https://portal.example",      # = SESSION_ISSUER
        "aud": "gatehouse",                   # = SESSION_AUDIENCE
        "iat": now,
        "nbf": now,
        "exp": now + 300,                     # short-lived: at most SESSION_MAX_TTL_S (1 h)
        "sub": user["id"],
        "email": user["email"],
        "name": user["full_name"],
        "phone_number": user["phone_number"],
        "provider_org_id": user["org_id"],    # your organization id, shared by its users
        "role": user["role"],                 # owner | admin | manager | team_member | custom
    }
    return jwt.encode(claims, os.environ["SESSION_SECRET"], algorithm="HS256")


if __name__ == "__main__":
    print(mint_session({
        "id": "u-1001", "email": "sarah.manager@restaurantchain.example", "full_name": "Sarah Johnson",
        "phone_number": "+1-555-123-4567", "org_id": "restaurant_chain_abc_123", "role": "manager",
    }))
