"""Runs the Python kit (kits/python) against the worker for tests/e2e/server-kit.test.mjs and
prints what it saw as JSON. Arguments: WORKER_URL ADMIN_KEY PROXY_KEY SESSION_SECRET KEYS_JSON."""
import json
import sys
import time

from standardwebhooks.webhooks import Webhook

from gatehouse import Gatehouse, GatehouseError, WebhookError, mint_session, verify_webhook

worker, admin_key, proxy_key, secret, keys_file = sys.argv[1:6]
keys = json.load(open(keys_file))
claims = {"sub": "py-kit-user", "email": "py@portal.example", "name": "Py Kit", "phone_number": "+1-555-010-0002", "provider_org_id": "org_pykit_001", "role": "admin"}
out = {"sessions": {}}
import httpx  # noqa: E402

for alg, key in [("HS256", secret), ("ES256", keys["es256"]), ("RS256", keys["rs256"])]:
    token = mint_session(claims, key, issuer="https://portal.example", algorithm=alg)
    r = httpx.get(f"{worker}/api/session", headers={"authorization": f"Bearer {token}"})
    out["sessions"][alg] = [r.status_code, r.json().get("provider_org_id")]

ops = Gatehouse(worker, admin_key)
out["credentials"] = sorted(c["credential"] for c in ops.credentials()["credentials"])
try:
    ops.credential("no-such-credential")
    out["missing"] = None
except GatehouseError as e:
    out["missing"] = [e.code, e.status, e.retryable, bool(e.request_id)]

backend = Gatehouse(worker, proxy_key)
r = backend.proxy("streamdiver-acme", "v2/tenants/current/settings")
out["proxy"] = [r.status_code, isinstance(r.json(), dict)]
try:
    backend.proxy("streamdiver-acme", "v2/elsewhere")
    out["refused"] = None
except GatehouseError as e:
    out["refused"] = e.code

# A scoped server key made with the kit reaches only its target, and stops when revoked.
made = ops.create_key("py kit", ["proxy"], targets=["streamdiver-acme"])
out["key_secret"] = made["secret"]
scoped = Gatehouse(worker, made["secret"])
out["scoped"] = [scoped.proxy("streamdiver-acme", "v2/tenants/current/settings").status_code]
try:
    scoped.proxy("stream", "partner-tokens")
    out["scoped"].append("accepted")
except GatehouseError as e:
    out["scoped"].append(e.code)
ops.revoke_key(made["key"]["id"])
try:
    scoped.proxy("streamdiver-acme", "v2/tenants/current/settings")
    out["scoped"].append("accepted")
except GatehouseError as e:
    out["scoped"].append(e.code)
out["listed"] = made["key"]["id"] in [k["id"] for k in ops.keys()["keys"]]

# The server routes: an organization's onboardings and connections with a key trusted for it.
org = f"org_pykit_{int(time.time() * 1000):x}"
session = mint_session({**claims, "provider_org_id": org, "role": "owner"}, secret, issuer="https://portal.example")
started = httpx.post(f"{worker}/api/onboarding", headers={"authorization": f"Bearer {session}"},
                     json={"source": "square", "type": "pos"}).json()["onboarding"]["id"]
sync = ops.create_key("py sync", ["onboarding:read", "onboarding:write", "connections:read"], organizations=[org])
out["sync_secret"] = sync["secret"]
backend_org = Gatehouse(worker, sync["secret"])
out["server"] = [
    [o["id"] == started for o in backend_org.onboardings(org, status="pending")["onboardings"]],
    len(backend_org.onboarding(org, started)) > 3,
    backend_org.revoke_onboarding(org, started)["status"],
    backend_org.connections(org)["connections"],
]
try:
    backend_org.onboardings("org_someone_else")
    out["server"].append("accepted")
except GatehouseError as e:
    out["server"].append(e.code)
ops.revoke_key(sync["key"]["id"])

# A delivery signed the Standard Webhooks way verifies with either key of a rotation.
old, new = "whsec_" + "A" * 43 + "=", "whsec_" + "B" * 43 + "="
body = json.dumps({"id": "evt_1", "type": "credential.needs_reauth", "created": 1, "data": {}})
ts = int(time.time())
sig = Webhook(old).sign("evt_1", __import__("datetime").datetime.fromtimestamp(ts, __import__("datetime").timezone.utc), body)
headers = {"Webhook-Id": "evt_1", "Webhook-Timestamp": str(ts), "Webhook-Signature": sig}
out["webhook"] = verify_webhook(body, headers, [new, old])["id"]
try:
    verify_webhook(body.replace("evt_1", "evt_2"), headers, [old])
    out["tampered"] = "accepted"
except WebhookError:
    out["tampered"] = "refused"
print(json.dumps(out))
