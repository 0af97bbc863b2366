// docs/security.md item 6: workerd dies after the partner rotated the refresh token but before the new
// one was stored. This file runs its own `wrangler dev` (own port, own persist directory, own
// process group), kills it with SIGKILL mid-refresh and starts it again on the same storage.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fetch, port, ADMIN_API_KEY, OUT, sandboxControl, sleep } from "./env.mjs";
import { startWorker, stopWorker } from "./spawn-worker.mjs";

const PORT = port("RESTART_WORKER_PORT");
const URL_ = `http://127.0.0.1:${PORT}`;
const LOG = join(OUT, "logs", "restart-worker.log");
const persist = mkdtempSync(join(tmpdir(), "gatehouse-restart-"));
let worker = null;
const start = async () => { worker = await startWorker({ port: PORT, persist, log: "restart-worker.log" }); };

after(async () => {
  stopWorker(worker);
  await sleep(300);
  rmSync(persist, { recursive: true, force: true });
  await sandboxControl("reset", {});
});

const status = (warm) => fetch(`${URL_}/api/admin/credentials/stream${warm ? "?warm=1" : ""}`, {
  headers: { authorization: `Bearer ${ADMIN_API_KEY}` },
});
const tokenCalls = async () => (await sandboxControl("counters")).token_calls?.["sandbox-stream-client"] ?? 0;

test("killed between the partner's refresh and the storage write: the credential recovers on restart, loudly", { timeout: 120_000 }, async () => {
  await sandboxControl("reset", {});
  await sandboxControl("settings", { token_lifetime_s: { stream: 2 } });
  await start();
  let r = await status(true);
  assert.equal(r.status, 200);
  assert.equal((await r.json()).holds_refresh_token, true);
  await sleep(2300); // the access token has expired: the next use refreshes

  // The partner rotates the refresh token and then holds its answer; workerd dies meanwhile.
  await sandboxControl("faults", { route: "stream.token", hold_answer_ms: 60_000, times: 1 });
  const before = await tokenCalls();
  const pending = status(true).then((x) => x.status, () => "connection lost");
  for (let i = 0; i < 100 && (await tokenCalls()) === before; i++) await sleep(50);
  assert.equal(await tokenCalls(), before + 1, "the refresh reached the partner");
  await sleep(200); // the sandbox has rotated the refresh token and is holding the answer
  stopWorker(worker);
  assert.equal(await pending, "connection lost");

  // Same storage, new process: it holds only the refresh token the partner already spent.
  await start();
  r = await status(true);
  const body = await r.json();
  assert.equal(r.status, 200, JSON.stringify(body));
  assert.equal(body.state, "valid");
  assert.equal(body.holds_refresh_token, true);
  assert.equal(await tokenCalls(), before + 3, "the lost refresh, the refused stale refresh token, a new grant");
  await sleep(500);
  assert.match(readFileSync(LOG, "utf8"), /"refresh_refused":"invalid_grant"/, "the stale refresh token is logged as detected");
});
