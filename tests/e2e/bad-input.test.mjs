// The bad-input matrix (docs/security.md item 22; issue "prove it holds" §4): every route that takes
// input × malformed JSON, wrong types, an oversized body, an unknown enum value, a missing
// field, a wrong content type and a hostile Origin → a 4xx with a stable JSON error code, never a
// 500; and an open-redirect corpus against every redirecting route → never off the allowlist.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fetch, PAGE_ORIGIN, WORKER, ADMIN_API_KEY, PROXY_API_KEY, sandboxControl, resetCredential } from "./env.mjs";
import { claims, mint } from "./session.mjs";

const session = mint(claims({ provider_org_id: `org_badinput_${process.pid}`, role: "owner" }));
const auth = { authorization: `Bearer ${session}` };
let onboardingId = "onb_missing";

before(async () => {
  await sandboxControl("reset", {});
  await resetCredential("stream");
  const r = await fetch(`${WORKER}/api/onboarding`, {
    method: "POST", headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ source: "square", type: "pos" }),
  });
  onboardingId = (await r.json()).onboarding.id;
});

const BIG = JSON.stringify({ pad: "x".repeat(200_000) });
const PAYLOADS = {
  "malformed JSON": ["application/json", '{"source": "square",'],
  // Each route's own fields, wrongly typed.
  "wrong types": ["application/json", '{"source": 5, "type": true, "locations": "no", "user": 7, "provider_org_id": 5, "role": [], "session": {}}'],
  "oversized body": ["application/json", BIG],
  "unknown enum value": ["application/json", '{"source": "square", "type": "kiosk", "locations": [{"external_id": 1}]}'],
  "missing fields": ["application/json", "{}"],
  "wrong content type": ["text/plain", "hello"],
  "an array instead of an object": ["application/json", "[1,2,3]"],
  "a JSON string": ["application/json", '"hello"'],
  "NUL and control characters": ["application/json", '{"source": "sq\\u0000uare", "type": "pos\\n", "user": "to\\u0000ny", "provider_org_id": "org\\u0000"}'],
};

// Routes whose body is parsed, with the credentials they need.
const BODY_ROUTES = [
  ["POST", "/api/onboarding", auth],
  ["POST", () => `/api/onboarding/${onboardingId}/locations/ingest`, auth],
  ["POST", () => `/api/onboarding/${onboardingId}/locations/bind`, auth],
  ["POST", "/api/dev/session", {}],
  ["POST", "/api/sso", auth],
  ["POST", "/api/connections", auth],
  ["PUT", `/api/connections/con_${"a".repeat(26)}`, auth],
];

async function expect4xx(r, label) {
  assert.ok(r.status >= 400 && r.status < 500, `${label}: status ${r.status}`);
  assert.match(r.headers.get("content-type") ?? "", /application\/json/, `${label}: JSON error`);
  const body = await r.json();
  assert.match(body.code, /^[a-z_]+$/, `${label}: stable code`);
  assert.equal(typeof body.retryable, "boolean", label);
  return body.code;
}

test("every body-taking route × every malformed payload → 4xx with a stable JSON code, never 500", async () => {
  const seen = {};
  for (const [method, p, headers] of BODY_ROUTES) {
    const path = typeof p === "function" ? p() : p;
    for (const [kind, [type, body]] of Object.entries(PAYLOADS)) {
      // SSO ignores fields it does not know and takes no required field: an empty object or a
      // well-formed one is a valid request, not bad input.
      if (path === "/api/sso" && ["missing fields", "unknown enum value"].includes(kind)) continue;
      const label = `${method} ${p === path ? path : path.replace(onboardingId, "{id}")} with ${kind}`;
      const r = await fetch(`${WORKER}${path}`, { method, redirect: "manual", headers: { ...headers, "content-type": type }, body });
      seen[label] = await expect4xx(r, label);
    }
  }
  assert.ok(Object.keys(seen).length >= 40, "the matrix ran");
});

test("a hostile Origin is refused on every state-changing browser route", async () => {
  const evil = { origin: "https://evil.example" };
  for (const [method, path, headers, body] of [
    ["POST", "/api/onboarding", auth, '{"source":"square","type":"pos"}'],
    ["POST", "/api/sso", auth, ""],
    ["POST", "/api/session", auth, ""],
    ["POST", "/api/connections", auth, '{"template":"powerepos","fields":{}}'],
    ["PUT", `/api/connections/con_${"a".repeat(26)}`, auth, '{"fields":{}}'],
    ["DELETE", `/api/connections/con_${"a".repeat(26)}`, auth, undefined],
    ["POST", "/api/dev/session", {}, '{"user":"tony"}'],
    ["POST", () => `/api/onboarding/${onboardingId}/revoke`, auth, ""],
    ["GET", () => `/api/onboarding/${onboardingId}`, auth, undefined],
  ]) {
    const p = typeof path === "function" ? path() : path;
    const r = await fetch(`${WORKER}${p}`, { method, redirect: "manual", headers: { ...headers, ...evil, "content-type": "application/json" }, body });
    assert.equal(r.status, 403, `${method} ${p}`);
    assert.equal(await expect4xx(r, p), "origin_not_allowed");
    assert.equal(r.headers.get("access-control-allow-origin"), null, "never reflected");
  }
});

test("unknown routes, wrong methods and bad ids on every resource → 404/405 JSON", async () => {
  for (const [method, path, headers, status] of [
    ["GET", "/api/nope", {}, 404],
    ["DELETE", "/api/health", {}, 405],
    ["PUT", "/api/onboarding", auth, 405],
    ["DELETE", "/api/sso", auth, 405],
    ["GET", "/api/onboarding/..%2F..%2Fetc", auth, 404],
    ["GET", `/api/onboarding/${"x".repeat(500)}`, auth, 404],
    ["GET", "/api/admin/credentials/nope", { authorization: `Bearer ${ADMIN_API_KEY}` }, 404],
    ["GET", "/api/proxy/nope/x", { authorization: `Bearer ${PROXY_API_KEY}` }, 404],
    ["GET", "/api/dev/nope", {}, 404],
    ["GET", "/api/connections/..%2F..%2Fetc", auth, 404],
    ["GET", `/api/connections/con_${"x".repeat(500)}`, auth, 404],
    ["PATCH", `/api/connections/con_${"a".repeat(26)}`, auth, 405],
  ]) {
    const r = await fetch(`${WORKER}${path}`, { method, headers });
    assert.equal(r.status, status, `${method} ${path}`);
    await expect4xx(r, `${method} ${path}`);
  }
});

// Open-redirect corpus: what an attacker might put where a URL is expected.
const HOSTILE = [
  "https://evil.example/", "//evil.example/", "\\\\evil.example", "/\\evil.example", "https:evil.example",
  "HTTPS://EVIL.EXAMPLE", `${WORKER}@evil.example/onboarding`, `${WORKER}/onboarding@evil.example`,
  `${WORKER}/onboarding/../../evil`, `${WORKER}/onboarding%2F..%2Fevil`,
  `${WORKER}/onboarding#@evil.example`, `${WORKER}/onboarding?next=https://evil.example`,
  "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
  `${WORKER}/ONBOARDING`, `${WORKER}/onboarding%00`, `${WORKER}/onboarding\t`,
  `${WORKER}/onboarding\r\nLocation: https://evil.example`, `https://evil.example%2F@${new URL(WORKER).host}/onboarding`,
];
const ALLOWED = [`${WORKER}/onboarding`, `${PAGE_ORIGIN}/onboarding`];
const onAllowlist = (location) => {
  const u = new URL(location);
  return ALLOWED.includes(`${u.origin}${u.pathname}`) && u.username === "" && u.password === "";
};

test("open-redirect corpus: return pages are refused; the return handler never leaves the allowlist", async () => {
  for (const page of HOSTILE) {
    const r = await fetch(`${WORKER}/api/onboarding`, {
      method: "POST", headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ source: "square", type: "pos", return_page: page }),
    });
    assert.equal(r.status, 400, page);
    assert.equal(await expect4xx(r, page), "return_page_not_allowed");
  }
  for (const extra of HOSTILE) {
    for (const param of ["return_url", "next", "redirect_uri", "state", "error"]) {
      const r = await fetch(`${WORKER}/api/onboarding/return?${param}=${encodeURIComponent(extra)}&code=x`, { redirect: "manual" });
      assert.equal(r.status, 303, `${param}=${extra}`);
      assert.ok(onAllowlist(r.headers.get("location")), `${param}=${extra} → ${r.headers.get("location")}`);
    }
  }
});

test("every operators' route of the OpenAPI document refuses a portal session and no key (401)", async () => {
  const doc = JSON.parse(readFileSync(new URL("../../www/openapi.json", import.meta.url), "utf8"));
  let checked = 0;
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op.security?.some((s) => "admin" in s)) continue;
      const url = `${WORKER}${path.replace(/\{[^}]+\}/g, "x1")}`;
      for (const headers of [auth, {}]) {
        const r = await fetch(url, { method: method.toUpperCase(), headers: { ...headers, "content-type": "application/json" },
          body: ["post", "patch", "put"].includes(method) ? "{}" : undefined });
        assert.equal(r.status, 401, `${method.toUpperCase()} ${path}`);
        assert.equal((await r.json()).code, "unauthorized", `${method.toUpperCase()} ${path}`);
      }
      checked++;
    }
  }
  assert.ok(checked >= 9, `${checked} operators' operations`);
});
