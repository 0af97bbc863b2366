// What the security review tried as an attacker, each with a test that fails on the code before
// the fix (docs/security.md items 26–30): a service URI claim pointing off the allowlist, a token
// endpoint redirecting the client secret elsewhere, oversized bodies, a bind naming another
// organization's location when the partner would not object, and one broken credential.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fetch, port, WORKER, SANDBOX, OUT, PROXY_API_KEY, admin, proxy, resetCredential, sandboxControl, sleep } from "./env.mjs";
import { claims, mint } from "./session.mjs";
import { MerchantBrowser } from "./merchant-browser.mjs";

/** A listener that must receive nothing: it records every request it gets (method, URL, body). */
const trap = { hits: [], server: null, port: port("TRAP_PORT") };
before(async () => {
  trap.server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => { body += c; });
    req.on("end", () => { trap.hits.push({ method: req.method, url: req.url, body }); res.end("{}"); });
  });
  await new Promise((resolve, reject) => {
    trap.server.once("error", (e) => reject(new Error(`trap server on 127.0.0.1:${trap.port} (TRAP_PORT): ${e.message}`)));
    trap.server.listen(trap.port, "127.0.0.1", resolve);
  });
});
after(() => trap.server?.close());

const tokenCalls = async (clientId) => (await sandboxControl("counters")).token_calls?.[clientId] ?? 0;
const requests = async (route) => (await sandboxControl("counters")).requests?.[route] ?? 0;
const status = async (id) => (await admin(`/api/admin/credentials/${id}`)).json();

beforeEach(async () => {
  trap.hits = [];
  await sandboxControl("reset", {});
  await fetch(`${SANDBOX}/_control/faults`, { method: "DELETE" });
  for (const id of ["stream", "streamdiver-acme", "powerepos-org001"]) {
    assert.equal((await resetCredential(id)).status, 200, id);
  }
});

test("a service URI claim pointing off the allowlist is refused, never called", async () => {
  for (const elsewhere of [
    `http://localhost:${trap.port}/steal/`, // a host that is not on api_hosts ["127.0.0.1"]
    `http://127.0.0.1:${trap.port}/x?u=`, // an allowed host, but a query would swallow the path
    `http://user@127.0.0.1:${trap.port}/`, // userinfo
    `ftp://127.0.0.1:${trap.port}/`,
  ]) {
    await sandboxControl("settings", { powerepos_service_uri: elsewhere });
    assert.equal((await resetCredential("powerepos-org001")).status, 200);
    const r = await proxy("powerepos-org001/ping");
    const body = await r.json();
    assert.equal(r.status, 502, elsewhere);
    assert.equal(body.code, "partner_rejected", elsewhere);
    assert.equal(body.retryable, false);
    const s = await status("powerepos-org001");
    assert.equal(s.last_error, "misconfigured", elsewhere);
    assert.notEqual(s.state, "valid");
  }
  assert.deepEqual(trap.hits, [], "no token and no call reached the claimed host");
  // Back to the partner's own URI: the credential works again after an operator's reset.
  await sandboxControl("reset", {});
  await resetCredential("powerepos-org001");
  assert.equal((await proxy("powerepos-org001/ping")).status, 200);
});

test("a token endpoint's 307 is not followed and the secret goes nowhere", async () => {
  await sandboxControl("faults", { route: "streamdiver.token", status: 307, location: `http://127.0.0.1:${trap.port}/catch?code=secret-looking` });
  const before = await tokenCalls("streamdiver-acme");
  const r = await proxy("streamdiver-acme/v2/tenants/current/settings");
  assert.equal(r.status, 502);
  assert.equal((await r.json()).code, "partner_rejected");
  assert.equal(await tokenCalls("streamdiver-acme"), before + 1, "a redirect is a misconfiguration: no retry");
  assert.equal((await status("streamdiver-acme")).last_error, "misconfigured");
  // A partner API that redirects: the proxy answers partner_redirected and follows nothing.
  await fetch(`${SANDBOX}/_control/faults`, { method: "DELETE" });
  await resetCredential("streamdiver-acme");
  await sandboxControl("faults", { route: "streamdiver.api", status: 302, location: `http://127.0.0.1:${trap.port}/api` });
  const p = await proxy("streamdiver-acme/v2/tenants/current/settings");
  assert.equal(p.status, 502);
  assert.equal((await p.json()).code, "partner_redirected");
  assert.deepEqual(trap.hits, [], "the redirect targets received nothing: no secret, no token, no body");
});

/**
 * A raw POST whose body never completes: `length` declared and only 1 KB sent, or (without
 * `length`) an endless chunked body. workerd delivers an answer only once the request body has
 * been consumed, so the worker's decision is read from its access log line, found by the request
 * id this request sets (`cf-ray`): answers that line's status, how long after the headers it was
 * written, and how much body had been sent by then.
 */
function rawPost(path, headers, length) {
  const ray = randomBytes(8).toString("hex");
  const url = new URL(WORKER);
  const sock = net.connect(Number(url.port), url.hostname);
  sock.on("error", () => {});
  const head = [`POST ${path} HTTP/1.1`, `Host: ${url.host}`, `cf-ray: ${ray}-TST`,
    length ? `content-length: ${length}` : "transfer-encoding: chunked",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  sock.write(`${head.join("\r\n")}\r\n\r\n`);
  if (length) sock.write(Buffer.alloc(1024, 0x61));
  const t0 = Date.now();
  let sent = length ? 1024 : 0;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (!length) {
        const part = Buffer.alloc(4096, 0x61);
        sock.write(`${part.length.toString(16)}\r\n`);
        sock.write(part);
        sock.write("\r\n");
        sent += part.length;
      }
      const line = readFileSync(join(OUT, "logs", "worker.log"), "utf8").split("\n").find((l) => l.includes(ray));
      if (line || Date.now() - t0 > 10_000) {
        clearInterval(timer);
        sock.destroy();
        resolve({ status: line ? Number(JSON.parse(line).status) : 0, ms: Date.now() - t0, sent, line });
      }
    }, 25);
  });
}

/**
 * Waits until the worker answers again. Dropping a hung upload's socket can race `wrangler dev`'s
 * own body-draining middleware ("Failed to drain the unused request body … Network connection
 * lost"), after which the dev server answers the very next request `503` before the worker sees
 * it; production has no such middleware. Each raw POST below starts on a worker that answers.
 */
async function workerAnswers() {
  for (let i = 0; i < 50; i++) {
    if ((await fetch(`${WORKER}/api/health`).catch(() => null))?.status === 200) return;
    await sleep(100);
  }
}

test("oversized bodies are refused before they are read", async () => {
  const session = mint(claims({ provider_org_id: `org_${randomBytes(6).toString("hex")}`, role: "owner" }));
  const huge = 200 * 1024 * 1024;
  for (const [path, headers] of [
    // Unauthenticated first: the SSO route refuses by length before any session check.
    ["/api/sso", { "content-type": "application/x-www-form-urlencoded" }],
    ["/api/onboarding", { "content-type": "application/json", authorization: `Bearer ${session}` }],
    ["/api/proxy/stream/partner-tokens", { "content-type": "application/json", authorization: `Bearer ${PROXY_API_KEY}` }],
  ]) {
    // A declared 200 MB: refused by its Content-Length while 1 KB has arrived.
    await workerAnswers();
    const declared = await rawPost(path, headers, huge);
    assert.equal(declared.status, 413, `${path}: ${declared.line}`);
    assert.ok(declared.ms < 3000, `${path} decided in ${declared.ms} ms`);
    // No length: read in chunks and cut at the route's limit (16 KB, 64 KB, 1 MB) as it arrives.
    await workerAnswers();
    const streamed = await rawPost(path, headers);
    assert.equal(streamed.status, 413, `${path}: ${streamed.line}`);
    assert.ok(streamed.sent < 2 * 1024 * 1024, `${path} cut after ${streamed.sent} bytes`);
  }
  // The worker keeps serving, the hung uploads notwithstanding.
  for (let i = 0; i < 5; i++) assert.equal((await fetch(`${WORKER}/api/health`)).status, 200);
  // Within the limit the routes work as before.
  const ok = await fetch(`${WORKER}/api/sso`, { method: "POST", redirect: "manual", headers: { authorization: `Bearer ${mint(claims())}` } });
  assert.equal(ok.status, 303);
});

test("bind refuses a location of another organization even when the partner would not", async () => {
  // The partner's own ownership check is off: only the worker's stands between orgs.
  const api = (token, path, body) => fetch(`${WORKER}${path}`, {
    method: body ? "POST" : "GET",
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const start = async (token, type, source) => (await api(token, "/api/onboarding", { source, type })).json();
  const a = mint(claims({ provider_org_id: `org_a_${randomBytes(4).toString("hex")}`, role: "owner" }));
  const b = mint(claims({ provider_org_id: `org_b_${randomBytes(4).toString("hex")}`, role: "owner" }));
  const posB = await start(b, "pos", "square");
  await new MerchantBrowser(WORKER).onboard(posB.entry_url);
  const bLocs = await (await api(b, `/api/onboarding/${posB.onboarding.id}/locations/ingest`, { locations: [{ external_id: "b-1", name: "B's store" }] })).json();
  const foreignPos = bLocs.locations[0]._id;
  const posA = await start(a, "pos", "square");
  await new MerchantBrowser(WORKER).onboard(posA.entry_url);
  const aLocs = await (await api(a, `/api/onboarding/${posA.onboarding.id}/locations/ingest`, { locations: [{ external_id: "a-1", name: "A's store" }] })).json();
  const dspA = await start(a, "dsp", "ubereats");
  await new MerchantBrowser(WORKER).onboard(dspA.entry_url);
  const dspLoc = (await (await api(a, `/api/onboarding/${dspA.onboarding.id}/locations`)).json()).locations[0]._id;
  await sandboxControl("settings", { skip_location_ownership: true });
  const binds = await requests("stream.locations");
  // Another organization's POS location, and a POS location posing as this onboarding's DSP one.
  for (const [dsp, pos, code] of [
    [dspLoc, foreignPos, "location_not_found"],
    [aLocs.locations[0]._id, aLocs.locations[0]._id, "invalid_location"],
  ]) {
    const r = await api(a, `/api/onboarding/${dspA.onboarding.id}/locations/bind`, { locations: [{ dsp_location_id: dsp, pos_location_id: pos }] });
    assert.equal((await r.json()).code, code, `${dsp} → ${pos}`);
  }
  // Only the worker's own reads of A's locations reached the partner; no bind call did.
  const after = (await (await api(a, `/api/onboarding/${dspA.onboarding.id}/locations`)).json()).locations;
  assert.equal(after.find((l) => l._id === dspLoc).bound_pos_location_id, undefined, "nothing was bound");
  assert.ok((await requests("stream.locations")) - binds <= 3, "the worker read the org's locations, nothing more");
  // A's own POS location binds.
  const ok = await api(a, `/api/onboarding/${dspA.onboarding.id}/locations/bind`, { locations: [{ dsp_location_id: dspLoc, pos_location_id: aLocs.locations[0]._id }] });
  assert.equal(ok.status, 200);
  await sandboxControl("settings", { skip_location_ownership: false });
});

test("one credential with a missing secret does not stop the others", async () => {
  const list = await (await admin("/api/admin/credentials")).json();
  const broken = list.credentials.find((c) => c.credential === "wrong-missing-secret");
  assert.equal(broken.state, "misconfigured");
  assert.match(broken.problem, /credential `wrong-missing-secret`: secret `NOT_SET_ANYWHERE` \(for client_secret\) is not set/);
  for (const c of list.credentials.filter((c) => c.credential !== "wrong-missing-secret")) {
    assert.ok(!c.problem, `${c.credential} reports no problem: ${c.problem}`);
  }
  const one = await (await admin("/api/admin/credentials/wrong-missing-secret")).json();
  assert.equal(one.state, "misconfigured");
  // Every other credential serves, and its errors never name the broken one.
  for (const path of ["streamdiver-acme/v2/tenants/current/settings", "powerepos-org001/ping", "omniretain-company-1/api/v1/member/ping"]) {
    const r = await proxy(path);
    assert.equal(r.status, 200, path);
  }
  const sso = await fetch(`${WORKER}/api/sso`, { method: "POST", redirect: "manual", headers: { authorization: `Bearer ${mint(claims())}` } });
  assert.equal(sso.status, 303, "SSO through the stream credential works");
});
