// Webhooks to the partner's backend (docs/webhooks.md), end to end: a worker of its own in
// workerd (own port and storage, WEBHOOK_URLS pointing at a receiver this file runs), real
// onboarding flows through the sandbox, and a credential that becomes needs_reauth. The receiver
// checks every delivery with the docs' verification snippets (Node and Python), fails some on
// purpose, and the outbox retries with backoff, keeps the idempotency id, dead-letters after its
// attempts and survives a SIGKILL of workerd.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fetch, port, ADMIN_API_KEY, PROXY_API_KEY, SANDBOX, sandboxControl, sleep, enteredSecret } from "./env.mjs";
import { startWorker, stopWorker } from "./spawn-worker.mjs";
import { claims, mint } from "./session.mjs";
import { MerchantBrowser } from "./merchant-browser.mjs";
import { devVar } from "../dev-vars.mjs";
import { verifyGatehouseWebhook } from "../../docs/examples/verify-webhook.mjs";
import { verifyWebhook, WebhookError } from "../../kits/node/dist/index.js";

const PORT = port("WEBHOOKS_WORKER_PORT");
const RECEIVER_PORT = port("WEBHOOK_RECEIVER_PORT");
const HOOK = (path) => `http://127.0.0.1:${RECEIVER_PORT}${path}`;
const OLD_KEY = devVar("WEBHOOK_SECRET");
// A rotation in progress: the new key first (both sign every delivery).
const NEW_KEY = `whsec_${randomBytes(32).toString("base64")}`;
const WRONG_KEY = `whsec_${randomBytes(32).toString("base64")}`;
/** The Standard Webhooks headers of a delivery. */
const signed = (d) => ({
  "webhook-id": d.headers["webhook-id"], "webhook-timestamp": d.headers["webhook-timestamp"],
  "webhook-signature": d.headers["webhook-signature"],
});
/** The PyPI `standardwebhooks` library, through the docs' Python example. */
const python = (d, keys, body = d.raw) => execFileSync(
  process.env.DOT_VENV ? join(process.env.DOT_VENV, "bin", "python") : "python3",
  [new URL("../../docs/examples/verify_webhook.py", import.meta.url).pathname,
    d.headers["webhook-id"], d.headers["webhook-timestamp"], d.headers["webhook-signature"], keys],
  { input: body },
).toString().trim();

// ---- the receiver: records every delivery; `plan[path]` answers a list of statuses first ----
const received = { "/a": [], "/b": [], "/dead": [] };
const plan = { "/a": [], "/b": [], "/dead": [] };
const receiver = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const raw = Buffer.concat(chunks).toString("utf8");
    const list = received[req.url];
    if (!list) { res.writeHead(404).end(); return; }
    const status = req.url === "/dead" ? 500 : (plan[req.url].shift() ?? 204);
    list.push({ at: Date.now(), headers: req.headers, raw, status });
    res.writeHead(status).end();
  });
});

const persist = mkdtempSync(join(tmpdir(), "gatehouse-webhooks-"));
let worker = null;
const start = async (targets = [HOOK("/a"), HOOK("/b"), HOOK("/dead")]) => {
  worker = await startWorker({
    port: PORT, persist, log: "webhooks-worker.log",
    vars: {
      WEBHOOK_URLS: targets.join(","),
      WEBHOOK_SECRET: `${NEW_KEY},${OLD_KEY}`,
      WEBHOOK_RETRY_BASE_MS: "300",
      WEBHOOK_MAX_ATTEMPTS: "4",
    },
  });
};

before(async () => {
  // A busy port fails here, naming it, instead of leaving the hook waiting forever.
  await new Promise((resolve, reject) => {
    receiver.once("error", (e) => reject(new Error(`webhook receiver on 127.0.0.1:${RECEIVER_PORT} (WEBHOOK_RECEIVER_PORT): ${e.message}`)));
    receiver.listen(RECEIVER_PORT, "127.0.0.1", resolve);
  });
  await sandboxControl("reset", {});
  await start();
}, { timeout: 120_000 });

after(async () => {
  stopWorker(worker);
  await new Promise((r) => receiver.close(r));
  await sleep(300);
  rmSync(persist, { recursive: true, force: true });
});

const api = (token, path, init = {}) => fetch(`${worker.url}${path}`, {
  redirect: "manual", ...init,
  headers: { authorization: `Bearer ${token}`, ...(init.body ? { "content-type": "application/json" } : {}) },
});
const admin = (path) => fetch(`${worker.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_API_KEY}` } });

/** An onboarding through the sandbox's consent page; answers its id once the worker redirected. */
async function onboard(token, decision) {
  const r = await api(token, "/api/onboarding", { method: "POST", body: JSON.stringify({ source: "square", type: "pos" }) });
  assert.equal(r.status, 200, await r.clone().text());
  const { onboarding, entry_url } = await r.json();
  const merchant = new MerchantBrowser(worker.url);
  const consentPage = await merchant.go(entry_url);
  assert.ok(consentPage.startsWith(`${SANDBOX}/consent/`));
  const landed = await merchant.comeBack(await MerchantBrowser.decide(consentPage, decision));
  assert.ok(!landed.searchParams.has("gatehouse_error") || decision === "deny", landed.href);
  return onboarding.id;
}

const events = (path, pred) => received[path].filter((d) => pred(JSON.parse(d.raw)));
async function until(what, check, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(received, null, 1).slice(0, 2000)}`);
    await sleep(100);
  }
}
const isOnb = (id, status) => (e) => e.type === "onboarding.status_changed" && e.data.onboarding_id === id && e.data.status === status;

test("an onboarding that becomes active, then revoked, is POSTed to every target, signed with every key", { timeout: 60_000 }, async () => {
  const org = `org_${randomBytes(5).toString("hex")}`;
  const owner = mint(claims({ provider_org_id: org, role: "owner" }));
  plan["/b"].push(500, 503); // target b fails twice, then accepts
  const id = await onboard(owner, "authorize");

  const [a] = await until("active at /a", () => events("/a", isOnb(id, "active")).length && events("/a", isOnb(id, "active")));
  const event = JSON.parse(a.raw);
  assert.equal(event.id, `evt_onb_${id}_active`);
  assert.equal(a.headers["webhook-id"], event.id);
  assert.equal(a.headers["content-type"], "application/json");
  assert.deepEqual(event.data, { onboarding_id: id, provider_org_id: org, status: "active", source: "square" });
  assert.ok(Math.abs(event.created - Date.now() / 1000) < 30);
  assert.ok(Math.abs(Number(a.headers["webhook-timestamp"]) - Date.now() / 1000) < 30);
  // Standard Webhooks: two v1 signatures during the rotation; the npm library verifies with
  // either key, and refuses another key, a tampered body and an old timestamp.
  assert.match(a.headers["webhook-signature"], /^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);
  assert.deepEqual(verifyGatehouseWebhook(a.raw, signed(a), OLD_KEY), event, "old key");
  assert.deepEqual(verifyGatehouseWebhook(a.raw, signed(a), NEW_KEY), event, "new key");
  assert.equal(verifyGatehouseWebhook(a.raw, signed(a), WRONG_KEY), null, "wrong key");
  assert.equal(verifyGatehouseWebhook(a.raw.replace("active", "revoked"), signed(a), OLD_KEY), null, "tampered body");
  const old = { ...signed(a), "webhook-timestamp": String(Number(a.headers["webhook-timestamp"]) - 3600) };
  assert.equal(verifyGatehouseWebhook(a.raw, old, OLD_KEY), null, "too old");
  // So does @gatehouse/server (kits/node), with a key list as a rotation has it.
  assert.deepEqual(await verifyWebhook({ body: a.raw, headers: a.headers }, [WRONG_KEY, NEW_KEY]), event);
  await assert.rejects(verifyWebhook({ body: a.raw, headers: a.headers }, WRONG_KEY), WebhookError);
  // The PyPI library agrees.
  assert.equal(python(a, OLD_KEY), "valid");
  assert.equal(python(a, `${WRONG_KEY},${NEW_KEY}`), "valid", "either key of a rotation");
  assert.equal(python(a, WRONG_KEY), "invalid");
  assert.equal(python(a, OLD_KEY, a.raw.replace("active", "revoked")), "invalid");

  // Target b: 500, 503, then 204 — three attempts of the same event, backing off, each signed anew.
  const b = await until("three attempts at /b", () => events("/b", isOnb(id, "active")).length >= 3 && events("/b", isOnb(id, "active")));
  assert.equal(b.length, 3, "no attempt after the 2xx");
  assert.deepEqual(b.map((d) => d.status), [500, 503, 204]);
  assert.deepEqual(b.map((d) => d.headers["gatehouse-delivery-attempt"]), ["1", "2", "3"]);
  assert.ok(b.every((d) => d.headers["webhook-id"] === event.id && d.raw === a.raw), "same id, same body");
  assert.ok(b.every((d) => verifyGatehouseWebhook(d.raw, signed(d), OLD_KEY)));
  assert.ok(b[1].at - b[0].at >= 150, `first retry after ≥ half the 300 ms base: ${b[1].at - b[0].at}`);
  assert.ok(b[2].at - b[1].at >= 300, `second retry after ≥ half of 600 ms: ${b[2].at - b[1].at}`);

  // Watching the status again does not emit the same change twice.
  assert.equal((await api(owner, `/api/onboarding/${id}`)).status, 200);
  const r = await api(owner, `/api/onboarding/${id}/revoke`, { method: "POST" });
  assert.equal(r.status, 200);
  assert.equal((await api(owner, `/api/onboarding/${id}/revoke`, { method: "POST" })).status, 200, "revoke twice");
  const [rev] = await until("revoked at /a", () => events("/a", isOnb(id, "revoked")).length && events("/a", isOnb(id, "revoked")));
  const revoked = JSON.parse(rev.raw);
  assert.equal(revoked.data.previous_status, "active");
  await sleep(1000);
  assert.equal(events("/a", isOnb(id, "active")).length, 1, "active once");
  assert.equal(events("/a", isOnb(id, "revoked")).length, 1, "revoked once, though revoked twice");
});

test("a denied onboarding is reported as failed; a credential the partner refuses as needs_reauth", { timeout: 60_000 }, async () => {
  const t = mint(claims({ provider_org_id: `org_${randomBytes(5).toString("hex")}`, role: "manager" }));
  const id = await onboard(t, "deny");
  const s = await api(t, `/api/onboarding/${id}`);
  assert.equal((await s.json()).status, "failed");
  await until("failed at /a", () => events("/a", isOnb(id, "failed")).length);

  const warm = await admin("/api/admin/credentials/omniretain-wrong-password?warm=1");
  assert.equal(warm.status, 502, await warm.clone().text());
  assert.equal((await warm.json()).code, "needs_reauth");
  const isReauth = (e) => e.type === "credential.needs_reauth" && e.data.credential === "omniretain-wrong-password";
  const [d] = await until("needs_reauth at /a", () => events("/a", isReauth).length && events("/a", isReauth));
  const e = JSON.parse(d.raw);
  assert.deepEqual(e.data, { credential: "omniretain-wrong-password", provider: "omniretain", error: "needs_reauth" });
  assert.match(e.id, /^evt_cred_omniretain-wrong-password_\d+$/);
  assert.ok(!d.raw.includes("not-the-password") && !d.raw.includes("omni-secret"), "no secret in an event");
  // Still refused (same episode): no second event.
  await admin("/api/admin/credentials/omniretain-wrong-password?warm=1");
  await sleep(800);
  assert.equal(events("/a", isReauth).length, 1);
});

// Connections (docs/connections.md): created, needs_reauth after the merchant changed the
// service account's password at PowerEPOS, recovered through update mode, deleted — each event
// once, with the connection id, template and organization, signed like every other event.
test("a connection's life is told to the receivers: created, needs_reauth, recovered, deleted", { timeout: 60_000 }, async () => {
  const org = `org_${randomBytes(5).toString("hex")}`;
  const owner = mint(claims({ provider_org_id: org, role: "owner" }));
  const FIELDS = { org_id: "ORG002", username: "svc-org002", password: "svc-pass-002" };
  const NEW_PASSWORD = enteredSecret(`changed-${randomBytes(4).toString("hex")}`);
  enteredSecret(FIELDS.password);
  const proxyPing = (id) => fetch(`${worker.url}/api/proxy/${id}/ping`, {
    headers: { authorization: `Bearer ${PROXY_API_KEY}`, "gatehouse-organization": org },
  });
  const isCon = (id, type) => (e) => e.type === type && e.data.connection_id === id;
  try {
    let r = await api(owner, "/api/connections", { method: "POST", body: JSON.stringify({ template: "powerepos", fields: FIELDS }) });
    assert.equal(r.status, 201, await r.clone().text());
    const { id } = await r.json();
    const [created] = await until("connection.created at /a", () => events("/a", isCon(id, "connection.created")).length && events("/a", isCon(id, "connection.created")));
    const event = JSON.parse(created.raw);
    assert.equal(event.id, `evt_con_${id}_created`);
    assert.deepEqual(event.data, { connection_id: id, template: "powerepos", provider: "powerepos", provider_org_id: org });
    assert.deepEqual(verifyGatehouseWebhook(created.raw, signed(created), NEW_KEY), event);
    assert.ok(!created.raw.includes(FIELDS.password));
    assert.equal((await proxyPing(id)).status, 200);

    // The merchant changes the password at PowerEPOS: the account's tokens stop working, and the
    // next grant with the old password is refused.
    await sandboxControl("service-password", { org_id: "ORG002", password: NEW_PASSWORD });
    r = await proxyPing(id);
    assert.equal(r.status, 502, await r.clone().text());
    assert.equal((await r.json()).code, "needs_reauth");
    const [reauth] = await until("connection.needs_reauth at /a", () => events("/a", isCon(id, "connection.needs_reauth")).length && events("/a", isCon(id, "connection.needs_reauth")));
    assert.match(JSON.parse(reauth.raw).id, new RegExp(`^evt_con_${id}_reauth_\\d+$`));
    r = await api(owner, `/api/connections/${id}`);
    assert.equal((await r.json()).status, "needs_reauth");

    // Update mode: a wrong password is refused and changes nothing; the right one recovers.
    r = await api(owner, `/api/connections/${id}`, { method: "PUT", body: JSON.stringify({ fields: { ...FIELDS, password: enteredSecret("still-the-wrong-one") } }) });
    let body = await r.json();
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.equal(body.code, "invalid_credentials");
    assert.equal((await (await api(owner, `/api/connections/${id}`)).json()).status, "needs_reauth");
    r = await api(owner, `/api/connections/${id}`, { method: "PUT", body: JSON.stringify({ fields: { ...FIELDS, password: NEW_PASSWORD } }) });
    body = await r.json();
    assert.equal(r.status, 200, JSON.stringify(body));
    assert.equal(body.status, "active");
    assert.deepEqual(body.fields, { org_id: "ORG002", username: "svc-org002" });
    assert.ok(body.updated_at_ms > body.created_at_ms);
    await until("connection.recovered at /a", () => events("/a", isCon(id, "connection.recovered")).length);
    r = await proxyPing(id);
    assert.equal(r.status, 200, await r.clone().text());

    r = await api(owner, `/api/connections/${id}`, { method: "DELETE" });
    assert.equal(r.status, 204);
    const [deleted] = await until("connection.deleted at /b", () => events("/b", isCon(id, "connection.deleted")).length && events("/b", isCon(id, "connection.deleted")));
    assert.equal(JSON.parse(deleted.raw).id, `evt_con_${id}_deleted`);
    // Every change, in order, at every target (a retried delivery repeats its event's id).
    for (const path of ["/a", "/b"]) {
      const types = received[path].map((d) => JSON.parse(d.raw)).filter((e) => e.data.connection_id === id).map((e) => e.type);
      assert.deepEqual([...new Set(types)], ["connection.created", "connection.needs_reauth", "connection.recovered", "connection.deleted"], path);
    }
  } finally {
    await sandboxControl("service-password", { org_id: "ORG002", password: FIELDS.password });
  }
});

test("a target that never accepts gets its attempts, then a dead letter operators can see", { timeout: 60_000 }, async () => {
  const first = await until("the first event at /dead", () => received["/dead"][0]?.headers["webhook-id"]);
  await until("four attempts at /dead", () => received["/dead"].filter((d) => d.headers["webhook-id"] === first).length >= 4);
  let view;
  for (let i = 0; i < 100; i++) {
    view = await (await admin("/api/admin/webhooks")).json();
    const dead = view.targets.find((t) => t.target === HOOK("/dead")).outbox;
    if (dead.dead.some((d) => d.event_id === first)) break;
    await sleep(200);
  }
  const dead = view.targets.find((t) => t.target === HOOK("/dead")).outbox;
  const tries = received["/dead"].filter((d) => d.headers["webhook-id"] === first);
  assert.equal(tries.length, 4, "WEBHOOK_MAX_ATTEMPTS");
  const letter = dead.dead.find((d) => d.event_id === first);
  assert.ok(letter, JSON.stringify(dead));
  assert.equal(letter.attempts, 4);
  assert.equal(letter.last_error, "status 500");
  const a = view.targets.find((t) => t.target === HOOK("/a")).outbox;
  assert.ok(a.delivered >= 4 && a.dead.length === 0, JSON.stringify(a));
  assert.ok(!JSON.stringify(view).includes(OLD_KEY) && !JSON.stringify(view).includes("raw"), "no key, no body");
  assert.equal((await fetch(`${worker.url}/api/admin/webhooks`)).status, 401);
});

test("an event stored before workerd is killed is delivered after the restart", { timeout: 90_000 }, async () => {
  const org = `org_${randomBytes(5).toString("hex")}`;
  const owner = mint(claims({ provider_org_id: org, role: "owner" }));
  plan["/b"].push(...Array(3).fill(500)); // b is down for the first attempts
  const id = await onboard(owner, "authorize");
  await until("a first failed attempt at /b", () => events("/b", isOnb(id, "active")).length >= 1);
  stopWorker(worker);
  await sleep(500);
  plan["/b"].length = 0; // b is back
  await start();
  const got = await until("delivery after the restart", () => {
    const l = events("/b", isOnb(id, "active"));
    return l.some((d) => d.status === 204) && l;
  }, 40_000);
  assert.ok(got.length >= 2);
  assert.ok(got.every((d) => d.headers["webhook-id"] === `evt_onb_${id}_active`));
});

test("a target removed from WEBHOOK_URLS receives nothing more; its queue becomes dead letters", { timeout: 90_000 }, async () => {
  const org = `org_${randomBytes(5).toString("hex")}`;
  const owner = mint(claims({ provider_org_id: org, role: "owner" }));
  plan["/b"].push(...Array(100).fill(500)); // b fails, so its event stays pending
  const id = await onboard(owner, "authorize");
  await until("a failed attempt at /b", () => events("/b", isOnb(id, "active")).length >= 1);
  // The operator removes /b from the configuration (a new deployment: a restart here).
  stopWorker(worker);
  await sleep(500);
  await start([HOOK("/a"), HOOK("/dead")]);
  const since = received["/b"].length;
  const letter = await until("the pending delivery retired to the dead letters", async () => {
    const one = await (await admin(`/api/admin/webhooks?target=${encodeURIComponent(HOOK("/b"))}`)).json();
    const box = one.targets[0].outbox;
    return box.pending.length === 0 && box.dead.find((d) => d.event_id === `evt_onb_${id}_active`);
  });
  assert.match(letter.last_error, /target_removed/);
  await sleep(2000); // well past the retry schedule (300 ms base)
  assert.equal(received["/b"].length, since, "nothing more was sent to the removed target");
  // Operators' list shows the configured targets only; the removed one stays readable by name.
  const list = await (await admin("/api/admin/webhooks")).json();
  assert.deepEqual(list.targets.map((t) => t.target).sort(), [HOOK("/a"), HOOK("/dead")].sort());
  plan["/b"].length = 0;
});

