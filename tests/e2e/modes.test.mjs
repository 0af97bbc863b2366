// The development-only routes exist only in development mode: the same build and configuration
// with GATEHOUSE_MODE=production has no demo sessions (issue: "it does not exist in any other mode").
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fetch, SANDBOX, WORKER, port, sleep } from "./env.mjs";
import { claims, mint } from "./session.mjs";
import { MerchantBrowser } from "./merchant-browser.mjs";
import { startWorker, stopWorker } from "./spawn-worker.mjs";

const persist = mkdtempSync(join(tmpdir(), "gatehouse-modes-"));
let worker = null;
after(async () => {
  stopWorker(worker);
  await sleep(300);
  rmSync(persist, { recursive: true, force: true });
});

test("in production mode the demo-session routes do not exist", { timeout: 120_000 }, async () => {
  worker = await startWorker({ port: port("MODES_WORKER_PORT"), persist, log: "production-mode-worker.log", vars: { GATEHOUSE_MODE: "production", SSO_PARTNER_ID: "partner_sandbox", ONBOARDING_STATE_TTL_S: "2", ONBOARDING_CREDENTIAL: "stream-v2" } });
  const health = await (await fetch(`${worker.url}/api/health`)).json();
  assert.equal(health.mode, "production");
  for (const [method, path] of [["GET", "/api/dev/users"], ["POST", "/api/dev/session"]]) {
    const r = await fetch(`${worker.url}${path}`, { method, headers: { "content-type": "application/json" }, body: method === "POST" ? '{"user":"sarah"}' : undefined });
    assert.equal(r.status, 404, path);
    assert.equal((await r.json()).code, "not_found");
    assert.equal(r.headers.get("set-cookie"), null);
  }
});

test("SSO with a configured partner_id passes it to generate-session", { timeout: 60_000 }, async () => {
  const r = await fetch(`${worker.url}/api/sso`, { method: "POST", redirect: "manual", headers: { authorization: `Bearer ${mint(claims())}` } });
  assert.equal(r.status, 303);
  const page = await (await fetch(r.headers.get("location"))).text();
  assert.match(page, /id="wl-partner">partner_sandbox</);
});

test("an expired onboarding state is refused (ONBOARDING_STATE_TTL_S=2 on this worker)", { timeout: 60_000 }, async () => {
  const token = mint(claims({ provider_org_id: `org_ttl_${Date.now()}`, role: "owner" }));
  const r = await fetch(`${worker.url}/api/onboarding`, {
    method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ source: "square", type: "pos" }),
  });
  assert.equal(r.status, 200);
  const { entry_url } = await r.json();
  const merchant = new MerchantBrowser(worker.url);
  const back = await MerchantBrowser.decide(await merchant.go(entry_url), "authorize");
  assert.ok(back.startsWith(`${worker.url}/api/onboarding/return?`), back);
  await sleep(2500);
  const page = await merchant.comeBack(back);
  assert.equal(page.searchParams.get("gatehouse_error"), "state_expired");
  assert.equal(`${page.origin}${page.pathname}`, `${WORKER}/onboarding`);
});

test("a Stream credential's own paths are followed (ONBOARDING_CREDENTIAL=stream-v2 on this worker)", { timeout: 60_000 }, async () => {
  const counters = async () => (await (await fetch(`${SANDBOX}/_control/counters`)).json()).requests ?? {};
  const before = await counters();
  const token = mint(claims({ provider_org_id: `org_paths_${Date.now()}`, role: "owner" }));
  const r = await fetch(`${worker.url}/api/onboarding`, {
    method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ source: "square", type: "pos" }),
  });
  assert.equal(r.status, 200, await r.clone().text());
  const { onboarding, entry_url } = await r.json();
  const merchant = new MerchantBrowser(worker.url);
  const landed = await merchant.onboard(entry_url);
  assert.equal(landed.searchParams.get("gatehouse_status"), "active", landed.href);
  const s = await fetch(`${worker.url}/api/onboarding/${onboarding.id}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal((await s.json()).status, "active");
  const after = await counters();
  const delta = (k) => (after[k] ?? 0) - (before[k] ?? 0);
  assert.ok(delta("stream.v2") >= 2, `the configured paths were called: ${JSON.stringify(after)}`);
  assert.equal(delta("stream.onboarding.init"), 0, "not the default init path");
  assert.equal(delta("stream.onboarding.complete"), 0, "not the default complete path");
});

test("an expired link starts the same onboarding again in one call (ONBOARDING_STATE_TTL_S=2)", { timeout: 60_000 }, async () => {
  const org = `org_restart_${Date.now()}`;
  const owner = mint(claims({ provider_org_id: org, role: "owner" }));
  const call = (token, path, body) => fetch(`${worker.url}${path}`, {
    method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body),
  });
  const first = await (await call(owner, "/api/onboarding", { source: "ubereats", type: "dsp" })).json();
  await sleep(2500);
  // The merchant follows the link too late: back on the page with the id and state_expired.
  const late = await fetch(first.entry_url, { redirect: "manual" });
  const page = new URL(late.headers.get("location"));
  assert.equal(page.searchParams.get("gatehouse_error"), "state_expired");
  assert.equal(page.searchParams.get("gatehouse_onboarding"), first.onboarding.id);
  // Roles: a team member may not start; a manager or owner may.
  const member = mint(claims({ provider_org_id: org, role: "team_member" }));
  assert.equal((await call(member, `/api/onboarding/${first.onboarding.id}/restart`, {})).status, 403);
  const again = await call(owner, `/api/onboarding/${first.onboarding.id}/restart`, {});
  assert.equal(again.status, 200, await again.clone().text());
  const restarted = await again.json();
  assert.notEqual(restarted.onboarding.id, first.onboarding.id);
  assert.equal(restarted.onboarding.source, "ubereats", "the same platform, not re-chosen");
  assert.equal(restarted.onboarding.type, "dsp");
  const landed = await new MerchantBrowser(worker.url).onboard(restarted.entry_url);
  assert.equal(landed.searchParams.get("gatehouse_status"), "active", landed.href);
  // A connected onboarding is not started again; another organization's is not found.
  const done = await call(owner, `/api/onboarding/${restarted.onboarding.id}/restart`, {});
  assert.equal(done.status, 409);
  assert.equal((await done.json()).code, "onboarding_not_restartable");
  const foreign = mint(claims({ provider_org_id: `${org}_b`, role: "owner" }));
  assert.equal((await call(foreign, `/api/onboarding/${first.onboarding.id}/restart`, {})).status, 404);
});
