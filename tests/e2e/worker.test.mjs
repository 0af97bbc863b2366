// The built worker in workerd (wrangler dev) against the sandbox: health, errors, CORS, and a
// route on which the worker talks to a partner (a Stream token through the credential's
// Durable Object).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fetch, PAGE_ORIGIN, WORKER, SANDBOX, OUT, ADMIN_API_KEY, SECRET_VALUES, admin, sandboxControl } from "./env.mjs";

test("health answers JSON with the version and mode", async () => {
  const r = await fetch(`${WORKER}/api/health`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-type"), /application\/json/);
  assert.equal(r.headers.get("cache-control"), "no-store");
  const body = await r.json();
  assert.deepEqual(Object.keys(body).sort(), ["mode", "service", "status", "version"]);
  assert.equal(body.status, "ok");
  assert.equal(body.service, "gatehouse");
  assert.match(body.version, /^\d+\.\d+\.\d+/);
  assert.equal(body.mode, "development");
});

test("unknown routes and wrong methods get a stable JSON error code", async () => {
  let r = await fetch(`${WORKER}/api/nope`);
  assert.equal(r.status, 404);
  assert.equal((await r.json()).code, "not_found");
  r = await fetch(`${WORKER}/api/health`, { method: "POST", body: "{" });
  assert.equal(r.status, 405);
  assert.equal((await r.json()).code, "method_not_allowed");
});

test("the credential route is key-protected", async () => {
  for (const key of [null, "wrong-key", ""]) {
    const r = await admin("/api/admin/credentials/stream", key);
    assert.equal(r.status, 401, `key ${key}`);
    assert.equal((await r.json()).code, "unauthorized");
  }
  const r = await admin("/api/admin/credentials/not-configured");
  assert.equal(r.status, 404);
  assert.equal((await r.json()).code, "unknown_credential");
});

test("the worker obtains a Stream token from the partner, reports it without the token, and caches it", async () => {
  await sandboxControl("reset", {});
  await fetch(`${WORKER}/api/admin/credentials/stream/reset`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_API_KEY}` } });
  // A partner that keeps failing: a clear retryable error after a bounded number of attempts.
  await sandboxControl("faults", [{ route: "stream.token", status: 503 }]);
  let r = await admin("/api/admin/credentials/stream?warm=1");
  assert.equal(r.status, 502);
  let body = await r.json();
  assert.equal(body.code, "partner_unavailable");
  assert.equal(body.retryable, true);
  await fetch(`${SANDBOX}/_control/faults`, { method: "DELETE" });

  r = await admin("/api/admin/credentials/stream?warm=1");
  assert.equal(r.status, 200);
  const text = await r.text();
  body = JSON.parse(text);
  assert.equal(body.credential, "stream");
  assert.equal(body.state, "valid");
  assert.ok(body.expires_in_s > 3500 && body.expires_in_s <= 3600, `expires_in_s ${body.expires_in_s}`);
  assert.deepEqual([...body.scopes].sort(), ["onboarding", "sso", "user"]);
  assert.ok(!/"access_token"|"refresh_token"|sandbox-stream-secret/.test(text), "no token or secret in the answer");

  // Cached: a second status call makes no further token call upstream.
  r = await admin("/api/admin/credentials/stream?warm=1");
  assert.equal(r.status, 200);
  const counters = await sandboxControl("counters");
  assert.equal(counters.token_calls["sandbox-stream-client"], 4, "three failed attempts + one success");
});

test("CORS allows exactly the configured origins and never reflects others", async () => {
  const good = PAGE_ORIGIN;
  let r = await fetch(`${WORKER}/api/health`, { headers: { origin: good } });
  assert.equal(r.headers.get("access-control-allow-origin"), good);
  // A page's script may read the entity tag, the poll hints and the request id (what the
  // worker's log lines carry, so a GatehouseError's requestId can be looked up).
  assert.deepEqual(r.headers.get("access-control-expose-headers").split(/,\s*/).sort(),
    ["etag", "retry-after", "x-poll-interval", "x-request-id"]);
  assert.match(r.headers.get("x-request-id"), /^[0-9a-f]{16}$/);
  for (const bad of ["https://evil.example", `${PAGE_ORIGIN}.evil.example`, "null"]) {
    r = await fetch(`${WORKER}/api/health`, { headers: { origin: bad } });
    assert.equal(r.headers.get("access-control-allow-origin"), null, bad);
    r = await fetch(`${WORKER}/api/health`, { method: "OPTIONS", headers: { origin: bad, "access-control-request-method": "POST" } });
    assert.equal(r.status, 403, bad);
    assert.equal((await r.json()).code, "origin_not_allowed");
  }
  r = await fetch(`${WORKER}/api/health`, { method: "OPTIONS", headers: { origin: good, "access-control-request-method": "POST" } });
  assert.equal(r.status, 204);
  assert.equal(r.headers.get("access-control-allow-origin"), good);
});

test("in development mode a loopback origin (a portal developer's dev server) is allowed too", async () => {
  // The test stack runs with GATEHOUSE_MODE=development; staging and production allow exactly
  // ALLOWED_ORIGINS (core origins.rs unit tests).
  for (const dev of ["http://localhost:5173", "http://127.0.0.1:3000", "http://[::1]:8080"]) {
    const r = await fetch(`${WORKER}/api/health`, { method: "OPTIONS", headers: { origin: dev, "access-control-request-method": "POST" } });
    assert.equal(r.status, 204, dev);
    assert.equal(r.headers.get("access-control-allow-origin"), dev);
  }
  for (const bad of ["http://localhost.evil.example:5173", "http://localhost:5173.evil.example"]) {
    const r = await fetch(`${WORKER}/api/health`, { headers: { origin: bad } });
    assert.equal(r.headers.get("access-control-allow-origin"), null, bad);
  }
});

test("pages are served from www/ with a Content-Security-Policy", async () => {
  const r = await fetch(`${WORKER}/`);
  assert.equal(r.status, 200);
  assert.match(await r.text(), /<title>Gatehouse/);
  const csp = r.headers.get("content-security-policy") ?? "";
  for (const d of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "'wasm-unsafe-eval'"]) {
    assert.ok(csp.includes(d), `CSP has ${d}: ${csp}`);
  }
});

test("operators list every credential's health, without a token or a secret", async () => {
  const r = await admin("/api/admin/credentials");
  assert.equal(r.status, 200);
  const text = await r.text();
  for (const s of SECRET_VALUES) assert.ok(!text.includes(s), "no secret in the list");
  assert.ok(!/"access_token"|"refresh_token"/.test(text), "no token field (holds_refresh_token is a yes/no)");
  const { credentials } = JSON.parse(text);
  const ids = credentials.map((c) => c.credential);
  for (const id of ["stream", "omniretain-company-1", "streamdiver-acme", "powerepos-org001"]) assert.ok(ids.includes(id), id);
  assert.ok(credentials.every((c) => typeof c.state === "string"));
  assert.equal((await admin("/api/admin/credentials", null)).status, 401, "key-protected");
});

test("every answer has a request id, and the worker's log lines for it carry the same id", async () => {
  const r = await fetch(`${WORKER}/api/dev/session`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
  assert.equal(r.status, 400);
  const id = r.headers.get("x-request-id");
  assert.match(id, /^[0-9a-f]{16}$/);
  await new Promise((res) => setTimeout(res, 500));
  const lines = readFileSync(`${OUT}/logs/worker.log`, "utf8").split("\n").filter((l) => l.includes(`"request_id":"${id}"`));
  assert.ok(lines.some((l) => l.includes('"code":"invalid_request"')), "the error line");
  assert.ok(lines.some((l) => l.includes('"path":"/api/dev/session"')), "the access line");
  for (const l of lines) assert.doesNotThrow(() => JSON.parse(l.slice(l.indexOf("{"))), "structured JSON");
});

test("lines written inside a Durable Object carry the id of the request that caused them", async () => {
  const id = "omniretain-wrong-password";
  assert.equal((await fetch(`${WORKER}/api/admin/credentials/${id}/reset`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_API_KEY}` } })).status, 200);
  const r = await admin(`/api/admin/credentials/${id}?warm=1`);
  assert.equal(r.status, 502);
  const rid = r.headers.get("x-request-id");
  await new Promise((res) => setTimeout(res, 500));
  const lines = readFileSync(`${OUT}/logs/worker.log`, "utf8").split("\n").filter((l) => l.includes(`"request_id":"${rid}"`));
  // The broker's own line (written in its Durable Object), beside the worker's access line.
  assert.ok(lines.some((l) => l.includes('"token_failure":"needs_reauth"') && l.includes(`"credential":"${id}"`)), lines.join("\n"));
  assert.ok(lines.some((l) => l.includes(`"path":"/api/admin/credentials/${id}"`)), "the access line");
});
