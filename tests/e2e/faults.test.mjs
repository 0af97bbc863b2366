// Partner faults (docs/security.md items 8 and 24; issue "prove it holds" §2), injected through the
// sandbox's control surface on the token, SSO, onboarding and proxy calls: 5xx, 429 with
// Retry-After, malformed JSON, HTML and empty bodies, slow answers past the timeout. Each gives
// the caller a clear retryable error, the partner sees a bounded number of calls, and a held
// refresh token is never lost.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { fetch, SANDBOX, WORKER, sandboxControl, resetCredential, proxy, admin } from "./env.mjs";
import { claims, mint } from "./session.mjs";

const requests = async (route) => (await sandboxControl("counters")).requests?.[route] ?? 0;
const owner = () => mint(claims({ provider_org_id: `org_faults_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`, role: "owner" }));

const FAULTS = {
  "503 with a JSON body": { status: 503 },
  "500 with an HTML page": { status: 500, body: "html" },
  "502 with an empty body": { status: 502, body: "empty" },
  "429 with Retry-After": { status: 429, retry_after: 1 },
  "200 with malformed JSON": { body: "malformed" },
  "a connection reset mid-answer": { body: "reset" },
};

async function retryable(r, label) {
  assert.ok([502, 503].includes(r.status), `${label}: status ${r.status}`);
  const body = await r.json();
  assert.equal(body.retryable, true, `${label}: retryable (${body.code})`);
  assert.match(body.code, /^(partner_unavailable|storage_unavailable)$/, label);
}

beforeEach(async () => {
  await sandboxControl("reset", {});
  for (const id of ["stream", "streamdiver-acme"]) assert.equal((await resetCredential(id)).status, 200);
});

test("partner API faults on SSO, onboarding and the proxy: retryable errors, one partner call each", async () => {
  for (const [name, fault] of Object.entries(FAULTS)) {
    // SSO: generate-session.
    await sandboxControl("faults", { route: "stream.sso", times: 1, ...fault });
    let before = await requests("stream.sso");
    let r = await fetch(`${WORKER}/api/sso`, { method: "POST", redirect: "manual", headers: { authorization: `Bearer ${owner()}` } });
    await retryable(r, `sso, ${name}`);
    assert.equal((await requests("stream.sso")) - before, 1, `sso, ${name}: one call`);
    // Onboarding: init.
    await sandboxControl("faults", { route: "stream.onboarding.init", times: 1, ...fault });
    before = await requests("stream.onboarding.init");
    r = await fetch(`${WORKER}/api/onboarding`, {
      method: "POST", headers: { authorization: `Bearer ${owner()}`, "content-type": "application/json" },
      body: JSON.stringify({ source: "square", type: "pos" }),
    });
    await retryable(r, `onboarding, ${name}`);
    assert.equal((await requests("stream.onboarding.init")) - before, 1, `onboarding, ${name}: one call`);
  }
});

test("a partner fault on the proxied API is passed on with its status (and Retry-After), once", async () => {
  assert.equal((await proxy("streamdiver-acme/v2/tenants/current/settings")).status, 200); // warm token
  await sandboxControl("faults", { route: "streamdiver.api", status: 429, retry_after: 7, times: 1 });
  const before = await requests("streamdiver.api");
  const r = await proxy("streamdiver-acme/v2/tenants/current/settings");
  assert.equal(r.status, 429);
  assert.equal(r.headers.get("retry-after"), "7");
  assert.equal((await requests("streamdiver.api")) - before, 1, "not retried by Gatehouse");
  await sandboxControl("faults", { route: "streamdiver.api", status: 503, times: 1 });
  assert.equal((await proxy("streamdiver-acme/v2/tenants/current/settings")).status, 503);
});

test("token endpoint faults: bounded jittered retries, then a retryable error; no refresh token lost", async () => {
  // A held refresh token first (Stream issues one), then every kind of fault on the refresh.
  await sandboxControl("settings", { token_lifetime_s: { stream: 1 } });
  let s = await (await admin("/api/admin/credentials/stream?warm=1")).json();
  assert.equal(s.holds_refresh_token, true);
  for (const [name, fault] of Object.entries(FAULTS)) {
    await new Promise((r) => setTimeout(r, 1100)); // the token expired: the next use refreshes
    await sandboxControl("faults", { route: "stream.token", ...fault }); // until cleared
    const before = await requests("stream.token");
    const r = await admin("/api/admin/credentials/stream?warm=1");
    await retryable(r, `token, ${name}`);
    const calls = (await requests("stream.token")) - before;
    assert.ok(calls >= 1 && calls <= 3, `token, ${name}: ${calls} calls (at most 3 attempts)`);
    await fetch(`${SANDBOX}/_control/faults`, { method: "DELETE" });
    s = await (await admin("/api/admin/credentials/stream")).json();
    assert.equal(s.holds_refresh_token, true, `token, ${name}: the refresh token is kept`);
  }
  // The partner is back: the kept refresh token works (no new grant needed).
  await new Promise((r) => setTimeout(r, 1100));
  const r = await admin("/api/admin/credentials/stream?warm=1");
  assert.equal(r.status, 200);
  assert.equal((await r.json()).state, "valid");
});

test("a partner slower than the 10 s timeout is a retryable timeout, not a hang", { timeout: 60_000 }, async () => {
  assert.equal((await proxy("streamdiver-acme/v2/tenants/current/settings")).status, 200); // warm token
  await sandboxControl("faults", { route: "streamdiver.api", latency_ms: 15_000, times: 1 });
  const t0 = Date.now();
  const r = await proxy("streamdiver-acme/v2/tenants/current/settings");
  const ms = Date.now() - t0;
  await retryable(r, "slow proxy");
  assert.ok(ms >= 9_000 && ms < 14_000, `gave up after ${ms} ms`);
});

test("a partner body slower than the timeout (SSO, onboarding, token) is a retryable error, not a hang", { timeout: 120_000 }, async () => {
  for (const [route, call] of [
    ["stream.sso", () => fetch(`${WORKER}/api/sso`, { method: "POST", redirect: "manual", headers: { authorization: `Bearer ${owner()}` } })],
    ["stream.onboarding.init", () => fetch(`${WORKER}/api/onboarding`, {
      method: "POST", headers: { authorization: `Bearer ${owner()}`, "content-type": "application/json" },
      body: JSON.stringify({ source: "square", type: "pos" }),
    })],
  ]) {
    await sandboxControl("faults", { route, slow_body_ms: 12_000, times: 1 });
    const t0 = Date.now();
    const r = await call();
    await retryable(r, `${route} slow body`);
    assert.ok(Date.now() - t0 < 14_000, `${route}: gave up in time`);
  }
});
