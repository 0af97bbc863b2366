// Onboarding through the worker in workerd against the sandbox's Stream (docs/security.md items
// 14–17): start → the partner's consent page → the worker's return handler (state check, code
// exchange) → a clean allowlisted page; status with ETag/304, long-poll and coalescing; revoke;
// locations; and the refusals (cross-org, roles, replayed/foreign/garbage states, hostile pages).
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { fetch, PAGE_ORIGIN, WORKER, SANDBOX, sandboxControl, resetCredential, ADMIN_API_KEY } from "./env.mjs";
import { claims, mint } from "./session.mjs";
import { MerchantBrowser } from "./merchant-browser.mjs";

const PAGE = `${WORKER}/onboarding`;
const newOrg = () => `org_${randomBytes(6).toString("hex")}`;
const user = (org, role = "manager") => mint(claims({ provider_org_id: org, role }));
const api = (token, path, init = {}) => fetch(`${WORKER}${path}`, {
  redirect: "manual", ...init,
  headers: { authorization: `Bearer ${token}`, ...(init.body ? { "content-type": "application/json" } : {}), ...(init.headers ?? {}) },
});
const code = async (r) => (await r.json()).code;

async function start(token, body = { source: "square", type: "pos" }) {
  const r = await api(token, "/api/onboarding", { method: "POST", body: JSON.stringify(body) });
  assert.equal(r.status, 200, JSON.stringify(await r.clone().json()));
  return r.json();
}

const browser = () => new MerchantBrowser(WORKER);
/** A whole onboarding round in a fresh merchant browser; answers the landing page. */
const onboard = (entryUrl, decision = "authorize") => browser().onboard(entryUrl, decision);

beforeEach(async () => {
  await sandboxControl("reset", {});
  assert.equal((await resetCredential("stream")).status, 200);
});

test("start → consent → return: the worker completes with the code and lands on the page with only the id", async () => {
  const org = newOrg();
  const t = user(org);
  const { onboarding, entry_url } = await start(t);
  assert.equal(onboarding.status, "pending");
  assert.equal(onboarding.type, "pos");
  assert.ok(entry_url.startsWith(`${WORKER}/api/onboarding/go?ticket=`), entry_url);
  const b = browser();
  const partner = await b.go(entry_url);
  assert.ok(partner.startsWith(`${SANDBOX}/consent/`), partner);
  assert.equal(b.jar.size, 1, "one binding cookie");
  const back = await MerchantBrowser.decide(partner, "authorize");
  assert.ok(back.startsWith(`${WORKER}/api/onboarding/return?state=`), back);
  assert.match(back, /[?&]code=/);
  const landed = await b.comeBack(back);
  assert.equal(b.jar.size, 0, "the binding cookie is spent with the flow");
  assert.equal(`${landed.origin}${landed.pathname}`, PAGE);
  assert.deepEqual([...landed.searchParams.keys()].sort(), ["gatehouse_onboarding", "gatehouse_status"], "no code, no state on the page");
  assert.equal(landed.searchParams.get("gatehouse_onboarding"), onboarding.id);
  assert.equal(landed.searchParams.get("gatehouse_status"), "active");
  const s = await api(t, `/api/onboarding/${onboarding.id}`);
  assert.equal(s.status, 200);
  const view = await s.json();
  assert.equal(view.status, "active");
  assert.ok(view.merchant_id);
  // Conditional answers.
  const tag = s.headers.get("etag");
  assert.match(tag, /^"[0-9a-f]{16}"$/);
  const again = await api(t, `/api/onboarding/${onboarding.id}`, { headers: { "if-none-match": tag } });
  assert.equal(again.status, 304);
  // The state is single use: the same return URL again, even in the same browser.
  const replay = await b.comeBack(back);
  assert.equal(replay.searchParams.get("gatehouse_error"), "state_already_used");
  assert.equal(`${replay.origin}${replay.pathname}`, PAGE);
});

test("deny at the partner comes back as a clear error, and the onboarding is failed", async () => {
  const t = user(newOrg());
  const { onboarding, entry_url } = await start(t);
  const landed = await onboard(entry_url, "deny");
  assert.equal(landed.searchParams.get("gatehouse_error"), "access_denied");
  assert.equal(landed.searchParams.get("gatehouse_onboarding"), onboarding.id);
  const view = await (await api(t, `/api/onboarding/${onboarding.id}`)).json();
  assert.equal(view.status, "failed");
});

test("garbage, forged and foreign states are refused without leaving the allowlist", async () => {
  const orgA = newOrg();
  const { entry_url } = await start(user(orgA));
  const merchant = browser();
  const back = await MerchantBrowser.decide(await merchant.go(entry_url), "authorize");
  for (const bad of [
    `${WORKER}/api/onboarding/return`,
    `${WORKER}/api/onboarding/return?state=nonsense&code=x`,
    `${WORKER}/api/onboarding/return?state=${Buffer.from(orgA).toString("base64url")}.${"A".repeat(43)}&code=x`,
    `${back}&state=again`,
  ]) {
    const landed = await merchant.comeBack(bad);
    assert.equal(`${landed.origin}${landed.pathname}`, PAGE, bad);
    assert.ok(landed.searchParams.get("gatehouse_error"), bad);
  }
  // A browser signed in to another organization cannot complete org A's onboarding.
  const cookie = await fetch(`${WORKER}/api/session`, { method: "POST", headers: { authorization: `Bearer ${user(newOrg())}` } });
  const jar = cookie.headers.get("set-cookie").split(";")[0];
  const binding = [...merchant.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const foreign = await browser().comeBack(back, { cookie: `${jar}; ${binding}` });
  assert.equal(foreign.searchParams.get("gatehouse_error"), "foreign_state");
  // Still usable by org A's own merchant afterwards.
  assert.equal((await merchant.comeBack(back)).searchParams.get("gatehouse_status"), "active");
});

test("every call is scoped to the caller's organization: another org gets 404", async () => {
  const a = user(newOrg(), "owner");
  const b = user(newOrg(), "owner");
  const { onboarding } = await start(a);
  for (const [method, path, body] of [
    ["GET", `/api/onboarding/${onboarding.id}`],
    ["POST", `/api/onboarding/${onboarding.id}/revoke`],
    ["GET", `/api/onboarding/${onboarding.id}/locations`],
    ["POST", `/api/onboarding/${onboarding.id}/locations/ingest`, { locations: [{ external_id: "x", name: "X" }] }],
    ["POST", `/api/onboarding/${onboarding.id}/locations/bind`, { locations: [{ dsp_location_id: "loc_1", pos_location_id: "loc_2" }] }],
  ]) {
    const r = await api(b, path, { method, body: body ? JSON.stringify(body) : undefined });
    assert.equal(r.status, 404, `${method} ${path}`);
    assert.equal(await code(r), "onboarding_not_found");
  }
  assert.equal((await api(a, `/api/onboarding/${onboarding.id}`)).status, 200, "the owner still can");
});

test("roles: team members read only, managers start, owners and admins revoke; revoke twice succeeds twice", async () => {
  const org = newOrg();
  let r = await api(user(org, "team_member"), "/api/onboarding", { method: "POST", body: JSON.stringify({ source: "square", type: "pos" }) });
  assert.equal(r.status, 403);
  assert.equal(await code(r), "forbidden_role");
  const { onboarding } = await start(user(org, "manager"));
  assert.equal((await api(user(org, "team_member"), `/api/onboarding/${onboarding.id}`)).status, 200);
  r = await api(user(org, "manager"), `/api/onboarding/${onboarding.id}/revoke`, { method: "POST" });
  assert.equal(r.status, 403);
  const admin = user(org, "admin");
  for (let i = 0; i < 2; i++) {
    r = await api(admin, `/api/onboarding/${onboarding.id}/revoke`, { method: "POST" });
    assert.equal(r.status, 200, `revoke #${i + 1}`);
    assert.equal((await r.json()).status, "revoked");
  }
});

test("bad input: hostile return pages, unknown types, wrong content type, unknown fields", async () => {
  const t = user(newOrg());
  for (const page of [
    "https://evil.example/onboarding", `${PAGE}/../evil`, `${PAGE}x`, `${PAGE}?next=https://evil.example`,
    PAGE.toUpperCase(), PAGE.replace("http://", "http://user@"), "javascript:alert(1)", "data:text/html,x",
    "//evil.example", "/onboarding", PAGE.replace("/onboarding", "\\onboarding"), `${PAGE}%2F..`,
  ]) {
    const r = await api(t, "/api/onboarding", { method: "POST", body: JSON.stringify({ source: "square", type: "pos", return_page: page }) });
    assert.equal(r.status, 400, page);
    assert.equal(await code(r), "return_page_not_allowed", page);
  }
  const ok = await api(t, "/api/onboarding", { method: "POST", body: JSON.stringify({ source: "square", type: "dsp", return_page: `${PAGE_ORIGIN}/onboarding` }) });
  assert.equal(ok.status, 200, "the second allowlisted page");
  let r = await api(t, "/api/onboarding", { method: "POST", body: JSON.stringify({ source: "square", type: "kiosk" }) });
  assert.equal(await code(r), "invalid_type");
  r = await api(t, "/api/onboarding", { method: "POST", body: JSON.stringify({ source: "Square POS!", type: "pos" }) });
  assert.equal(await code(r), "invalid_source");
  r = await api(t, "/api/onboarding", { method: "POST", body: JSON.stringify({ source: "square", type: "pos", org_id: "org_1" }) });
  assert.equal(r.status, 400, "no org from the body");
  r = await api(t, "/api/onboarding", { method: "POST", body: "source=square", headers: { "content-type": "application/x-www-form-urlencoded" } });
  assert.equal(r.status, 415);
  r = await api(t, "/api/onboarding", { method: "POST", body: "{" });
  assert.equal(await code(r), "invalid_request");
});

test("revoke is idempotent even when the partner answers the second revoke with 409", async () => {
  const t = user(newOrg(), "owner");
  const { onboarding, entry_url } = await start(t);
  await onboard(entry_url);
  await sandboxControl("settings", { revoke_conflict: true });
  try {
    for (let i = 0; i < 3; i++) {
      const r = await api(t, `/api/onboarding/${onboarding.id}/revoke`, { method: "POST" });
      assert.equal(r.status, 200, `revoke #${i + 1}: ${await r.clone().text()}`);
      assert.equal((await r.json()).status, "revoked");
    }
    // The partner did answer 409 to the repeats (the worker's tolerance is what passed).
    const direct = await sandboxControl("counters");
    assert.ok((direct.requests?.["stream.onboarding.revoke"] ?? 0) >= 3);
  } finally {
    await sandboxControl("settings", { revoke_conflict: false });
  }
});

test("onboarding POST routes with the cookie need an allowed Origin", async () => {
  const org = newOrg();
  const owner = user(org, "owner");
  const { onboarding } = await start(owner);
  const set = await fetch(`${WORKER}/api/session`, { method: "POST", headers: { authorization: `Bearer ${owner}`, origin: WORKER } });
  assert.equal(set.status, 200);
  const jar = set.headers.get("set-cookie").split(";")[0];
  const post = (path, headers, body) => fetch(`${WORKER}${path}`, {
    method: "POST", redirect: "manual",
    headers: { cookie: jar, ...(body ? { "content-type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const routes = [
    ["/api/onboarding", { source: "square", type: "pos" }],
    [`/api/onboarding/${onboarding.id}/locations/ingest`, { locations: [{ external_id: "x", name: "X" }] }],
    [`/api/onboarding/${onboarding.id}/locations/bind`, { locations: [{ dsp_location_id: "loc_1", pos_location_id: "loc_2" }] }],
    [`/api/onboarding/${onboarding.id}/revoke`],
  ];
  const calls = async () => (await sandboxControl("counters")).requests ?? {};
  const before = JSON.stringify(await calls());
  for (const [path, body] of routes) {
    for (const [what, headers] of [
      ["a hostile Origin", { origin: "https://evil.example" }],
      ["no Origin and no Sec-Fetch-Site", {}],
      ["Origin: null from a cross-site form", { origin: "null", "sec-fetch-site": "cross-site" }],
      ["a cross-site Sec-Fetch-Site", { "sec-fetch-site": "cross-site" }],
    ]) {
      const r = await post(path, headers, body);
      assert.equal(r.status, 403, `${path} with ${what}`);
      assert.equal(await code(r), "origin_not_allowed", `${path} with ${what}`);
    }
  }
  assert.equal(JSON.stringify(await calls()), before, "no refused call reached the partner");
  // The worker's own origin (and same-origin fetch metadata) with the cookie may.
  const ok = await post(`/api/onboarding/${onboarding.id}/revoke`, { origin: WORKER });
  assert.equal(ok.status, 200);
  const again = await post(`/api/onboarding/${onboarding.id}/revoke`, { "sec-fetch-site": "same-origin" });
  assert.equal(again.status, 200);
});

test("locations: ingest POS locations, then bind a DSP location to a POS location", async () => {
  const t = user(newOrg(), "owner");
  const pos = await start(t, { source: "square", type: "pos" });
  await onboard(pos.entry_url);
  const dsp = await start(t, { source: "ubereats", type: "dsp" });
  await onboard(dsp.entry_url);
  let r = await api(t, `/api/onboarding/${pos.onboarding.id}/locations/ingest`, { method: "POST", body: JSON.stringify({ locations: [{ external_id: "store-9", name: "Harbour St" }] }) });
  assert.equal(r.status, 200);
  const posLocations = (await r.json()).locations;
  const harbour = posLocations.find((l) => l.external_id === "store-9");
  assert.ok(harbour);
  const dspLocations = (await (await api(t, `/api/onboarding/${dsp.onboarding.id}/locations`)).json()).locations;
  assert.ok(dspLocations.length > 0);
  r = await api(t, `/api/onboarding/${dsp.onboarding.id}/locations/bind`, { method: "POST", body: JSON.stringify({ locations: [{ dsp_location_id: dspLocations[0]._id, pos_location_id: harbour._id }] }) });
  assert.equal(r.status, 200);
  const bound = (await r.json()).locations.find((l) => l._id === dspLocations[0]._id);
  assert.equal(bound.bound_pos_location_id, harbour._id);
  r = await api(t, `/api/onboarding/${dsp.onboarding.id}/locations/bind`, { method: "POST", body: JSON.stringify({ locations: [{ dsp_location_id: dspLocations[0]._id, pos_location_id: "loc_999999" }] }) });
  assert.equal(r.status, 404);
  const orgLocs = await (await api(t, "/api/organization/locations")).json();
  assert.ok(orgLocs.locations.length >= posLocations.length + dspLocations.length);
});

test("50 watchers of one onboarding cause at most one partner status call per interval", async () => {
  const org = newOrg();
  const t = user(org);
  const { onboarding } = await start(t);
  const before = (await sandboxControl("counters")).status_calls?.[onboarding.id] ?? 0;
  const started = Date.now();
  for (let round = 0; round < 3; round++) {
    const statuses = await Promise.all(Array.from({ length: 50 }, () => api(t, `/api/onboarding/${onboarding.id}`).then((r) => r.status)));
    assert.ok(statuses.every((s) => s === 200));
    await new Promise((r) => setTimeout(r, 700));
  }
  const elapsedIntervals = Math.ceil((Date.now() - started) / 2000);
  const calls = ((await sandboxControl("counters")).status_calls?.[onboarding.id] ?? 0) - before;
  assert.ok(calls <= elapsedIntervals + 1, `${calls} partner calls in ${elapsedIntervals} intervals`);
  const c = await (await fetch(`${WORKER}/api/admin/organizations/${org}/counters`, { headers: { authorization: `Bearer ${ADMIN_API_KEY}` } })).json();
  assert.equal(c.partner_status_calls, calls);
});

test("long-poll: ?wait returns as soon as the status changes", async () => {
  const t = user(newOrg(), "owner");
  const { onboarding } = await start(t);
  const first = await api(t, `/api/onboarding/${onboarding.id}`);
  const tag = first.headers.get("etag");
  const t0 = Date.now();
  const waiting = api(t, `/api/onboarding/${onboarding.id}?wait=20`, { headers: { "if-none-match": tag } });
  await new Promise((r) => setTimeout(r, 500));
  await api(t, `/api/onboarding/${onboarding.id}/revoke`, { method: "POST" });
  const r = await waiting;
  assert.equal(r.status, 200);
  assert.equal((await r.json()).status, "revoked");
  assert.ok(Date.now() - t0 < 10_000, "well before the 20 s wait");
});

test("an organization the partner no longer knows is created again on the next start", async () => {
  const t = user(newOrg(), "owner");
  await start(t);
  await sandboxControl("reset", {}); // the partner forgets every organization
  await resetCredential("stream");
  const again = await start(t);
  assert.equal(again.onboarding.status, "pending");
  const locs = await api(t, "/api/organization/locations");
  assert.equal(locs.status, 200);
});
