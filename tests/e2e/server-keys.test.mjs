// Server keys (docs/server.md, issue 15 §1): made, listed, rotated and revoked at runtime through
// the operators' API, stored only as a hash, shown once, scoped — and refused with a stable code
// outside their scopes, organizations and targets. Every key made here is recorded for the leak
// scan (it must never appear in a log, an answer a browser gets, storage or the bundle).
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { fetch, WORKER, ADMIN_API_KEY, PROXY_API_KEY, enteredSecret, sandboxStreamOrg } from "./env.mjs";
import { claims, mint } from "./session.mjs";

// A platform-credential call that answers 200: the partner tokens of a Stream organization.
const PLATFORM = `stream/partner-tokens?org_id=${await sandboxStreamOrg("Server keys")}`;
const KEY_SHAPE = /^gh_test_[a-z2-7]{16}_[a-z2-7]{52}$/;
const newOrg = () => `org_${randomBytes(6).toString("hex")}`;

const call = (key, path, init = {}) => fetch(`${WORKER}${path}`, {
  ...init,
  headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...(init.headers ?? {}) },
});
const post = (key, path, body) => call(key, path, { method: "POST", body: body === undefined ? undefined : JSON.stringify(body) });
const proxyWith = (key, path, org, headers = {}) =>
  call(key, `/api/proxy/${path}`, { headers: { ...(org ? { "gatehouse-organization": org } : {}), ...headers } });
/** A random base32 string as long as `n` bytes encode to (a server key's alphabet and lengths). */
const base32 = (n) => [...randomBytes(n * 2)].map((b) => "abcdefghijklmnopqrstuvwxyz234567"[b % 32]).join("").slice(0, Math.ceil((n * 8) / 5));

async function makeKey(body, key = ADMIN_API_KEY) {
  const r = await post(key, "/api/admin/keys", body);
  const text = await r.text();
  assert.equal(r.status, 201, text);
  const made = JSON.parse(text);
  enteredSecret(made.secret);
  return made;
}

async function error(r, status, code) {
  const text = await r.text();
  assert.equal(r.status, status, text);
  assert.equal(JSON.parse(text).code, code, text);
}

/** A PowerEPOS connection of a new organization, made by its admin's session. */
async function connection(template = "powerepos", fields = { org_id: "ORG001", username: "svc-org001", password: "svc-pass-001" }) {
  const org = newOrg();
  const r = await call(mint(claims({ provider_org_id: org, role: "admin" })), "/api/connections", {
    method: "POST", body: JSON.stringify({ template, fields }),
  });
  const text = await r.text();
  assert.equal(r.status, 201, text);
  return { org, id: JSON.parse(text).id };
}

test("a key is shown once, kept as a hash, listed with its prefix and never its value", async () => {
  const made = await makeKey({ name: "billing sync", scopes: ["proxy", "onboarding:read"] });
  assert.match(made.secret, KEY_SHAPE);
  assert.ok(made.secret.startsWith(made.key.prefix) && made.key.prefix.length < made.secret.length - 50);
  assert.match(made.key.id, /^key_[a-z2-7]{16}$/);
  assert.deepEqual(made.key.scopes, ["proxy", "onboarding:read"]);
  assert.equal(made.key.hash, undefined);
  assert.equal(made.key.last_used_at ?? null, null);
  const r = await call(ADMIN_API_KEY, "/api/admin/keys");
  const text = await r.text();
  assert.equal(r.status, 200, text);
  assert.ok(!text.includes(made.secret.slice(-52)), "the key's secret part in the list");
  assert.ok(!text.includes('"hash"'), text);
  const listed = JSON.parse(text).keys.find((k) => k.id === made.key.id);
  assert.equal(listed.name, "billing sync");
  // Used once: last_used_at is written.
  assert.equal((await proxyWith(made.secret, PLATFORM)).status, 200);
  const after = JSON.parse(await (await call(ADMIN_API_KEY, "/api/admin/keys")).text()).keys.find((k) => k.id === made.key.id);
  assert.ok(after.last_used_at >= made.key.created_at, JSON.stringify(after));
});

test("a key is refused outside its scopes with a stable code", async () => {
  const reader = await makeKey({ name: "reader", scopes: ["onboarding:read"] });
  await error(await proxyWith(reader.secret, PLATFORM), 403, "insufficient_scope");
  await error(await call(reader.secret, "/api/admin/keys"), 403, "insufficient_scope");
  await error(await call(reader.secret, "/api/admin/credentials"), 403, "insufficient_scope");
  // The admin scope is the operators' key, made at runtime: it can make keys too.
  const operator = await makeKey({ name: "ops", scopes: ["admin"] });
  assert.equal((await call(operator.secret, "/api/admin/credentials")).status, 200);
  const child = await makeKey({ name: "made by ops", scopes: ["proxy"] }, operator.secret);
  assert.match(child.secret, KEY_SHAPE);
  // ... but not the proxy.
  await error(await proxyWith(operator.secret, PLATFORM), 403, "insufficient_scope");
});

test("a key limited to an organization and a template reaches only those", async () => {
  const mine = await connection();
  const theirs = await connection();
  const sd = await connection("streamdiver", { tenant: "acme", client_id: "streamdiver-acme", client_secret: "streamdiver-acme-secret" });
  const key = await makeKey({
    name: "org-a sync", scopes: ["proxy"], organizations: [mine.org, sd.org], targets: ["template:powerepos"],
  });
  assert.equal((await proxyWith(key.secret, `${mine.id}/ping`, mine.org)).status, 200);
  // Another organization's connection, under its own name or under the key's organization.
  await error(await proxyWith(key.secret, `${theirs.id}/ping`, theirs.org), 403, "forbidden_org");
  await error(await proxyWith(key.secret, `${theirs.id}/ping`, mine.org), 403, "forbidden_org");
  // An allowed organization, but a template the key does not name.
  await error(await proxyWith(key.secret, `${sd.id}/v2/tenants/current/settings`, sd.org), 403, "forbidden_target");
  // The platform's own credentials act for no organization: not for a merchant-scoped key.
  await error(await proxyWith(key.secret, PLATFORM), 403, "forbidden_org");
  // A key with no limits reaches them; one limited to a credential id reaches only that one.
  const platform = await makeKey({ name: "platform", scopes: ["proxy"], targets: ["stream"] });
  assert.equal((await proxyWith(platform.secret, PLATFORM)).status, 200);
  await error(await proxyWith(platform.secret, `${mine.id}/ping`, mine.org), 403, "forbidden_target");
});

test("a revoked key stops at once, and a key that does not prove itself is unauthorized", async () => {
  const key = await makeKey({ name: "short-lived", scopes: ["proxy"] });
  assert.equal((await proxyWith(key.secret, PLATFORM)).status, 200);
  const r = await call(ADMIN_API_KEY, `/api/admin/keys/${key.key.id}`, { method: "DELETE" });
  assert.equal(r.status, 204, await r.text());
  await error(await proxyWith(key.secret, PLATFORM), 401, "unauthorized");
  await error(await call(ADMIN_API_KEY, `/api/admin/keys/${key.key.id}`, { method: "DELETE" }), 404, "unknown_key");
  assert.ok(!JSON.parse(await (await call(ADMIN_API_KEY, "/api/admin/keys")).text()).keys.some((k) => k.id === key.key.id));
  // The right id with a wrong secret part, a wrong shape, another prefix: 401 — also once the
  // key has proved itself in this isolate (which then compares with the proven value, not the hash).
  const live = await makeKey({ name: "live", scopes: ["proxy"] });
  assert.equal((await proxyWith(live.secret, PLATFORM)).status, 200);
  const forged = live.secret.slice(0, -4) + (live.secret.endsWith("aaaa") ? "bbbb" : "aaaa");
  for (const bad of [forged, live.secret.replace("gh_test_", "gh_live_"), `${live.secret}x`, "gh_test_nope"]) {
    await error(await proxyWith(bad, PLATFORM), 401, "unauthorized");
  }
  assert.equal((await proxyWith(live.secret, PLATFORM)).status, 200, "the proven key still opens after the forgeries");
  // The deprecated PROXY_API_KEY keeps working.
  assert.equal((await proxyWith(PROXY_API_KEY, PLATFORM)).status, 200);
});

test("a flood of made-up keys from one client is stopped with 429 before the registry; others are not", async () => {
  // Each client its own address (CF-Connecting-IP: the edge sets it; local workerd keeps the one
  // a client sends), so this test's limit is its own.
  const address = () => `203.0.113.${1 + (randomBytes(1)[0] % 250)}`;
  const flooder = address();
  let other = address();
  while (other === flooder) other = address();
  const from = (client, key) => proxyWith(key, PLATFORM, undefined, { "cf-connecting-ip": client });
  const madeUp = () => `gh_test_${base32(10)}_${base32(32)}`;
  const statuses = [];
  for (let i = 0; i < 25; i++) {
    const r = await from(flooder, madeUp());
    const body = JSON.parse(await r.text());
    statuses.push(r.status);
    if (r.status === 429) {
      assert.equal(body.code, "rate_limited");
      assert.equal(r.headers.get("retry-after"), "60");
    } else {
      assert.equal(r.status, 401);
      assert.equal(body.code, "unauthorized");
    }
  }
  const first = statuses.indexOf(429);
  assert.ok(first > 0 && first <= 20, `401 up to the limit (20 a minute), then 429: ${statuses}`);
  assert.ok(statuses.slice(first).every((s) => s === 429), `429 once stopped: ${statuses}`);
  // A real key this isolate has not read yet: the stopped client is refused before the registry
  // is asked; another client is served.
  const key = await makeKey({ name: "flood-neighbour", scopes: ["proxy"] });
  await error(await from(flooder, key.secret), 429, "rate_limited");
  assert.equal((await from(other, key.secret)).status, 200);
  // Now held and proven in this isolate, the key passes for the stopped client too (it costs
  // nothing to check); a made-up one still does not.
  assert.equal((await from(flooder, key.secret)).status, 200);
  await error(await from(flooder, madeUp()), 429, "rate_limited");
  // The deprecated PROXY_API_KEY is not a server key: no registry read, no limit.
  assert.equal((await from(flooder, PROXY_API_KEY)).status, 200);
});

test("rotation gives two live keys until the old one's grace ends", async () => {
  const old = await makeKey({ name: "rotating", scopes: ["proxy"], targets: ["stream"] });
  let r = await post(ADMIN_API_KEY, `/api/admin/keys/${old.key.id}/rotate`);
  let text = await r.text();
  assert.equal(r.status, 201, text);
  const next = JSON.parse(text);
  enteredSecret(next.secret);
  assert.notEqual(next.key.id, old.key.id);
  assert.deepEqual([next.key.name, next.key.scopes, next.key.targets], ["rotating", ["proxy"], ["stream"]]);
  const day = next.previous.expires_at - next.key.created_at;
  assert.ok(day >= 86_399 && day <= 86_401, text);
  for (const k of [old.secret, next.secret]) {
    assert.equal((await proxyWith(k, PLATFORM)).status, 200);
  }
  // Ending the grace now stops the old key at once; the new one keeps working.
  r = await post(ADMIN_API_KEY, `/api/admin/keys/${old.key.id}/rotate`, { expire_old_in_s: 0 });
  text = await r.text();
  assert.equal(r.status, 201, text);
  enteredSecret(JSON.parse(text).secret);
  await error(await proxyWith(old.secret, PLATFORM), 401, "unauthorized");
  assert.equal((await proxyWith(next.secret, PLATFORM)).status, 200);
  await error(await post(ADMIN_API_KEY, `/api/admin/keys/key_${"a".repeat(16)}/rotate`), 404, "unknown_key");
  await error(await post(ADMIN_API_KEY, `/api/admin/keys/${next.key.id}/rotate`, { expire_old_in_s: 31 * 86_400 }), 400, "invalid_key");
});

test("what a new key may ask for is checked", async () => {
  const bad = [
    [{ name: "x", scopes: [] }, 400, "invalid_key"],
    [{ name: "", scopes: ["proxy"] }, 400, "invalid_key"],
    [{ name: "x", scopes: ["admin"], organizations: ["org_1"] }, 400, "invalid_key"],
    [{ name: "x", scopes: ["proxy"], organizations: ["@keys"] }, 400, "invalid_key"],
    [{ name: "x", scopes: ["onboarding:read"], targets: ["stream"] }, 400, "invalid_key"],
    [{ name: "x", scopes: ["root"] }, 400, "invalid_key"],
    [{ name: "x", scopes: ["proxy"], hash: "00" }, 400, "invalid_key"],
  ];
  for (const [body, status, code] of bad) {
    await error(await post(ADMIN_API_KEY, "/api/admin/keys", body), status, code);
  }
  // Nobody without the operators' key makes or lists keys.
  for (const key of ["", "nope", PROXY_API_KEY]) {
    assert.equal((await post(key, "/api/admin/keys", { name: "x", scopes: ["admin"] })).status, 401);
    assert.equal((await call(key, "/api/admin/keys")).status, 401);
  }
});
