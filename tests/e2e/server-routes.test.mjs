// The server routes (docs/server.md, issue 15 §2): with a server key trusted for an organization,
// the partner's backend lists and reads that organization's onboardings (in full, as Stream
// returns them), ingests and binds locations, revokes, and lists and deletes its connections —
// with no portal session. The organization comes from the path, and only from organizations the
// key allows; a read-only key cannot write; browsers and the deployment's secrets are refused.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { fetch, WORKER, ADMIN_API_KEY, PROXY_API_KEY, enteredSecret, sandboxControl, resetCredential } from "./env.mjs";
import { claims, mint } from "./session.mjs";
import { MerchantBrowser } from "./merchant-browser.mjs";

before(async () => {
  await sandboxControl("reset", {});
  assert.equal((await resetCredential("stream")).status, 200);
});

const newOrg = () => `org_${randomBytes(6).toString("hex")}`;
const owner = (org) => mint(claims({ provider_org_id: org, role: "owner" }));
const call = (key, path, init = {}) => fetch(`${WORKER}${path}`, {
  redirect: "manual", ...init,
  headers: { authorization: `Bearer ${key}`, ...(init.body ? { "content-type": "application/json" } : {}), ...(init.headers ?? {}) },
});
const post = (key, path, body) => call(key, path, { method: "POST", body: body === undefined ? undefined : JSON.stringify(body) });
const server = (org, rest = "") => `/api/server/organizations/${org}${rest}`;

async function makeKey(body) {
  const r = await post(ADMIN_API_KEY, "/api/admin/keys", body);
  const text = await r.text();
  assert.equal(r.status, 201, text);
  return enteredSecret(JSON.parse(text).secret);
}

async function refused(r, status, code) {
  const text = await r.text();
  assert.equal(r.status, status, text);
  assert.equal(JSON.parse(text).code, code, text);
}

/** An onboarding started by the organization's owner (and completed by a merchant's browser). */
async function onboarding(org, body = { source: "square", type: "pos" }, complete = true) {
  const r = await post(owner(org), "/api/onboarding", body);
  const text = await r.text();
  assert.equal(r.status, 200, text);
  const started = JSON.parse(text);
  if (complete) await new MerchantBrowser(WORKER).onboard(started.entry_url);
  return started.onboarding.id;
}

test("a key trusted for an organization lists its onboardings, reads one in full and filters by status", async () => {
  const org = newOrg();
  const active = await onboarding(org);
  const pending = await onboarding(org, { source: "ubereats", type: "dsp" }, false);
  const reader = await makeKey({ name: "sync", scopes: ["onboarding:read"], organizations: [org] });
  let r = await call(reader, server(org, "/onboardings"));
  let text = await r.text();
  assert.equal(r.status, 200, text);
  const page = JSON.parse(text);
  const ids = page.onboardings.map((o) => o.id);
  assert.deepEqual([...ids].sort(), [active, pending].sort());
  assert.deepEqual(ids, [...ids].sort(), "id order");
  assert.equal(page.next_cursor, undefined);
  const byId = Object.fromEntries(page.onboardings.map((o) => [o.id, o]));
  assert.equal(byId[active].status, "active");
  assert.equal(byId[pending].status, "pending");
  assert.ok(byId[active].started_by && byId[active].created_at_ms > 0);
  // Filtered, and paged.
  r = await call(reader, server(org, "/onboardings?status=pending"));
  assert.deepEqual((await r.json()).onboardings.map((o) => o.id), [pending]);
  r = await call(reader, server(org, "/onboardings?limit=1"));
  const first = await r.json();
  assert.equal(first.onboardings.length, 1);
  r = await call(reader, server(org, `/onboardings?limit=1&cursor=${first.next_cursor}`));
  const second = await r.json();
  assert.deepEqual([first.onboardings[0].id, second.onboardings[0].id], [...ids]);
  await refused(await call(reader, server(org, "/onboardings?status=done")), 400, "invalid_request");
  // In full: every field Stream returns, beyond the browser's view.
  r = await call(reader, server(org, `/onboardings/${active}`));
  text = await r.text();
  assert.equal(r.status, 200, text);
  const full = JSON.parse(text);
  assert.equal(full._id ?? full.id, active);
  const view = await (await call(owner(org), `/api/onboarding/${active}`)).json();
  const extra = Object.keys(full).filter((k) => !(k in view));
  assert.ok(extra.length > 0, `no field beyond the view: ${Object.keys(full)}`);
  assert.ok(!/access_token|refresh_token|client_secret/.test(text), text);
  // Another organization's onboarding is unknown here.
  const other = newOrg();
  const theirs = await onboarding(other, undefined, false);
  await refused(await call(reader, server(org, `/onboardings/${theirs}`)), 404, "onboarding_not_found");
});

test("writes need onboarding:write: ingest, bind and revoke for the organization", async () => {
  const org = newOrg();
  const pos = await onboarding(org);
  const dsp = await onboarding(org, { source: "ubereats", type: "dsp" });
  const reader = await makeKey({ name: "reader", scopes: ["onboarding:read"], organizations: [org] });
  const writer = await makeKey({ name: "writer", scopes: ["onboarding:read", "onboarding:write"], organizations: [org] });
  const ingest = { locations: [{ external_id: "store-7", name: "Quay St" }] };
  await refused(await post(reader, server(org, `/onboardings/${pos}/locations/ingest`), ingest), 403, "insufficient_scope");
  let r = await post(writer, server(org, `/onboardings/${pos}/locations/ingest`), ingest);
  assert.equal(r.status, 200, await r.clone().text());
  const quay = (await r.json()).locations.find((l) => l.external_id === "store-7");
  assert.ok(quay);
  r = await call(reader, server(org, `/onboardings/${dsp}/locations`));
  assert.equal(r.status, 200);
  const dspLocation = (await r.json()).locations[0];
  r = await post(writer, server(org, `/onboardings/${dsp}/locations/bind`), { locations: [{ dsp_location_id: dspLocation._id, pos_location_id: quay._id }] });
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal((await r.json()).locations.find((l) => l._id === dspLocation._id).bound_pos_location_id, quay._id);
  await refused(await post(reader, server(org, `/onboardings/${dsp}/revoke`)), 403, "insufficient_scope");
  r = await post(writer, server(org, `/onboardings/${dsp}/revoke`));
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal((await r.json()).status, "revoked");
  r = await call(reader, server(org, "/onboardings?status=revoked"));
  assert.deepEqual((await r.json()).onboardings.map((o) => o.id), [dsp]);
});

test("a key cannot reach another organization's onboardings or connections; browsers and the deployment's secrets are refused", async () => {
  const mine = newOrg();
  const theirs = newOrg();
  await onboarding(theirs, undefined, false);
  const key = await makeKey({ name: "mine", scopes: ["onboarding:read", "onboarding:write", "connections:read", "connections:write"], organizations: [mine] });
  for (const path of ["/onboardings", "/connections"]) {
    await refused(await call(key, server(theirs, path)), 403, "forbidden_org");
  }
  await refused(await post(key, server(theirs, "/onboardings/onb_1/revoke")), 403, "forbidden_org");
  // A key for every organization reaches both, but a path that names no organization (the
  // registries' objects) is refused on every server route.
  const any = await makeKey({ name: "any", scopes: ["onboarding:read", "connections:read"] });
  assert.equal((await call(any, server(theirs, "/onboardings"))).status, 200);
  for (const path of ["/onboardings", "/onboardings/onb_1/locations", "/connections"]) {
    for (const registry of ["@keys", "@connections"]) {
      await refused(await call(any, server(registry, path)), 403, "forbidden_org");
    }
  }
  // The operators' and proxy secrets are not server keys; a browser is refused before the key.
  for (const secret of [ADMIN_API_KEY, PROXY_API_KEY, "nope"]) {
    await refused(await call(secret, server(mine, "/onboardings")), 401, "unauthorized");
  }
  await refused(await call(key, server(mine, "/onboardings"), { headers: { origin: "https://portal.example" } }), 403, "browser_not_allowed");
  await refused(await call(key, server(mine, "/onboardings"), { headers: { "sec-fetch-site": "same-origin" } }), 403, "browser_not_allowed");
});

test("connections: listed and read with connections:read, deleted with connections:write", async () => {
  const org = newOrg();
  let r = await post(owner(org), "/api/connections", { template: "powerepos", fields: { org_id: "ORG001", username: "svc-org001", password: "svc-pass-001" } });
  assert.equal(r.status, 201, await r.clone().text());
  const { id } = await r.json();
  const reader = await makeKey({ name: "reader", scopes: ["connections:read"], organizations: [org] });
  const writer = await makeKey({ name: "writer", scopes: ["connections:write"], organizations: [org] });
  r = await call(reader, server(org, "/connections"));
  const text = await r.text();
  assert.equal(r.status, 200, text);
  assert.deepEqual(JSON.parse(text).connections.map((c) => c.id), [id]);
  assert.ok(!text.includes("svc-pass-001"));
  assert.equal((await call(reader, server(org, `/connections/${id}`))).status, 200);
  await refused(await call(reader, server(org, `/connections/${id}`), { method: "DELETE" }), 403, "insufficient_scope");
  // Under another organization's path it is unknown, even to a key trusted for every
  // organization, and survives a delete there.
  const any = await makeKey({ name: "any", scopes: ["connections:read", "connections:write"] });
  const other = newOrg();
  await refused(await call(any, server(other, `/connections/${id}`)), 404, "unknown_connection");
  await refused(await call(any, server(other, `/connections/${id}`), { method: "DELETE" }), 404, "unknown_connection");
  assert.equal((await call(reader, server(org, `/connections/${id}`))).status, 200);
  await refused(await call(writer, server(org, "/connections")), 403, "insufficient_scope");
  r = await call(writer, server(org, `/connections/${id}`), { method: "DELETE" });
  assert.equal(r.status, 204);
  assert.deepEqual((await (await call(reader, server(org, "/connections"))).json()).connections, []);
  // Another organization's connection: refused to a key not trusted for that path.
  await refused(await call(reader, server(newOrg(), `/connections/${id}`)), 403, "forbidden_org");
});
