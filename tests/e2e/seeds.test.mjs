// The seeds, exactly (the partner documents in shared/seeds): what the token answers and requests
// carry beyond the access token, against the sandbox in workerd. Stream's `exp` and
// `refresh_token_expires_in` (seed 000), lifetimes beyond what a provider documents, PowerEPOS's
// `org_id` and claim path (seed 004), OmniRetain's `user` object (seed 002).
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fetch, WORKER, OUT, SANDBOX, admin, proxy, resetCredential, sandboxControl, sleep } from "./env.mjs";

const tokenCalls = async (clientId) => (await sandboxControl("counters")).token_calls?.[clientId] ?? 0;
const status = async (id, warm = false) => (await admin(`/api/admin/credentials/${id}${warm ? "?warm=1" : ""}`)).json();
const logLines = () => readFileSync(join(OUT, "logs", "worker.log"), "utf8").split("\n").filter((l) => l.startsWith("{"));

beforeEach(async () => {
  await sandboxControl("reset", {});
  await fetch(`${SANDBOX}/_control/faults`, { method: "DELETE" });
  for (const id of ["stream", "stream-short-lived", "powerepos-org001", "powerepos-other-claim", "omniretain-company-1"]) {
    assert.equal((await resetCredential(id)).status, 200, id);
  }
});

test("Stream's exp asks for the configured lifetime (token_lifetime_s, at most the documented hour)", async () => {
  const short = await status("stream-short-lived", true);
  assert.equal(short.state, "valid");
  assert.ok(short.expires_in_s <= 600 && short.expires_in_s > 500, `granted ${short.expires_in_s} s for exp = now + 600`);
  const plain = await status("stream", true);
  assert.ok(plain.expires_in_s > 3000, `no exp: the partner's hour (${plain.expires_in_s} s)`);
});

test("a lifetime far beyond what the provider documents is capped, and said in the log once", async () => {
  // The partner states a Unix timestamp where seconds belong: decades.
  await sandboxControl("settings", { stream_stated_expires_in: 1893456000 });
  const s = await status("stream", true);
  assert.equal(s.state, "valid");
  assert.ok(s.expires_in_s <= 3600, `held for ${s.expires_in_s} s`);
  const capped = logLines().filter((l) => l.includes('"lifetime_capped":"1893456000"') && l.includes('"credential":"stream"'));
  assert.ok(capped.length >= 1, "the cap is logged");
});

test("a refresh token past its own lifetime is not tried: straight to a new grant", async () => {
  // Access tokens of 3 s, refresh tokens of 2 s (refresh_token_expires_in: 2).
  await sandboxControl("settings", { token_lifetime_s: { stream: 3 }, stream_refresh_lifetime_s: 2 });
  const logStart = logLines().length;
  const before = await tokenCalls("sandbox-stream-client");
  const first = await status("stream", true);
  assert.equal(first.holds_refresh_token, true);
  await sleep(3500); // both have lapsed
  const again = await status("stream", true);
  assert.equal(again.state, "valid");
  assert.equal(await tokenCalls("sandbox-stream-client"), before + 2, "one grant, then one new grant: no doomed refresh call");
  const lines = logLines().slice(logStart).filter((l) => l.includes('"credential":"stream"'));
  assert.ok(lines.some((l) => l.includes('"refresh_expired"')), lines.join("\n"));
  assert.ok(!lines.some((l) => l.includes('"refresh_refused"')), lines.join("\n"));
});

test("PowerEPOS: an answer for another organisation than the one asked for is not used", async () => {
  await sandboxControl("settings", { powerepos_answer_org_id: "ORG999" });
  const r = await proxy("powerepos-org001/ping");
  assert.equal(r.status, 502);
  assert.equal((await r.json()).code, "partner_rejected");
  const s = await status("powerepos-org001");
  assert.equal(s.last_error, "misconfigured");
  assert.match(s.problem, /org_id `ORG999`, not the requested `ORG001`/);
});

test("PowerEPOS: an api_base_claim override is honoured, and a token without that claim says so", async () => {
  // powerepos-other-claim reads `AuthServerClaims.Elsewhere`, which the token does not carry:
  // were the override ignored, the preset's claim would route the call and it would succeed.
  const r = await proxy("powerepos-other-claim/ping");
  assert.equal(r.status, 502);
  const body = await r.json();
  assert.equal(body.code, "partner_rejected", "a missing claim is no retryable partner fault");
  assert.equal(body.retryable, false);
  const s = await status("powerepos-other-claim");
  assert.equal(s.last_error, "misconfigured");
  assert.match(s.problem, /no string claim `AuthServerClaims\.Elsewhere`/);
  // The same account with the documented claim path works.
  assert.equal((await proxy("powerepos-org001/ping")).status, 200);
  assert.equal((await status("powerepos-org001")).problem, undefined);
});

test("OmniRetain: operators see which company an application belongs to, nothing personal", async () => {
  const s = await status("omniretain-company-1", true);
  assert.equal(s.state, "valid");
  assert.deepEqual(s.account, { company: "1", user_id: "101" });
  const text = JSON.stringify(s);
  assert.ok(!text.includes("@company1.example") && !text.includes("first_name"), text);
});

// ---- Stream onboarding and SSO fields (seed 000, 001) ---------------------------------------
const WORKER_URL = WORKER;
const { claims, mint } = await import("./session.mjs");
const { MerchantBrowser } = await import("./merchant-browser.mjs");
const api = (token, path, body) => fetch(`${WORKER_URL}${path}`, {
  method: body ? "POST" : "GET",
  headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
  body: body ? JSON.stringify(body) : undefined,
});
const newOrg = () => `org_${Math.random().toString(16).slice(2, 12)}`;

test("the Stream organization is named after the session's org_name, else its id", async () => {
  const named = newOrg();
  const anonymous = newOrg();
  await api(mint(claims({ provider_org_id: named, org_name: "Tony's Pizza Group", role: "owner" })), "/api/organization/locations");
  await api(mint(claims({ provider_org_id: anonymous, role: "owner" })), "/api/organization/locations");
  const orgs = await (await fetch(`${SANDBOX}/_control/organizations`)).json();
  const names = orgs.map((o) => o.name);
  assert.ok(names.includes("Tony's Pizza Group"), JSON.stringify(orgs));
  assert.ok(names.includes(anonymous), JSON.stringify(orgs));
  // A malformed org_name refuses the session like any claim.
  const bad = await api(mint(claims({ provider_org_id: newOrg(), org_name: "a\u0000b" })), "/api/organization/locations");
  assert.equal(bad.status, 401);
});

test("an organization's own partner_id (a session claim) goes to generate-session", async () => {
  const r = await fetch(`${WORKER_URL}/api/sso`, { method: "POST", redirect: "manual", headers: { authorization: `Bearer ${mint(claims({ partner_id: "partner_chain_abc" }))}` } });
  assert.equal(r.status, 303);
  const page = await (await fetch(r.headers.get("location"))).text();
  assert.match(page, /id="wl-partner">partner_chain_abc</);
});

test("locations without a name or type, with fields the document does not name, are read and passed on; location_id filters", async () => {
  await sandboxControl("settings", { bare_locations: true });
  const owner = mint(claims({ provider_org_id: newOrg(), role: "owner" }));
  const started = await (await api(owner, "/api/onboarding", { source: "ubereats", type: "dsp" })).json();
  await new MerchantBrowser(WORKER_URL).onboard(started.entry_url);
  const r = await api(owner, `/api/onboarding/${started.onboarding.id}/locations`);
  assert.equal(r.status, 200, "a terse partner answer is no 502");
  const { locations } = await r.json();
  assert.equal(locations.length, 2);
  assert.equal(locations[0].name, undefined);
  assert.equal(locations[0].timezone, "Europe/Vienna", "unknown fields passed on");
  const all = (await (await api(owner, "/api/organization/locations")).json()).locations;
  assert.equal(all.length, 2);
  const one = await api(owner, `/api/organization/locations?location_id=${encodeURIComponent(all[1]._id)}`);
  assert.equal(one.status, 200);
  assert.deepEqual((await one.json()).locations.map((l) => l._id), [all[1]._id]);
  for (const bad of ["a/b", "x".repeat(200), "%00"]) {
    const refused = await api(owner, `/api/organization/locations?location_id=${encodeURIComponent(bad)}`);
    assert.equal(refused.status, 400, bad);
    assert.equal((await refused.json()).code, "invalid_location");
  }
  await sandboxControl("settings", { bare_locations: false });
});

// ---- Partner tokens (seed 000) for operators --------------------------------------------------
test("partner tokens: operators list, create (value shown once), rename and delete them", async () => {
  const { sandboxStreamOrg, ADMIN_API_KEY } = await import("./env.mjs");
  const org = await sandboxStreamOrg("Partner token org");
  const call = (method, path, body, key = ADMIN_API_KEY) => fetch(`${WORKER_URL}/api/admin/partner-tokens${path}`, {
    method, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.equal((await call("GET", `?org_id=${org}`, undefined, null)).status, 401);
  const created = await call("POST", "", { org_id: org, token_name: "POS sync", scopes: ["user", "legacy_onboarding"] });
  assert.equal(created.status, 201, await created.clone().text());
  assert.equal(created.headers.get("cache-control"), "no-store");
  const token = await created.json();
  assert.ok(token.token?.length >= 20, "the value is shown on creation");
  assert.deepEqual(token.scopes, ["user", "legacy_onboarding"]);
  const listed = await (await call("GET", `?org_id=${org}`)).json();
  assert.equal(listed.length, 1);
  assert.equal(listed[0]._id, token._id);
  assert.equal(listed[0].token, undefined, "never again");
  const renamed = await call("PATCH", `/${token._id}`, { token_name: "POS sync (EU)" });
  assert.equal(renamed.status, 200);
  assert.equal((await renamed.json()).token_name, "POS sync (EU)");
  for (const [body, code] of [
    [{ org_id: org, token_name: "x", scopes: ["admin"] }, "invalid_scopes"],
    [{ org_id: org, token_name: "x", scopes: [] }, "invalid_scopes"],
    [{ org_id: org, token_name: "", scopes: ["user"] }, "invalid_token_name"],
    [{ org_id: "a/b", token_name: "x", scopes: ["user"] }, "invalid_id"],
  ]) {
    const r = await call("POST", "", body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal((await r.json()).code, code);
  }
  assert.equal((await call("DELETE", `/${token._id}`)).status, 204);
  const gone = await call("DELETE", `/${token._id}`);
  assert.equal(gone.status, 404);
  assert.equal((await gone.json()).code, "token_not_found");
  assert.deepEqual(await (await call("GET", `?org_id=${org}`)).json(), []);
  // The value never reached the worker's log.
  assert.ok(!readFileSync(join(OUT, "logs", "worker.log"), "utf8").includes(token.token));
});
