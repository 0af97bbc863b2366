// The seeds, exactly (the partner documents in shared/seeds): what the token answers and requests
// carry beyond the access token, against the sandbox in workerd. Stream's `exp` and
// `refresh_token_expires_in` (seed 000), lifetimes beyond what a provider documents, PowerEPOS's
// `org_id` and claim path (seed 004), OmniRetain's `user` object (seed 002).
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { OUT, SANDBOX, admin, proxy, resetCredential, sandboxControl, sleep } from "./env.mjs";

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
