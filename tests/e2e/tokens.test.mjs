// The token broker in workerd against the sandbox's four partners: each provider's grant,
// single flight, expiry, refresh rotation and fallback, error classes, and the proxy.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { fetch, WORKER, admin, proxy, resetCredential, sandboxControl, sandboxStreamOrg, sleep, SANDBOX, SECRET_VALUES } from "./env.mjs";

const tokenCalls = async (clientId) => (await sandboxControl("counters")).token_calls?.[clientId] ?? 0;
const requests = async (route) => (await sandboxControl("counters")).requests?.[route] ?? 0;

async function status(id, warm = false) {
  const r = await admin(`/api/admin/credentials/${id}${warm ? "?warm=1" : ""}`);
  const text = await r.text();
  for (const s of SECRET_VALUES) assert.ok(!text.includes(s), `status of ${id} leaks a secret`);
  return { status: r.status, body: JSON.parse(text) };
}

const CREDENTIALS = ["stream", "omniretain-company-1", "streamdiver-acme", "powerepos-org001"];

beforeEach(async () => {
  await sandboxControl("reset", {});
  for (const id of [...CREDENTIALS, "omniretain-wrong-password", "streamdiver-wrong-secret"]) {
    assert.equal((await resetCredential(id)).status, 200, `reset ${id}`);
  }
});

test("every seed provider's grant yields a valid token, reported without the token", async () => {
  const expect = {
    stream: { provider: "stream", refresh: true, scopes: ["onboarding", "sso", "user"] },
    "omniretain-company-1": { provider: "omniretain", refresh: true },
    "streamdiver-acme": { provider: "streamdiver", refresh: false },
    "powerepos-org001": { provider: "powerepos", refresh: true },
  };
  for (const [id, e] of Object.entries(expect)) {
    const { status: code, body } = await status(id, true);
    assert.equal(code, 200, `${id}: ${JSON.stringify(body)}`);
    assert.equal(body.state, "valid", id);
    assert.equal(body.provider, e.provider);
    assert.equal(body.holds_refresh_token, e.refresh, `${id} refresh token`);
    assert.equal(body.upstream_token_calls, 1, id);
    assert.ok(body.expires_in_s > 0, id);
    if (e.scopes) assert.deepEqual([...body.scopes].sort(), e.scopes);
    assert.ok(!("access_token" in body) && !("refresh_token" in body));
  }
});

test("the proxy calls each partner with the bearer token (PowerEPOS at the URI from the JWT claim)", async () => {
  let r = await proxy("streamdiver-acme/v2/tenants/current/settings");
  assert.equal(r.status, 200);
  assert.equal((await r.json()).tenant, "acme");
  r = await proxy("powerepos-org001/ping");
  assert.equal(r.status, 200);
  assert.equal((await r.json()).org_id, "ORG001");
  r = await proxy("omniretain-company-1/api/v1/member/ping");
  assert.equal(r.status, 200);
  assert.equal((await r.json()).ok, true);
  // Partner tokens management (seed 000) for trusted callers.
  const org = await sandboxStreamOrg();
  r = await proxy("stream/partner-tokens", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ org_id: org, token_name: "ci", scopes: ["user"] }),
  });
  assert.equal(r.status, 201, await r.clone().text());
  const created = await r.json();
  r = await proxy(`stream/partner-tokens?org_id=${org}`);
  assert.equal(r.status, 200);
  assert.deepEqual((await r.json()).map((t) => t._id), [created._id]);
  r = await proxy(`stream/partner-tokens/${created._id}`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token_name: "renamed" }),
  });
  assert.equal(r.status, 200);
  assert.equal((await r.json()).token_name, "renamed");
  r = await proxy(`stream/partner-tokens/${created._id}`, { method: "DELETE" });
  assert.equal(r.status, 204);
});

test("the proxy refuses browsers, missing keys and paths off the allowlist", async () => {
  let r = await proxy("streamdiver-acme/v2/tenants/current/settings", { headers: { origin: WORKER } });
  assert.equal(r.status, 403);
  assert.equal((await r.json()).code, "browser_not_allowed");
  r = await proxy("streamdiver-acme/v2/tenants/current/settings", { headers: { authorization: "Bearer nope" } });
  assert.equal(r.status, 401);
  for (const path of ["streamdiver-acme/v2/tenants/other/settings", "streamdiver-acme/v2/tenants/current/settings/../../x",
    "stream/white-label/generate-session", "stream/partner-tokens/%2e%2e/x"]) {
    r = await proxy(path);
    assert.equal(r.status, 403, path);
    assert.equal((await r.json()).code, "proxy_path_not_allowed", path);
  }
  r = await proxy("nope/x");
  assert.equal(r.status, 404);
  assert.equal(await tokenCalls("streamdiver-acme"), 0, "refusals make no token call");
});

test("200 concurrent cold callers cause exactly one upstream token call", async () => {
  const answers = await Promise.all(
    Array.from({ length: 200 }, () => proxy("streamdiver-acme/v2/tenants/current/settings")),
  );
  assert.deepEqual([...new Set(answers.map((r) => r.status))], [200]);
  assert.equal(await tokenCalls("streamdiver-acme"), 1);
});

test("200 concurrent callers at expiry cause exactly one more token call", async () => {
  // 5 s tokens: long enough that the new token does not itself come due during the burst.
  await sandboxControl("settings", { token_lifetime_s: { streamdiver: 5 } });
  assert.equal((await proxy("streamdiver-acme/v2/tenants/current/settings")).status, 200);
  await sleep(5300); // expired
  const answers = await Promise.all(
    Array.from({ length: 200 }, () => proxy("streamdiver-acme/v2/tenants/current/settings")),
  );
  assert.deepEqual([...new Set(answers.map((r) => r.status))], [200]);
  assert.equal(await tokenCalls("streamdiver-acme"), 2);
});

test("an expired Stream token is refreshed with its rotating refresh token; a revoked one falls back to a new grant", async () => {
  const org = await sandboxStreamOrg();
  await sandboxControl("settings", { token_lifetime_s: { stream: 2 } });
  let s = await status("stream", true);
  assert.equal(s.body.holds_refresh_token, true);
  await sleep(2300);
  assert.equal((await proxy(`stream/partner-tokens?org_id=${org}`)).status, 200);
  assert.equal(await tokenCalls("sandbox-stream-client"), 3, "set-up grant, our grant, one refresh");
  // Revoke every refresh token of the client: the refresh answers invalid_grant, the broker
  // forgets it and obtains a new grant; callers never notice.
  await sandboxControl("revoke-credential", { client_id: "sandbox-stream-client" });
  await sleep(2300);
  assert.equal((await proxy(`stream/partner-tokens?org_id=${org}`)).status, 200);
  assert.equal(await tokenCalls("sandbox-stream-client"), 5, "a refused refresh, then a new grant");
  s = await status("stream");
  assert.equal(s.body.state, "valid");
  assert.equal(s.body.holds_refresh_token, true);
});

test("a partner 401 invalidates the token and retries once, never more", async () => {
  // An upstream that always answers 401 sees exactly two calls.
  await sandboxControl("faults", [{ route: "streamdiver.api", status: 401 }]);
  const r = await proxy("streamdiver-acme/v2/tenants/current/settings");
  assert.equal(r.status, 502);
  assert.equal((await r.json()).code, "partner_rejected_token");
  assert.equal(await requests("streamdiver.api"), 2);
  assert.equal(await tokenCalls("streamdiver-acme"), 2, "the retry used a new token");
  // One 401 (e.g. a token revoked early) is healed by the retry.
  await fetch(`${SANDBOX}/_control/faults`, { method: "DELETE" });
  await sandboxControl("faults", [{ route: "streamdiver.api", status: 401, times: 1 }]);
  assert.equal((await proxy("streamdiver-acme/v2/tenants/current/settings")).status, 200);
});

test("error classes: invalid_grant → needs_reauth, invalid_client → misconfigured, 5xx → bounded retries", async () => {
  let s = await status("omniretain-wrong-password", true);
  assert.equal(s.status, 502);
  assert.equal(s.body.code, "needs_reauth");
  assert.equal(s.body.retryable, false);
  const calls = await tokenCalls("omni-company-2");
  assert.equal(calls, 1, "invalid_grant is not retried");
  s = await status("omniretain-wrong-password", true);
  assert.equal(s.body.code, "needs_reauth");
  assert.equal(await tokenCalls("omni-company-2"), calls, "held off: no further upstream calls");
  s = await status("omniretain-wrong-password");
  assert.equal(s.body.state, "needs_reauth");

  s = await status("streamdiver-wrong-secret", true);
  assert.equal(s.status, 502);
  assert.equal(s.body.code, "partner_rejected");
  assert.equal(await tokenCalls("streamdiver-globex"), 1, "invalid_client is not retried");

  // A 503 once is retried and heals; 503 every time gives up after three attempts, retryable.
  await sandboxControl("faults", [{ route: "powerepos.token", status: 503, times: 1 }]);
  s = await status("powerepos-org001", true);
  assert.equal(s.status, 200);
  assert.equal(await tokenCalls("powerepos-client"), 2);
  await resetCredential("powerepos-org001");
  await sandboxControl("reset", {});
  await sandboxControl("faults", [{ route: "powerepos.token", status: 503, body: "html" }]);
  s = await status("powerepos-org001", true);
  assert.equal(s.status, 502);
  assert.equal(s.body.code, "partner_unavailable");
  assert.equal(s.body.retryable, true);
  assert.equal(await tokenCalls("powerepos-client"), 3);
});

test("a still-valid token keeps being served while its refresh fails", async () => {
  await sandboxControl("settings", { token_lifetime_s: { streamdiver: 20 } });
  assert.equal((await proxy("streamdiver-acme/v2/tenants/current/settings")).status, 200);
  // Refresh is due 10% (2 s) before expiry, jittered by up to 1 s more: wait until it is due
  // (at most 18 s) but not expired (20 s).
  await sleep(18300);
  await sandboxControl("faults", [{ route: "streamdiver.token", status: 500 }]);
  const r = await proxy("streamdiver-acme/v2/tenants/current/settings");
  assert.equal(r.status, 200, "the old token still works");
  assert.ok((await tokenCalls("streamdiver-acme")) >= 2, "a refresh was attempted");
});

test("a blob sealed by core's RustCrypto AES-GCM opens with WebCrypto, the worker's AEAD (one format)", async () => {
  // crates/core/src/sealed.rs CROSS_CHECK: seal(k1 = bytes 0..31, nonce [7; 12], "stream", …).
  const blob = "v1.k1.BwcHBwcHBwcHBwcH.fQ_ALgp8v9my8njl7nyC-s0p6ETj0anVBYFAxPoQFR87M08";
  const [, kid, nonce, ct] = blob.split(".");
  assert.equal(kid, "k1");
  const key = await crypto.subtle.importKey("raw", Uint8Array.from({ length: 32 }, (_, i) => i), "AES-GCM", false, ["decrypt", "encrypt"]);
  const params = (aad) => ({ name: "AES-GCM", iv: Buffer.from(nonce, "base64url"), additionalData: new TextEncoder().encode(aad), tagLength: 128 });
  const plain = await crypto.subtle.decrypt(params("stream"), key, Buffer.from(ct, "base64url"));
  assert.equal(new TextDecoder().decode(plain), "refresh-token-value");
  // Bound to the credential: another context does not open.
  await assert.rejects(crypto.subtle.decrypt(params("other"), key, Buffer.from(ct, "base64url")));
  // And WebCrypto's output is byte for byte the Rust one.
  const again = await crypto.subtle.encrypt(params("stream"), key, new TextEncoder().encode("refresh-token-value"));
  assert.equal(Buffer.from(again).toString("base64url"), ct);
});
