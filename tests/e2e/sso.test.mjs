// White-label SSO behind portal sessions (docs/security.md items 11–13, 18–19), in workerd against
// the sandbox's Stream: session verification (HS256, ES256, RS256 and every refusal), the 303
// redirect and its headers, org/role/user taken only from the session, the per-user rate limit,
// the cookie exchange and its Origin checks, partner failures.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { fetch, PAGE_ORIGIN, SANDBOX, WORKER, sandboxControl, resetCredential } from "./env.mjs";
import { claims, mint, rsaPublicPem, SESSION_SECRET } from "./session.mjs";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";

const OWN = WORKER;
const sso = (init = {}) => fetch(`${WORKER}/api/sso`, { method: "POST", redirect: "manual", ...init });
const bearer = (token, extra = {}) => ({ authorization: `Bearer ${token}`, ...extra });
const ssoCalls = async () => (await sandboxControl("counters")).requests?.["stream.sso"] ?? 0;

async function errorCode(r) {
  assert.match(r.headers.get("content-type") ?? "", /application\/json/);
  const body = await r.json();
  assert.equal(typeof body.message, "string");
  return body.code;
}

beforeEach(async () => {
  await sandboxControl("reset", {});
  assert.equal((await resetCredential("stream")).status, 200);
});

test("a verified session opens the white-label app: 303, no-store, no-referrer, one use only", async () => {
  const c = claims({ name: "Sarah Johnson", provider_org_id: "restaurant_chain_abc_123", role: "manager" });
  const r = await sso({ headers: bearer(mint(c)) });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get("cache-control"), "no-store");
  assert.equal(r.headers.get("referrer-policy"), "no-referrer");
  const location = r.headers.get("location");
  assert.ok(location.startsWith(`${SANDBOX}/white-label/redirect/sso?code=`), location);
  assert.match(location, /\/white-label\/redirect\/sso\?code=[^&]+$/);
  assert.equal(await r.text(), "", "the token is only in Location, never in a body");
  const page = await fetch(location);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /Sarah Johnson/);
  assert.match(html, /restaurant_chain_abc_123/);
  assert.match(html, />manager</);
  const again = await fetch(location);
  assert.equal(again.status, 400);
  assert.match(await again.text(), /sso_token_redeemed/);
});

test("ES256 and RS256 sessions verify against the configured JWKS; HS256 against the secret", async () => {
  for (const alg of ["HS256", "ES256", "RS256"]) {
    const c = claims();
    const r = await fetch(`${WORKER}/api/session`, { headers: bearer(mint(c, { alg })) });
    assert.equal(r.status, 200, alg);
    const p = await r.json();
    assert.equal(p.user_id, c.sub, alg);
    assert.equal(p.provider_org_id, c.provider_org_id);
    assert.equal(p.role, "manager");
  }
});

test("forged, expired, wrong-audience, wrong-issuer, none and confused-algorithm sessions are refused", async () => {
  const now = Math.floor(Date.now() / 1000);
  const cases = {
    "forged (wrong secret)": [mint(claims(), { secret: "not-the-secret-0123456789abcdef-xx" }), "invalid_session"],
    "tampered payload": [(() => { const [h, , s] = mint(claims()).split("."); return `${h}.${Buffer.from(JSON.stringify(claims({ role: "owner" }))).toString("base64url")}.${s}`; })(), "invalid_session"],
    expired: [mint(claims({ iat: now - 900, nbf: now - 900, exp: now - 600 })), "session_expired"],
    "not yet valid": [mint(claims({ nbf: now + 600 })), "invalid_session"],
    "too long-lived": [mint(claims({ exp: now + 7 * 24 * 3600 })), "invalid_session"],
    "wrong audience": [mint(claims({ aud: "another-app" })), "invalid_session"],
    "wrong issuer": [mint(claims({ iss: "https://evil.example" })), "invalid_session"],
    "alg none": [mint(claims(), { alg: "none" }), "invalid_session"],
    "alg none, empty signature kept": [`${mint(claims(), { alg: "none" })}`.replace(/\.$/, "."), "invalid_session"],
    // HS/RS confusion: HS256 signed with the RSA public key as the HMAC secret.
    "HS256 with the RSA public key": [mint(claims(), { secret: rsaPublicPem() }), "invalid_session"],
    // An RS256 header pointing at the ES256 key: the key is pinned to ES256.
    "alg/key mismatch": [mint(claims(), { alg: "RS256", header: { kid: "test-es256" } }), "invalid_session"],
    "unknown kid": [mint(claims(), { alg: "ES256", header: { kid: "nope" } }), "invalid_session"],
    // A header never brings its own key: jku/x5u/jwk are not read, kid picks configured keys only.
    "jku and an embedded jwk": [mint(claims(), { alg: "HS256", secret: "attacker-key-0123456789abcdef-0123", header: { jku: "https://evil.example/jwks", x5u: "https://evil.example/c", jwk: { kty: "oct", k: Buffer.from("attacker-key-0123456789abcdef-0123").toString("base64url") } } }), "invalid_session"],
    "unknown role": [mint(claims({ role: "superuser" })), "invalid_session"],
    "bad email": [mint(claims({ email: "not-an-email" })), "invalid_session"],
    "bad phone": [mint(claims({ phone_number: "call me" })), "invalid_session"],
    "bad org id": [mint(claims({ provider_org_id: "a/b?c" })), "invalid_session"],
    garbage: ["not.a.jwt", "invalid_session"],
  };
  const before = await ssoCalls();
  for (const [name, [token, code]] of Object.entries(cases)) {
    const r = await sso({ headers: bearer(token) });
    assert.equal(r.status, 401, name);
    assert.equal(await errorCode(r), code, name);
  }
  const none = await sso({});
  assert.equal(none.status, 401);
  assert.equal(await errorCode(none), "session_required");
  assert.equal(await ssoCalls(), before, "no refused session reached the partner");
});

test("a session header with crit is refused (RFC 7515 §4.1.11), signature valid or not", async () => {
  const before = await ssoCalls();
  for (const crit of [["exp"], ["b64"], [], "x"]) {
    const token = mint(claims(), { header: { crit, exp: 1, b64: true } });
    const r = await sso({ headers: bearer(token) });
    assert.equal(r.status, 401, JSON.stringify(crit));
    assert.equal(await errorCode(r), "invalid_session");
    const s = await fetch(`${WORKER}/api/session`, { headers: bearer(token) });
    assert.equal(s.status, 401);
  }
  // The same claims and key without `crit` are accepted: the header alone made the difference.
  const ok = await sso({ headers: bearer(mint(claims(), { header: { exp: 1 } })) });
  assert.equal(ok.status, 303);
  assert.equal(await ssoCalls(), before + 1);
});

test("identity, org and role come only from the session: org B, a higher role or another user is 403", async () => {
  const token = mint(claims({ provider_org_id: "org_alpha_001", role: "manager" }));
  const json = (body) => sso({ headers: bearer(token, { "content-type": "application/json" }), body: JSON.stringify(body) });
  const before = await ssoCalls();
  let r = await json({ provider_org_id: "org_beta_002" });
  assert.equal(r.status, 403);
  assert.equal(await errorCode(r), "forbidden_org");
  r = await json({ role: "owner" });
  assert.equal(r.status, 403);
  assert.equal(await errorCode(r), "forbidden_role");
  r = await json({ email: "ceo@portal.example" });
  assert.equal(r.status, 403);
  assert.equal(await errorCode(r), "forbidden_user");
  // The same through a form body.
  r = await sso({ headers: bearer(token, { "content-type": "application/x-www-form-urlencoded" }), body: "provider_org_id=org_beta_002" });
  assert.equal(await errorCode(r), "forbidden_org");
  // A role the deployment does not let open the dashboard (SSO_ALLOWED_ROLES excludes custom).
  r = await sso({ headers: bearer(mint(claims({ role: "custom" }))) });
  assert.equal(r.status, 403);
  assert.equal(await errorCode(r), "forbidden_role");
  assert.equal(await ssoCalls(), before, "nothing reached the partner");
  // Matching values are harmless.
  r = await json({ provider_org_id: "org_alpha_001", role: "manager" });
  assert.equal(r.status, 303);
});

test("bad bodies get a 4xx with a stable code", async () => {
  const token = mint(claims());
  let r = await sso({ headers: bearer(token, { "content-type": "application/json" }), body: "{not json" });
  assert.equal(r.status, 400);
  assert.equal(await errorCode(r), "invalid_request");
  r = await sso({ headers: bearer(token, { "content-type": "text/plain" }), body: "hello" });
  assert.equal(await errorCode(r), "invalid_request");
  r = await sso({ headers: bearer(token, { "content-type": "application/json" }), body: JSON.stringify({ pad: "x".repeat(20_000) }) });
  assert.equal(r.status, 413);
  assert.equal(await errorCode(r), "payload_too_large");
  r = await fetch(`${WORKER}/api/sso`, { headers: bearer(token) });
  assert.equal(r.status, 405);
});

test("SSO is rate limited per user: the sixth in a minute is 429, another user is unaffected", async () => {
  const mine = claims();
  const statuses = [];
  for (let i = 0; i < 6; i++) statuses.push((await sso({ headers: bearer(mint(mine)) })).status);
  assert.deepEqual(statuses, [303, 303, 303, 303, 303, 429]);
  const r = await sso({ headers: bearer(mint(mine)) });
  assert.equal(await errorCode(r), "rate_limited");
  assert.equal(r.headers.get("retry-after"), "60");
  assert.equal((await sso({ headers: bearer(mint(claims())) })).status, 303, "another user");
});

test("the session cookie: __Host-, Secure, HttpOnly, SameSite=Strict; state changes need an allowed Origin", async () => {
  const c = claims();
  const r = await fetch(`${WORKER}/api/session`, { method: "POST", headers: bearer(mint(c), { origin: OWN }) });
  assert.equal(r.status, 200);
  const cookie = r.headers.get("set-cookie");
  assert.match(cookie, /^__Host-gatehouse_session=[^;]+; Path=\/; Secure; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
  const jar = cookie.split(";")[0];
  assert.equal((await fetch(`${WORKER}/api/session`, { headers: { cookie: jar } })).status, 200);
  let s = await sso({ headers: { cookie: jar, origin: OWN } });
  assert.equal(s.status, 303, "same origin");
  s = await sso({ headers: { cookie: jar, origin: "https://evil.example" } });
  assert.equal(s.status, 403);
  assert.equal(await errorCode(s), "origin_not_allowed");
  s = await sso({ headers: { cookie: jar } });
  assert.equal(s.status, 403, "a cookie without Origin or Sec-Fetch-Site is not enough");
  s = await sso({ headers: { cookie: jar, "sec-fetch-site": "same-origin" } });
  assert.equal(s.status, 303);
  // `Origin: null` (a form POST from a page with Referrer-Policy: no-referrer): only the
  // browser's own Sec-Fetch-Site can vouch for it.
  s = await sso({ headers: { cookie: jar, origin: "null", "sec-fetch-site": "same-origin" } });
  assert.equal(s.status, 303);
  s = await sso({ headers: { cookie: jar, origin: "null", "sec-fetch-site": "cross-site" } });
  assert.equal(s.status, 403);
  const out = await fetch(`${WORKER}/api/session`, { method: "DELETE", headers: { cookie: jar, origin: OWN } });
  assert.equal(out.status, 204);
  assert.match(out.headers.get("set-cookie"), /Max-Age=0/);
});

test("the SSO button's form POST carries the session as a field, from allowed origins only", async () => {
  const form = (origin) => sso({
    headers: { "content-type": "application/x-www-form-urlencoded", origin },
    body: new URLSearchParams({ session: mint(claims()) }).toString(),
  });
  assert.equal((await form(PAGE_ORIGIN)).status, 303, "an allowed partner page");
  const r = await form("https://evil.example");
  assert.equal(r.status, 403);
  assert.equal(await errorCode(r), "origin_not_allowed");
});

test("partner failures: 5xx and 429 are retryable partner_unavailable; a 401 is retried once with a new token", async () => {
  await sandboxControl("faults", { route: "stream.sso", status: 503, times: 1 });
  let r = await sso({ headers: bearer(mint(claims())) });
  assert.equal(r.status, 502);
  const body = await r.json();
  assert.equal(body.code, "partner_unavailable");
  assert.equal(body.retryable, true);
  await sandboxControl("faults", { route: "stream.sso", status: 429, retry_after: 3, times: 1 });
  r = await sso({ headers: bearer(mint(claims())) });
  assert.equal(await errorCode(r), "partner_unavailable");
  await sandboxControl("faults", { route: "stream.sso", status: 401, times: 1 });
  const before = await ssoCalls();
  r = await sso({ headers: bearer(mint(claims())) });
  assert.equal(r.status, 303, "refreshed token, one retry");
  assert.equal((await ssoCalls()) - before, 2);
});

test("development mode mints demo sessions for several orgs and roles", async () => {
  const users = await (await fetch(`${WORKER}/api/dev/users`)).json();
  assert.ok(new Set(users.map((u) => u.provider_org_id)).size >= 3);
  assert.ok(new Set(users.map((u) => u.role)).size >= 3);
  const r = await fetch(`${WORKER}/api/dev/session`, {
    method: "POST", headers: { "content-type": "application/json", origin: OWN }, body: JSON.stringify({ user: "tony" }),
  });
  assert.equal(r.status, 200);
  const { session, profile } = await r.json();
  assert.equal(profile.provider_org_id, "independent_tonys_pizza_main");
  assert.equal(profile.role, "owner");
  assert.equal((await sso({ headers: bearer(session) })).status, 303);
  const bad = await fetch(`${WORKER}/api/dev/session`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  assert.equal(await errorCode(bad), "invalid_request");
});

test("the docs' minting examples (Python + PyJWT, Node + jose) make sessions the worker accepts", async () => {
  const root = new URL("../../", import.meta.url);
  // PyJWT is installed from PyPI into the test command's Python venv (tests/real-oauth/dot).
  const reqs = readFileSync(new URL("tests/real-oauth/dot/requirements.txt", root));
  const venv = process.env.DOT_VENV ?? `${homedir()}/.cache/gatehouse/dot-venv-${createHash("sha256").update(reqs).digest("hex").slice(0, 12)}`;
  const env = { ...process.env, SESSION_SECRET };
  const py = execFileSync(`${venv}/bin/python`, [new URL("docs/examples/mint_session.py", root).pathname], { env }).toString().trim();
  const js = execFileSync(process.execPath, [new URL("docs/examples/mint-session.mjs", root).pathname], { env }).toString().trim();
  for (const [token, org, role] of [[py, "restaurant_chain_abc_123", "manager"], [js, "independent_tonys_pizza_main", "owner"]]) {
    const r = await fetch(`${WORKER}/api/session`, { headers: bearer(token) });
    assert.equal(r.status, 200, token.slice(0, 20));
    const p = await r.json();
    assert.equal(p.provider_org_id, org);
    assert.equal(p.role, role);
  }
});
