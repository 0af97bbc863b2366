// A faithful proxy (docs/server.md, issue 15 §3): end-to-end headers pass both ways by core's
// allowlist (gatehouse_core::proxy) — caching validators, pagination, rate limits, idempotency
// keys, content negotiation — while credentials, cookies, hop-by-hop, forwarding and Gatehouse's
// own headers never do; every method the credential's allowlist names is forwarded with its
// body. The sandbox's OmniRetain member API answers what it received (`echo`) and pages a list
// with ETag, Link and rate-limit headers.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { proxy, sandboxControl, resetCredential } from "./env.mjs";

// Each file starts from a fresh partner and fresh tokens (no reliance on what ran before).
before(async () => {
  await sandboxControl("reset", {});
  assert.equal((await resetCredential("omniretain-company-1")).status, 200);
});

const BASE = "omniretain-company-1/api/v1/member";

test("pagination, validators and rate limits come back; a matching If-None-Match is a 304", async () => {
  let r = await proxy(`${BASE}/list?page=1`);
  assert.equal(r.status, 200, await r.clone().text());
  const etag = r.headers.get("etag");
  assert.match(etag, /^"members-\d+-p1"$/);
  assert.match(r.headers.get("link"), /<http:\/\/127\.0\.0\.1:\d+\/omniretain\/api\/v1\/member\/list\?page=2>; rel="next"/);
  assert.equal(r.headers.get("ratelimit-limit"), "100");
  assert.equal(r.headers.get("ratelimit-remaining"), "99");
  assert.equal(r.headers.get("x-ratelimit-reset"), "60");
  assert.equal(r.headers.get("cache-control"), "no-store");
  assert.match(r.headers.get("content-type"), /^application\/json/);
  assert.deepEqual((await r.json()).results.map((m) => m.id), [1, 2]);

  r = await proxy(`${BASE}/list?page=1`, { headers: { "if-none-match": etag } });
  assert.equal(r.status, 304);
  assert.equal(r.headers.get("etag"), etag);
  assert.equal(await r.text(), "");
  r = await proxy(`${BASE}/list?page=3`);
  assert.equal(r.headers.get("link"), null, "no next page");
});

test("the caller's end-to-end headers reach the partner; its credentials and Gatehouse's own do not", async () => {
  const r = await proxy(`${BASE}/echo`, {
    headers: {
      accept: "application/vnd.omni.v2+json",
      "accept-language": "fr-CH",
      "idempotency-key": "key-7",
      prefer: "return=minimal",
      "if-match": '"v3"',
      cookie: "portal_session=abc",
      "x-forwarded-for": "203.0.113.9",
      "x-custom-trace": "t-1",
      "gatehouse-organization": "org_x",
    },
  });
  const text = await r.text();
  assert.equal(r.status, 200, text);
  const seen = JSON.parse(text);
  assert.equal(seen.method, "GET");
  for (const [name, value] of [["accept", "application/vnd.omni.v2+json"], ["accept-language", "fr-CH"],
    ["idempotency-key", "key-7"], ["prefer", "return=minimal"], ["if-match", '"v3"']]) {
    assert.equal(seen.headers[name], value, name);
  }
  // The partner got the credential's token, never the caller's proxy key.
  assert.equal(seen.headers.authorization, "bearer token");
  for (const name of ["cookie", "x-forwarded-for", "x-custom-trace", "gatehouse-organization"]) {
    assert.equal(seen.headers[name], undefined, name);
  }
  // Back: deprecation notices pass; the partner's cookie and internal headers do not.
  assert.equal(r.headers.get("sunset"), "Wed, 31 Dec 2036 23:59:59 GMT");
  assert.equal(r.headers.get("deprecation"), "true");
  assert.equal(r.headers.get("set-cookie"), null);
  assert.equal(r.headers.get("x-internal-debug"), null);
});

test("every method the allowlist names is forwarded with its body; others are refused", async () => {
  for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
    const body = JSON.stringify({ method, n: 1 });
    const r = await proxy(`${BASE}/echo`, { method, headers: { "content-type": "application/json" }, body });
    const text = await r.text();
    assert.equal(r.status, 200, `${method}: ${text}`);
    const seen = JSON.parse(text);
    assert.equal(seen.method, method);
    assert.equal(seen.body, body);
    assert.equal(seen.headers["content-type"], "application/json");
  }
  // The allowlist gives PATCH to `echo` only.
  const r = await proxy(`${BASE}/list`, { method: "PATCH", headers: { "content-type": "application/json" }, body: "{}" });
  assert.equal(r.status, 403);
  assert.equal((await r.json()).code, "proxy_path_not_allowed");
});
