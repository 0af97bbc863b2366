// The token broker against REAL OAuth servers installed from registries (started by
// scripts/test.sh): panva's oidc-provider (npm) as a Keycloak realm and as a PowerEPOS-style
// password grant with JWT access tokens, and django-oauth-toolkit (PyPI) as OmniRetain.
// Their answers — successes and errors — are the servers' own, not the sandbox's.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { fetch, DOT_URL, WORKER, admin, proxy, resetCredential, sleep, enteredSecret } from "./env.mjs";
import { claims, mint } from "./session.mjs";

const DOT = DOT_URL;
const IDS = ["real-fifth-partner", "real-keycloak-acme", "real-keycloak-wrong", "real-powerepos-org001", "real-powerepos-wrong",
  "real-dot-company-1", "real-dot-cc-1", "real-dot-wrong-password"];

async function status(id, warm = false) {
  const r = await admin(`/api/admin/credentials/${id}${warm ? "?warm=1" : ""}`);
  return { code: r.status, body: await r.json() };
}

beforeEach(async () => {
  for (const id of IDS) assert.equal((await resetCredential(id)).status, 200, id);
});

test("Keycloak-style client credentials (oidc-provider realm): token, proxy, no refresh token", async () => {
  const s = await status("real-keycloak-acme", true);
  assert.equal(s.code, 200, JSON.stringify(s.body));
  assert.equal(s.body.state, "valid");
  assert.equal(s.body.holds_refresh_token, false);
  assert.ok(s.body.expires_in_s > 7000 && s.body.expires_in_s <= 7200, `${s.body.expires_in_s}`);
  const r = await proxy("real-keycloak-acme/settings");
  assert.equal(r.status, 200);
  assert.equal((await r.json()).tenant, "acme");
});

test("Keycloak-style invalid_client from oidc-provider is a misconfiguration, not retried", async () => {
  const s = await status("real-keycloak-wrong", true);
  assert.equal(s.code, 502);
  assert.equal(s.body.code, "partner_rejected");
  assert.equal(s.body.retryable, false);
  assert.equal((await status("real-keycloak-wrong")).body.upstream_token_calls, 1);
});

test("PowerEPOS-style password grant (oidc-provider): the proxy follows the JWT's AuthServerClaims.Service", async () => {
  const s = await status("real-powerepos-org001", true);
  assert.equal(s.code, 200, JSON.stringify(s.body));
  assert.equal(s.body.holds_refresh_token, true, "offline_access gives a refresh token");
  const r = await proxy("real-powerepos-org001/ping");
  assert.equal(r.status, 200);
  assert.equal((await r.json()).org_id, "ORG001");
});

test("PowerEPOS-style wrong service-account password: oidc-provider's invalid_grant → needs_reauth, held off", async () => {
  let s = await status("real-powerepos-wrong", true);
  assert.equal(s.code, 502);
  assert.equal(s.body.code, "needs_reauth");
  s = await status("real-powerepos-wrong", true);
  assert.equal(s.body.code, "needs_reauth");
  assert.equal((await status("real-powerepos-wrong")).body.upstream_token_calls, 1, "no retry, no second call");
});

test("OmniRetain on django-oauth-toolkit: password grant, client credentials, and the proxy", async () => {
  let s = await status("real-dot-company-1", true);
  assert.equal(s.code, 200, JSON.stringify(s.body));
  assert.equal(s.body.holds_refresh_token, true);
  s = await status("real-dot-cc-1", true);
  assert.equal(s.code, 200, JSON.stringify(s.body));
  assert.equal(s.body.holds_refresh_token, false, "DOT issues no refresh token for client credentials");
  const r = await proxy("real-dot-company-1/api/v1/member/ping");
  assert.equal(r.status, 200);
  assert.equal((await r.json()).company, 1);
});

test("django-oauth-toolkit rotates refresh tokens; a revoked grant falls back to the password grant", async () => {
  // DOT runs with 3 s access tokens in the test command: the broker refreshes after ~2.6 s.
  assert.equal((await proxy("real-dot-company-1/api/v1/member/ping")).status, 200);
  await sleep(3200);
  assert.equal((await proxy("real-dot-company-1/api/v1/member/ping")).status, 200);
  let s = await status("real-dot-company-1");
  assert.equal(s.body.upstream_token_calls, 2, "one grant + one refresh");
  await sleep(3200);
  assert.equal((await proxy("real-dot-company-1/api/v1/member/ping")).status, 200);
  s = await status("real-dot-company-1");
  assert.equal(s.body.upstream_token_calls, 3, "the rotated refresh token worked (no fallback needed)");
  // Every token revoked at the server: the access token now gets 401 and the refresh token
  // invalid_grant; the proxy retries once with a token from a fresh password grant.
  assert.equal((await fetch(`${DOT}/_control/revoke-all`, { method: "POST" })).status, 200);
  const r = await proxy("real-dot-company-1/api/v1/member/ping");
  assert.equal(r.status, 200);
  s = await status("real-dot-company-1");
  assert.equal(s.body.state, "valid");
  assert.equal(s.body.upstream_token_calls, 5, "refused refresh + new password grant");
});

test("django-oauth-toolkit's invalid_grant for a wrong password → needs_reauth", async () => {
  const s = await status("real-dot-wrong-password", true);
  assert.equal(s.code, 502);
  assert.equal(s.body.code, "needs_reauth");
});

test("django-oauth-toolkit itself: a rotated refresh token cannot be reused (invalid_grant), the new one works", async () => {
  // Directly at DOT, no Gatehouse: the server behaviour the broker's fallback relies on.
  const basic = `Basic ${Buffer.from("dot-company-1:dot-secret-1").toString("base64")}`;
  const token = (form) => fetch(`${DOT}/backend/core/authentication/token/`, {
    method: "POST",
    headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
  const first = await (await token({ grant_type: "password", username: "api-user@company1.example", password: "api-password-1" })).json();
  assert.ok(first.refresh_token, "a password grant holds a refresh token");
  const r1 = await token({ grant_type: "refresh_token", refresh_token: first.refresh_token });
  assert.equal(r1.status, 200);
  const second = await r1.json();
  assert.notEqual(second.refresh_token, first.refresh_token, "rotated");
  const reuse = await token({ grant_type: "refresh_token", refresh_token: first.refresh_token });
  assert.equal(reuse.status, 400);
  assert.equal((await reuse.json()).error, "invalid_grant");
  assert.equal((await token({ grant_type: "refresh_token", refresh_token: second.refresh_token })).status, 200);
});

test("a fifth partner added by configuration only (provider `custom`, docs/adding-a-provider.md) works against oidc-provider", async () => {
  const s = await status("real-fifth-partner", true);
  assert.equal(s.code, 200, JSON.stringify(s.body));
  assert.equal(s.body.provider, "custom");
  assert.equal(s.body.state, "valid");
  const r = await proxy("real-fifth-partner/settings");
  assert.equal(r.status, 200);
  assert.equal((await proxy("real-fifth-partner/other")).status, 403, "only the allowlisted path");
});

// ---- connections (docs/connections.md) against the real servers ----------------------------
const owner = (org) => mint(claims({ provider_org_id: org, role: "owner" }));
const connections = (token, path = "", init = {}) => fetch(`${WORKER}/api/connections${path}`, {
  ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
});
const connect = (token, template, fields) =>
  connections(token, "", { method: "POST", body: JSON.stringify({ template, fields }) });
const dot = async (path, body) => {
  const r = await fetch(`${DOT}/_control/${path}`, body === undefined ? {} : {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  });
  assert.equal(r.status, 200, `${path}: ${await r.clone().text()}`);
  return r.json();
};

test("a company that signed up with OmniRetain (django-oauth-toolkit) after the worker started: connected, repaired, deleted", async () => {
  // The company did not exist when the worker started: its application is made now.
  const company = await dot("new-company", {});
  enteredSecret(company.client_secret);
  enteredSecret(company.password);
  const org = `org_${randomBytes(5).toString("hex")}`;
  const token = owner(org);
  const fields = { client_id: company.client_id, client_secret: company.client_secret, username: company.username, password: company.password };
  // A wrong password: DOT's own invalid_grant, the fields named, nothing kept.
  let r = await connect(token, "real-omniretain", { ...fields, password: enteredSecret("a-wrong-dot-password") });
  let body = await r.json();
  assert.equal(r.status, 422, JSON.stringify(body));
  assert.equal(body.code, "invalid_credentials");
  assert.deepEqual(body.fields.map((f) => f.field).sort(), ["password", "username"]);
  assert.deepEqual((await (await connections(token)).json()).connections, []);

  r = await connect(token, "real-omniretain", fields);
  body = await r.json();
  assert.equal(r.status, 201, JSON.stringify(body));
  const { id } = body;
  r = await proxy(`${id}/api/v1/member/ping`, { headers: { "gatehouse-organization": org } });
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal((await r.json()).company, company.company);

  // The password is changed at OmniRetain (its tokens go): the next call finds needs_reauth…
  const changed = enteredSecret(`changed-${randomBytes(6).toString("hex")}`);
  await dot("set-password", { username: company.username, password: changed });
  r = await proxy(`${id}/api/v1/member/ping`, { headers: { "gatehouse-organization": org } });
  assert.equal(r.status, 502, await r.clone().text());
  assert.equal((await r.json()).code, "needs_reauth");
  assert.equal((await (await connections(token, `/${id}`)).json()).status, "needs_reauth");
  // …and update mode with the new password recovers it.
  r = await connections(token, `/${id}`, { method: "PUT", body: JSON.stringify({ fields: { ...fields, password: changed } }) });
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal((await r.json()).status, "active");
  r = await proxy(`${id}/api/v1/member/ping`, { headers: { "gatehouse-organization": org } });
  assert.equal(r.status, 200, await r.clone().text());
  assert.ok((await dot(`tokens?client_id=${company.client_id}`)).refresh_tokens >= 1);

  // Deleted: DOT's RFC 7009 view revoked its refresh token, and the proxy refuses the id.
  r = await connections(token, `/${id}`, { method: "DELETE" });
  assert.equal(r.status, 204);
  assert.equal((await dot(`tokens?client_id=${company.client_id}`)).refresh_tokens, 0);
  r = await proxy(`${id}/api/v1/member/ping`, { headers: { "gatehouse-organization": org } });
  assert.equal(r.status, 404);
});

test("a Keycloak-style realm (oidc-provider) and a PowerEPOS-style password grant (oidc-provider), connected at runtime", async () => {
  const org = `org_${randomBytes(5).toString("hex")}`;
  const token = owner(org);
  let r = await connect(token, "real-keycloak", { tenant: "acme", client_id: "kc-acme", client_secret: enteredSecret("kc-acme-secret") });
  let body = await r.json();
  assert.equal(r.status, 201, JSON.stringify(body));
  r = await proxy(`${body.id}/acme/settings`, { headers: { "gatehouse-organization": org } });
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal((await r.json()).tenant, "acme");
  // The realm's own refusals: a wrong secret, an unknown realm.
  r = await connect(token, "real-keycloak", { tenant: "acme", client_id: "kc-acme", client_secret: enteredSecret("not-kc-acme-secret") });
  body = await r.json();
  assert.equal(r.status, 422, JSON.stringify(body));
  assert.deepEqual(body.fields.map((f) => f.field).sort(), ["client_id", "client_secret"]);
  r = await connect(token, "real-keycloak", { tenant: "initech", client_id: "kc-acme", client_secret: "kc-acme-secret" });
  body = await r.json();
  assert.equal(r.status, 422, JSON.stringify(body));
  assert.equal(body.code, "invalid_tenant");

  r = await connect(token, "real-powerepos", { org_id: "ORG002", username: "svc-org002", password: enteredSecret("svc-pass-002") });
  body = await r.json();
  assert.equal(r.status, 201, JSON.stringify(body));
  r = await proxy(`${body.id}/ping`, { headers: { "gatehouse-organization": org } });
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal((await r.json()).org_id, "ORG002");
  r = await connect(token, "real-powerepos", { org_id: "ORG002", username: "svc-org002", password: enteredSecret("svc-pass-999") });
  body = await r.json();
  assert.equal(r.status, 422, JSON.stringify(body));
  assert.deepEqual(body.fields.map((f) => f.field), ["org_id", "username", "password"]);
  // Four connections tried, two kept.
  assert.equal((await (await connections(token)).json()).connections.length, 2);
});
