// @gatehouse/server (kits/node, issue 15 §5) against the worker in workerd: the sessions it mints
// (HS256, ES256, RS256) are accepted, its client reads the operators' routes and calls the proxy
// with typed errors; its webhook verification is checked on real deliveries in
// tests/e2e/webhooks.test.mjs.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { WORKER, ADMIN_API_KEY, PROXY_API_KEY, fetch, sandboxControl, resetCredential, enteredSecret } from "./env.mjs";
import { SESSION_SECRET } from "./session.mjs";
import { mintSession, createGatehouse, GatehouseError } from "../../kits/node/dist/index.js";

// Each file starts from a fresh partner and fresh tokens (no reliance on what ran before).
before(async () => {
  await sandboxControl("reset", {});
  assert.equal((await resetCredential("streamdiver-acme")).status, 200);
});

const keys = JSON.parse(readFileSync(new URL("./fixtures/session-keys.json", import.meta.url), "utf8"));
const claims = {
  sub: "kit-user-1", email: "kit@portal.example", name: "Kit User", phone_number: "+1-555-010-0001",
  provider_org_id: "org_kit_001", role: "owner",
};

test("sessions minted by the kit are accepted with each algorithm", async () => {
  for (const key of [
    { alg: "HS256", secret: SESSION_SECRET },
    { alg: "ES256", privateKey: keys.es256, kid: keys.es256.kid },
    { alg: "RS256", privateKey: keys.rs256, kid: keys.rs256.kid },
  ]) {
    const token = await mintSession(claims, key, { issuer: "https://portal.example" });
    const r = await fetch(`${WORKER}/api/session`, { headers: { authorization: `Bearer ${token}` } });
    const body = await r.text();
    assert.equal(r.status, 200, `${key.alg}: ${body}`);
    const profile = JSON.parse(body);
    assert.equal(profile.provider_org_id, "org_kit_001", key.alg);
    assert.equal(profile.role, "owner");
  }
  // A lifetime over the worker's maximum is refused, as for any session.
  const long = await mintSession(claims, { alg: "HS256", secret: SESSION_SECRET }, { issuer: "https://portal.example", ttlSeconds: 7200 });
  const r = await fetch(`${WORKER}/api/session`, { headers: { authorization: `Bearer ${long}` } });
  assert.equal(r.status, 401);
  await assert.rejects(mintSession(claims, { alg: "HS256", secret: "short" }, { issuer: "x" }), /32 bytes/);
});

test("the client reads the operators' routes and calls the proxy; refusals are typed", async () => {
  const ops = createGatehouse({ baseUrl: WORKER, key: ADMIN_API_KEY });
  const { credentials } = await ops.credentials();
  assert.ok(credentials.some((c) => c.credential === "stream"));
  assert.equal((await ops.credential("stream")).provider, "stream");
  const missing = await ops.credential("no-such-credential").catch((e) => e);
  assert.ok(missing instanceof GatehouseError);
  assert.equal(missing.code, "unknown_credential");
  assert.equal(missing.status, 404);
  assert.equal(missing.retryable, false);
  assert.match(missing.requestId ?? "", /./);

  const backend = createGatehouse({ baseUrl: WORKER, key: PROXY_API_KEY });
  const settings = await backend.proxy("streamdiver-acme", "v2/tenants/current/settings");
  assert.equal(settings.status, 200);
  assert.ok(typeof (await settings.json()) === "object");
  const refused = await backend.proxy("streamdiver-acme", "v2/elsewhere").catch((e) => e);
  assert.ok(refused instanceof GatehouseError);
  assert.equal(refused.code, "proxy_path_not_allowed");
  const wrongKey = await createGatehouse({ baseUrl: WORKER, key: "nope" }).credentials().catch((e) => e);
  assert.equal(wrongKey.code, "unauthorized");
});

test("operators make, rotate and revoke server keys with the client; a scoped key reaches only its target", async () => {
  const ops = createGatehouse({ baseUrl: WORKER, key: ADMIN_API_KEY });
  const made = await ops.createKey({ name: "kit backend", scopes: ["proxy"], targets: ["streamdiver-acme"] });
  enteredSecret(made.secret);
  assert.match(made.secret, /^gh_test_/);
  const backend = createGatehouse({ baseUrl: WORKER, key: made.secret });
  assert.equal((await backend.proxy("streamdiver-acme", "v2/tenants/current/settings")).status, 200);
  const elsewhere = await backend.proxy("stream", "partner-tokens").catch((e) => e);
  assert.ok(elsewhere instanceof GatehouseError);
  assert.equal(elsewhere.code, "forbidden_target");
  const rotated = await ops.rotateKey(made.key.id);
  enteredSecret(rotated.secret);
  assert.ok(rotated.previous && rotated.previous.expires_at !== null);
  const listed = (await ops.keys()).keys.map((k) => k.id);
  assert.ok(listed.includes(made.key.id) && listed.includes(rotated.key.id));
  await ops.revokeKey(made.key.id);
  const revoked = await backend.proxy("streamdiver-acme", "v2/tenants/current/settings").catch((e) => e);
  assert.equal(revoked.code, "unauthorized");
  const next = createGatehouse({ baseUrl: WORKER, key: rotated.secret });
  assert.equal((await next.proxy("streamdiver-acme", "v2/tenants/current/settings")).status, 200);
  await ops.revokeKey(rotated.key.id);
});

test("a backend drives an organization's onboardings and reads its connections with a scoped key", async () => {
  const org = `org_kit_${Date.now().toString(36)}`;
  const session = await mintSession({ sub: "kit-user", email: "kit@portal.example", name: "Kit User",
    phone_number: "+1-555-010-0003", provider_org_id: org, role: "owner" },
  { alg: "HS256", secret: SESSION_SECRET }, { issuer: "https://portal.example" });
  const r = await fetch(`${WORKER}/api/onboarding`, { method: "POST",
    headers: { authorization: `Bearer ${session}`, "content-type": "application/json" },
    body: JSON.stringify({ source: "square", type: "pos" }) });
  assert.equal(r.status, 200, await r.clone().text());
  const started = (await r.json()).onboarding.id;
  const ops = createGatehouse({ baseUrl: WORKER, key: ADMIN_API_KEY });
  const made = await ops.createKey({ name: "kit sync", scopes: ["onboarding:read", "onboarding:write", "connections:read"], organizations: [org] });
  enteredSecret(made.secret);
  const backend = createGatehouse({ baseUrl: WORKER, key: made.secret });
  const page = await backend.onboardings(org, { status: "pending" });
  assert.deepEqual(page.onboardings.map((o) => o.id), [started]);
  const full = await backend.onboarding(org, started);
  assert.ok(Object.keys(full).length > 3);
  assert.equal((await backend.revokeOnboarding(org, started)).status, "revoked");
  assert.deepEqual((await backend.connections(org)).connections, []);
  const elsewhere = await backend.onboardings("org_someone_else").catch((e) => e);
  assert.ok(elsewhere instanceof GatehouseError);
  assert.equal(elsewhere.code, "forbidden_org");
  await ops.revokeKey(made.key.id);
});

test("the Python kit does the same, against the same worker", () => {
  const python = process.env.DOT_VENV ? join(process.env.DOT_VENV, "bin", "python") : "python3";
  const kit = new URL("../../kits/python", import.meta.url).pathname;
  const out = JSON.parse(execFileSync(python, [
    new URL("../kits/python_kit.py", import.meta.url).pathname,
    WORKER, ADMIN_API_KEY, PROXY_API_KEY, SESSION_SECRET,
    new URL("./fixtures/session-keys.json", import.meta.url).pathname,
  ], { env: { ...process.env, PYTHONPATH: kit } }).toString());
  assert.deepEqual(out.sessions, { HS256: [200, "org_pykit_001"], ES256: [200, "org_pykit_001"], RS256: [200, "org_pykit_001"] });
  assert.ok(out.credentials.includes("stream"));
  assert.deepEqual(out.missing, ["unknown_credential", 404, false, true]);
  assert.deepEqual(out.proxy, [200, true]);
  assert.equal(out.refused, "proxy_path_not_allowed");
  assert.equal(out.webhook, "evt_1");
  assert.equal(out.tampered, "refused");
  enteredSecret(out.key_secret);
  assert.match(out.key_secret, /^gh_test_/);
  assert.deepEqual(out.scoped, [200, "forbidden_target", "unauthorized"]);
  assert.equal(out.listed, false);
  enteredSecret(out.sync_secret);
  assert.deepEqual(out.server, [[true], true, "revoked", [], "forbidden_org"]);
});
