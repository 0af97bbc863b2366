// Connections (docs/connections.md, issue 14): a merchant's own partner account, made at runtime
// by the organization's owner or admin from a template of CONNECTION_TEMPLATES, verified with a
// real grant against the sandbox before anything is kept, owned by one organization, used by
// the partner's backend through the proxy only for that organization, and erased on delete.
// Every organization here is new (no deployment knew it when the worker started).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { fetch, WORKER, ADMIN_API_KEY, proxy, sandboxControl, enteredSecret } from "./env.mjs";
import { claims, mint } from "./session.mjs";

// The sandbox as it starts (another file may have changed a service account's password).
before(() => sandboxControl("reset", {}));

const newOrg = () => `org_${randomBytes(6).toString("hex")}`;
const session = (org, role = "admin") => mint(claims({ provider_org_id: org, role }));
const api = (token, path, init = {}) => fetch(`${WORKER}${path}`, {
  ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(init.headers ?? {}) },
});
const create = (token, template, fields) =>
  api(token, "/api/connections", { method: "POST", body: JSON.stringify({ template, fields }) });
const asOrg = (org) => ({ headers: { "gatehouse-organization": org } });

const POWEREPOS = { org_id: "ORG001", username: "svc-org001", password: "svc-pass-001" };
const STREAMDIVER = { tenant: "acme", client_id: "streamdiver-acme", client_secret: "streamdiver-acme-secret" };
const OMNIRETAIN = {
  client_id: "omni-company-1", client_secret: "omni-secret-1",
  username: "api-user@company1.example", password: "api-password-1",
};
const SECRETS = [POWEREPOS.password, STREAMDIVER.client_secret, OMNIRETAIN.client_secret, OMNIRETAIN.password]
  .map(enteredSecret);
const WRONG = enteredSecret("not-the-password");

/** No answer shows a secret the merchant typed, not even masked. */
function noSecrets(text) {
  for (const s of SECRETS) assert.ok(!text.includes(s), `a secret in: ${text}`);
  assert.ok(!/access_token|refresh_token|"\*{3,}/.test(text), text);
}

test("the templates tell the form what to ask, and none of the platform's parts", async () => {
  const r = await api(session(newOrg(), "team_member"), "/api/connection-templates");
  assert.equal(r.status, 200);
  const text = await r.text();
  const { templates } = JSON.parse(text);
  assert.deepEqual(templates.map((t) => t.id).sort(),
    ["omniretain", "powerepos", "real-keycloak", "real-omniretain", "real-powerepos", "streamdiver"]);
  const pe = templates.find((t) => t.id === "powerepos");
  assert.deepEqual(pe.fields.map((f) => [f.name, f.kind]), [["org_id", "text"], ["username", "text"], ["password", "secret"]]);
  assert.equal(pe.fields[0].label, "Organisation Code");
  for (const hidden of ["powerepos-client", "POWEREPOS_CLIENT_SECRET", "127.0.0.1", "/ping"]) {
    assert.ok(!text.includes(hidden), `${hidden} in ${text}`);
  }
});

test("a connection is verified by a real grant, kept, listed and used by the proxy for its organization only", async () => {
  const org = newOrg();
  const admin = session(org);
  let r = await create(admin, "powerepos", POWEREPOS);
  let text = await r.text();
  assert.equal(r.status, 201, text);
  noSecrets(text);
  const view = JSON.parse(text);
  assert.match(view.id, /^con_[a-z2-7]{26}$/);
  assert.equal(view.status, "active");
  assert.equal(view.provider, "powerepos");
  assert.equal(view.provider_org_id, org);
  assert.deepEqual(view.fields, { org_id: "ORG001", username: "svc-org001" });
  assert.ok(view.last_refreshed_at_ms >= view.created_at_ms, text);

  r = await api(session(org, "team_member"), "/api/connections");
  text = await r.text();
  assert.equal(r.status, 200, text);
  noSecrets(text);
  assert.deepEqual(JSON.parse(text).connections.map((c) => c.id), [view.id]);
  r = await api(admin, `/api/connections/${view.id}`);
  assert.equal(r.status, 200);
  assert.deepEqual((await r.json()).fields, view.fields);

  // The partner's backend, for this organization: the connection's own token reaches PowerEPOS.
  r = await proxy(`${view.id}/ping`, asOrg(org));
  text = await r.text();
  assert.equal(r.status, 200, text);
  assert.equal(JSON.parse(text).org_id, "ORG001");
  // Not named, or named for another organization: refused before any partner call.
  r = await proxy(`${view.id}/ping`);
  assert.equal(r.status, 400);
  assert.equal((await r.json()).code, "organization_required");
  r = await proxy(`${view.id}/ping`, asOrg(newOrg()));
  assert.equal(r.status, 403);
  assert.equal((await r.json()).code, "forbidden_org");
  // Only what the template's allowlist names.
  r = await proxy(`${view.id}/elsewhere`, asOrg(org));
  assert.equal(r.status, 403);
  assert.equal((await r.json()).code, "proxy_path_not_allowed");
});

test("a refused grant answers which fields the partner blamed, and nothing is kept", async () => {
  const org = newOrg();
  const admin = session(org);
  let r = await create(admin, "powerepos", { ...POWEREPOS, password: WRONG });
  let body = await r.json();
  assert.equal(r.status, 422, JSON.stringify(body));
  assert.equal(body.code, "invalid_credentials");
  assert.deepEqual(body.fields.map((f) => f.field), ["org_id", "username", "password"]);
  assert.ok(body.fields.every((f) => f.code === "invalid_credentials" && f.message));

  r = await create(admin, "streamdiver", { ...STREAMDIVER, tenant: "no-such-tenant" });
  body = await r.json();
  assert.equal(r.status, 422, JSON.stringify(body));
  assert.equal(body.code, "invalid_tenant");
  assert.deepEqual(body.fields.map((f) => f.field), ["tenant"]);

  r = await create(admin, "streamdiver", { ...STREAMDIVER, client_secret: enteredSecret("wrong-client-secret") });
  body = await r.json();
  assert.equal(r.status, 422, JSON.stringify(body));
  assert.equal(body.code, "invalid_credentials");
  assert.deepEqual(body.fields.map((f) => f.field), ["client_id", "client_secret"]);

  r = await api(admin, "/api/connections");
  assert.deepEqual((await r.json()).connections, []);
});

test("values are checked field by field before any partner call", async () => {
  const admin = session(newOrg());
  let r = await create(admin, "powerepos", { org_id: "ORG/../1", username: "", extra: "x" });
  const body = await r.json();
  assert.equal(r.status, 422);
  assert.equal(body.code, "invalid_fields");
  assert.deepEqual(body.fields.map((f) => [f.field, f.code]),
    [["extra", "unknown_field"], ["org_id", "invalid"], ["username", "required"], ["password", "required"]]);
  r = await create(admin, "nope", {});
  assert.equal(r.status, 404);
  assert.equal((await r.json()).code, "unknown_template");
  r = await api(admin, "/api/connections", { method: "POST", body: JSON.stringify({ template: "powerepos" }) });
  assert.equal(r.status, 400);
  assert.equal((await r.json()).code, "invalid_request");
  // The organization is the session's: a body naming one is refused, not obeyed.
  r = await api(admin, "/api/connections", {
    method: "POST", body: JSON.stringify({ template: "powerepos", fields: POWEREPOS, provider_org_id: "org_other" }),
  });
  assert.equal(r.status, 400);
});

test("only owners and admins connect; another organization cannot read, use or delete", async () => {
  const org = newOrg();
  for (const role of ["manager", "team_member"]) {
    const r = await create(session(org, role), "omniretain", OMNIRETAIN);
    assert.equal(r.status, 403, role);
    assert.equal((await r.json()).code, "forbidden_role");
  }
  let r = await create(session(org, "owner"), "omniretain", OMNIRETAIN);
  assert.equal(r.status, 201, await r.clone().text());
  const { id } = await r.json();
  const other = session(newOrg(), "owner");
  const update = JSON.stringify({ fields: OMNIRETAIN });
  for (const [method, path, body] of [["GET", `/api/connections/${id}`], ["DELETE", `/api/connections/${id}`],
    ["PUT", `/api/connections/${id}`, update]]) {
    r = await api(other, path, { method, body });
    assert.equal(r.status, 404, `${method} ${path}`);
    assert.equal((await r.json()).code, "unknown_connection");
  }
  // Update mode is an owner's or admin's, with every field checked before any partner call.
  r = await api(session(org, "manager"), `/api/connections/${id}`, { method: "PUT", body: update });
  assert.equal(r.status, 403);
  assert.equal((await r.json()).code, "forbidden_role");
  r = await api(session(org), `/api/connections/${id}`, { method: "PUT", body: JSON.stringify({ fields: { ...OMNIRETAIN, password: "" } }) });
  assert.equal(r.status, 422);
  assert.deepEqual((await r.json()).fields.map((f) => [f.field, f.code]), [["password", "required"]]);
  r = await api(session(org), `/api/connections/${id}`, { method: "PUT", body: JSON.stringify({ template: "powerepos", fields: OMNIRETAIN }) });
  assert.equal(r.status, 400, "the template of a connection is not changed");
  r = await api(session(org), `/api/connections/${id}`, { method: "PUT", body: update });
  assert.equal(r.status, 200, await r.clone().text());
  const updated = await r.json();
  assert.equal(updated.status, "active");
  noSecrets(JSON.stringify(updated));
  r = await api(other, "/api/connections");
  assert.deepEqual((await r.json()).connections, []);
  // Still there for its owner, and usable.
  r = await proxy(`${id}/api/v1/member/ping`, asOrg(org));
  assert.equal(r.status, 200, await r.clone().text());
  // A browser cannot create for a page of a hostile origin.
  r = await api(session(org), "/api/connections", {
    method: "POST", headers: { origin: "https://evil.example" }, body: JSON.stringify({ template: "omniretain", fields: OMNIRETAIN }),
  });
  assert.equal(r.status, 403);
  assert.equal((await r.json()).code, "origin_not_allowed");
});

test("deleting erases the connection: it is no longer listed, read or usable", async () => {
  const org = newOrg();
  const admin = session(org);
  let r = await create(admin, "streamdiver", STREAMDIVER);
  assert.equal(r.status, 201, await r.clone().text());
  const { id } = await r.json();
  r = await proxy(`${id}/v2/tenants/current/settings`, asOrg(org));
  assert.equal(r.status, 200, await r.clone().text());
  r = await api(session(org, "manager"), `/api/connections/${id}`, { method: "DELETE" });
  assert.equal(r.status, 403);
  const revocations = async (route) => (await sandboxControl("counters")).requests?.[route] ?? 0;
  const before = await revocations("streamdiver.revoke");
  r = await api(admin, `/api/connections/${id}`, { method: "DELETE" });
  assert.equal(r.status, 204);
  // Its token was revoked at the partner (RFC 7009, Keycloak's endpoint in the tenant's realm).
  assert.equal(await revocations("streamdiver.revoke"), before + 1);
  r = await api(admin, `/api/connections/${id}`);
  assert.equal(r.status, 404);
  r = await proxy(`${id}/v2/tenants/current/settings`, asOrg(org));
  assert.equal(r.status, 404);
  assert.equal((await r.json()).code, "unknown_connection");
  assert.deepEqual((await (await api(admin, "/api/connections")).json()).connections, []);
  // OmniRetain (Django OAuth Toolkit): the refresh token is revoked at its revoke_token/ view.
  r = await create(admin, "omniretain", OMNIRETAIN);
  assert.equal(r.status, 201, await r.clone().text());
  const omni = (await r.json()).id;
  const omniBefore = await revocations("omniretain.revoke");
  assert.equal((await api(admin, `/api/connections/${omni}`, { method: "DELETE" })).status, 204);
  assert.equal(await revocations("omniretain.revoke"), omniBefore + 1);
  // An id of no connection at all answers the same.
  r = await proxy(`con_${"a".repeat(26)}/v2/tenants/current/settings`, asOrg(org));
  assert.equal(r.status, 404);
});

test("operators page through every organization's connections: ids, templates, organizations, never a value", async () => {
  const made = [];
  for (const template of ["powerepos", "streamdiver", "omniretain"]) {
    const org = newOrg();
    const fields = { powerepos: POWEREPOS, streamdiver: STREAMDIVER, omniretain: OMNIRETAIN }[template];
    const r = await create(session(org), template, fields);
    assert.equal(r.status, 201, await r.clone().text());
    made.push({ id: (await r.json()).id, template, provider_org_id: org });
  }
  const adminGet = (query) => fetch(`${WORKER}/api/admin/connections${query}`, { headers: { authorization: `Bearer ${ADMIN_API_KEY}` } });
  const seen = [];
  let cursor = "";
  for (let pages = 0; pages < 100; pages++) {
    const r = await adminGet(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
    const text = await r.text();
    assert.equal(r.status, 200, text);
    noSecrets(text);
    const page = JSON.parse(text);
    assert.ok(page.connections.length <= 2);
    seen.push(...page.connections);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  const ids = seen.map((c) => c.id);
  assert.deepEqual([...ids].sort(), ids, "in id order");
  assert.equal(new Set(ids).size, ids.length, "no connection twice");
  for (const m of made) {
    const row = seen.find((c) => c.id === m.id);
    assert.ok(row, `${m.id} listed`);
    assert.deepEqual({ id: row.id, template: row.template, provider_org_id: row.provider_org_id }, m);
    assert.deepEqual(Object.keys(row).sort(), ["created_at_ms", "id", "provider_org_id", "template"]);
  }
  // Deleted: gone from the operators' list too.
  assert.equal((await api(session(made[0].provider_org_id), `/api/connections/${made[0].id}`, { method: "DELETE" })).status, 204);
  const all = await (await adminGet("?limit=1000")).json();
  assert.ok(!all.connections.some((c) => c.id === made[0].id));
  assert.ok(all.connections.some((c) => c.id === made[1].id));
  // Operators only; limits and cursors checked.
  assert.equal((await api(session(newOrg(), "owner"), "/api/admin/connections")).status, 401);
  for (const bad of ["?limit=0", "?limit=1001", "?limit=x", "?cursor=nope"]) {
    const r = await adminGet(bad);
    assert.equal(r.status, 400, bad);
    assert.equal((await r.json()).code, "invalid_request");
  }
});
