// The development-only routes exist only in development mode: the same build and configuration
// with GATEHOUSE_MODE=production has no demo sessions (issue: "it does not exist in any other mode").
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sleep } from "./env.mjs";
import { claims, mint } from "./session.mjs";
import { startWorker, stopWorker } from "./spawn-worker.mjs";

const persist = mkdtempSync(join(tmpdir(), "gatehouse-modes-"));
let worker = null;
after(async () => {
  stopWorker(worker);
  await sleep(300);
  rmSync(persist, { recursive: true, force: true });
});

test("in production mode the demo-session routes do not exist", { timeout: 120_000 }, async () => {
  worker = await startWorker({ port: 18776, persist, log: "production-mode-worker.log", vars: { GATEHOUSE_MODE: "production", SSO_PARTNER_ID: "partner_sandbox" } });
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
