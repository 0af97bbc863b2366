// <gatehouse-connect> (docs/connections.md, "In the browser") on a partner's page of another
// origin than the worker (partner-site.mjs), against the real worker and the sandbox's PowerEPOS:
// a merchant connects with a mistyped password (refused on the fields, fixed, active), changes
// the details of the new connection, and brings a connection PowerEPOS stopped accepting back in
// update mode; the demo portal (www/connect.html) lists and deletes with the client. Every state
// passes axe-core with no serious or critical violation; nothing typed is kept in the page
// (inputs, storage). Screenshots of each state go to tests/.out/screenshots/connect/
// (scripts/screenshots.sh copies them to docs/img/connect-<state>.png).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { AxeBuilder } from "@axe-core/playwright";
import { WORKER, OUT, PAGE_ORIGIN, fetch, proxy, sandboxControl } from "../env.mjs";
import { launchChromium, recordContext } from "../chromium.mjs";
import { newOrg, session, partnerSite, open } from "./partner-site.mjs";

const browser = await launchChromium(import.meta.url);
after(() => browser.close());
const ORG001 = { org_id: "ORG001", username: "svc-org001", password: "svc-pass-001" };

/** axe over the whole page (the element's open shadow tree included): serious and critical only. */
async function axe(page, what) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`), [], what);
}

/** The element alone, animations stopped (the READMEs' pictures). */
async function shot(page, name) {
  mkdirSync(`${OUT}/screenshots/connect`, { recursive: true });
  await page.locator("gatehouse-connect").screenshot({ path: `${OUT}/screenshots/connect/${name}.png`, animations: "disabled", caret: "hide" });
}

const state = (page, s) => page.waitForSelector(`gatehouse-connect[data-state="${s}"]`, { timeout: 20_000 });
const api = (token, path, init = {}) => fetch(`${WORKER}${path}`, {
  ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
});

/** The element as a framework mounts it: attributes first, the session in an effect after the paint. */
const mount = (page, { token, attrs }) => page.evaluate(async ({ worker, token, attrs }) => {
  await window.gh.default();
  const el = document.createElement("gatehouse-connect");
  for (const [k, v] of Object.entries({ gatehouse: worker, ...attrs })) el.setAttribute(k, v);
  window.events = [];
  for (const kind of ["gatehouse-event", "gatehouse-success", "gatehouse-exit"]) {
    el.addEventListener(kind, (e) => window.events.push({
      kind, name: e.detail?.name, code: e.detail?.error?.code ?? e.detail?.code, fields: e.detail?.fields,
      status: e.detail?.connection?.status, id: e.detail?.connection?.id,
    }));
  }
  document.getElementById("app").replaceChildren(el);
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)));
  el.sessionToken = token;
}, { worker: WORKER, token, attrs });

/** What the form shows: each field's label, input type, autocomplete, value, validity and description. */
const form = (page) => page.evaluate(() => {
  const root = document.querySelector("gatehouse-connect").shadowRoot;
  return [...root.querySelectorAll("[part=field]")].map((f) => {
    const input = f.querySelector("input");
    const described = (input.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean)
      .map((id) => root.getElementById(id)?.textContent);
    return {
      name: input.name, label: root.querySelector(`label[for="${input.id}"]`).textContent, type: input.type,
      autocomplete: input.getAttribute("autocomplete"), part: input.getAttribute("part"), value: input.value,
      invalid: input.getAttribute("aria-invalid"), described,
    };
  });
});
const shadow = (page, fn, arg) => page.evaluate(([f, a]) => new Function("root", "arg", `return (${f})(root, arg)`)(
  document.querySelector("gatehouse-connect").shadowRoot, a), [fn.toString(), arg]);
const fill = (page, values) => page.evaluate((values) => {
  const root = document.querySelector("gatehouse-connect").shadowRoot;
  for (const [name, value] of Object.entries(values)) {
    const input = root.querySelector(`input[name="${name}"]`);
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }
}, values);
const focused = (page) => shadow(page, (root) => {
  const a = root.activeElement;
  return a ? `${a.tagName.toLowerCase()}${a.name ? `[${a.name}]` : ""}:${a.tagName === "INPUT" ? "" : a.textContent}` : null;
});
const nothingKept = (page) => page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length }));

test("a merchant connects PowerEPOS: a mistyped password is refused on the fields, fixed, and the connection is active", async () => {
  const org = newOrg();
  const token = session(org, { role: "admin" });
  const { context } = await partnerSite(browser, org);
  const { page, errors } = await open(context);
  await mount(page, { token, attrs: { template: "powerepos" } });
  await state(page, "form");
  assert.equal(await page.getAttribute("gatehouse-connect", "data-mode"), "create");
  assert.equal(await page.getAttribute("gatehouse-connect", "session"), null, "the session stays out of the DOM");
  assert.equal(await shadow(page, (r) => r.querySelector("h3").textContent), "Connect PowerEPOS");
  assert.equal(await shadow(page, (r) => r.querySelector("[part=panel]").getAttribute("role")), "region");
  assert.equal(await shadow(page, (r) => r.querySelector("[part=panel]").getAttribute("aria-label")), "Connect PowerEPOS");
  // The fields come from the worker's template: labels, help, secret as a password, no autocomplete.
  const fields = await form(page);
  assert.deepEqual(fields.map((f) => [f.name, f.label, f.type, f.autocomplete, f.part, f.invalid]), [
    ["org_id", "Organisation Code", "text", "off", "input", null],
    ["username", "Service account ID", "text", "off", "input", null],
    ["password", "Service account password", "password", "off", "input", null],
  ]);
  assert.ok(fields.every((f) => f.described.length === 1 && f.described[0].length > 0), JSON.stringify(fields));
  assert.equal(await shadow(page, (r) => r.querySelectorAll("[role=status]").length), 1);
  assert.deepEqual(await shadow(page, (r) => [...r.querySelectorAll("button, input, form")].filter((e) => !e.getAttribute("part")).length), 0,
    "every control has a part");
  await axe(page, "form");
  await shot(page, "1-form");

  // A mistyped password: PowerEPOS refuses, the worker names the fields, the form marks them.
  await fill(page, { ...ORG001, password: "svc-pass-00l" });
  let release;
  await context.route(`${WORKER}/api/connections`, async (route) => { await new Promise((r) => { release = r; }); await route.continue(); });
  await page.click("gatehouse-connect button[type=submit]");
  await state(page, "verifying");
  assert.deepEqual((await form(page)).map((f) => f.value), ["", "", ""], "nothing typed stays in the inputs while the worker checks it");
  assert.equal(await shadow(page, (r) => r.querySelector("[role=status]").textContent), "Checking with PowerEPOS…");
  await axe(page, "verifying");
  release();
  await context.unroute(`${WORKER}/api/connections`);
  await state(page, "refused");
  const refused = await form(page);
  assert.deepEqual(refused.map((f) => [f.name, f.invalid, f.value]), [
    ["org_id", "true", "ORG001"], ["username", "true", "svc-org001"], ["password", "true", ""],
  ], "every field PowerEPOS blamed is marked; the text comes back for a typo, the password does not");
  for (const f of refused) assert.equal(f.described[0], "Not accepted by PowerEPOS.", JSON.stringify(f));
  assert.equal(await shadow(page, (r) => r.querySelector("[role=status]").textContent),
    "PowerEPOS refused these details. Check the marked fields and type the password again.");
  assert.equal(await focused(page), "input[org_id]:", "the focus goes to the first marked field");
  const refusal = await page.evaluate(() => window.events.find((e) => e.name === "refused"));
  assert.deepEqual(refusal.fields, ["org_id", "username", "password"]);
  assert.equal(refusal.code, "invalid_credentials");
  await axe(page, "refused");
  await shot(page, "2-refused");
  let r = await api(token, "/api/connections");
  assert.deepEqual((await r.json()).connections, [], "a refused connection is not kept");

  // Fixed: the connection is verified and active.
  await fill(page, { password: ORG001.password });
  await page.keyboard.press("Enter"); // the focus is in the form: Enter sends it
  await state(page, "active");
  assert.equal(await shadow(page, (r) => r.querySelector("h3").textContent), "PowerEPOS connected");
  assert.equal(await focused(page), "h3:PowerEPOS connected");
  assert.equal(await shadow(page, (r) => r.querySelectorAll("input").length), 0, "the form is gone");
  assert.equal(await shadow(page, (r, secret) => r.innerHTML.includes(secret), ORG001.password), false);
  assert.equal(await shadow(page, (r) => r.querySelector("h3 + p").textContent), "The connection is active.");
  const success = await page.evaluate(() => window.events.find((e) => e.kind === "gatehouse-success"));
  assert.equal(success.status, "active");
  r = await api(token, "/api/connections");
  const [listed] = (await r.json()).connections;
  assert.equal(listed.id, success.id);
  assert.equal(listed.status, "active");
  await axe(page, "active");
  await shot(page, "3-active");

  // Change details: the same element in update mode for the new connection (PUT).
  await page.click("gatehouse-connect button.secondary");
  await state(page, "form");
  assert.equal(await page.getAttribute("gatehouse-connect", "connection"), success.id);
  assert.equal(await page.getAttribute("gatehouse-connect", "data-mode"), "update");
  assert.equal(await focused(page), "h3:Update PowerEPOS");
  assert.deepEqual((await form(page)).map((f) => f.value), ["ORG001", "svc-org001", ""], "the text is shown back, never the password");
  await fill(page, { password: ORG001.password });
  await page.click("gatehouse-connect button[type=submit]");
  await state(page, "active");
  assert.equal(await shadow(page, (r) => r.querySelector("h3").textContent), "PowerEPOS updated");
  r = await api(token, `/api/connections/${success.id}`);
  const updated = await r.json();
  assert.ok(updated.updated_at_ms > updated.created_at_ms, JSON.stringify(updated));

  assert.deepEqual(await nothingKept(page), { local: 0, session: 0 });
  assert.deepEqual(errors, []);
  await context.close();
});

test("update mode brings back a connection PowerEPOS no longer accepts (a changed password)", { timeout: 60_000 }, async () => {
  const org = newOrg();
  const token = session(org, { role: "owner" });
  const FIELDS = { org_id: "ORG002", username: "svc-org002", password: "svc-pass-002" };
  const NEW_PASSWORD = `changed-${randomBytes(4).toString("hex")}`;
  let r = await api(token, "/api/connections", { method: "POST", body: JSON.stringify({ template: "powerepos", fields: FIELDS }) });
  assert.equal(r.status, 201, await r.clone().text());
  const { id } = await r.json();
  try {
    // The password is changed at PowerEPOS: the next token call is refused, the connection needs reauth.
    await sandboxControl("service-password", { org_id: "ORG002", password: NEW_PASSWORD });
    r = await proxy(`${id}/ping`, { headers: { "gatehouse-organization": org } });
    assert.equal((await r.json()).code, "needs_reauth");
    assert.equal((await (await api(token, `/api/connections/${id}`)).json()).status, "needs_reauth");

    // A page on another origin sends PUT after a preflight (playwright's routing answers
    // preflights itself, so the worker's answer to a browser's is checked here).
    r = await fetch(`${WORKER}/api/connections/${id}`, { method: "OPTIONS", headers: {
      origin: PAGE_ORIGIN, "access-control-request-method": "PUT", "access-control-request-headers": "authorization, content-type",
    } });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get("access-control-allow-origin"), PAGE_ORIGIN);
    assert.ok(r.headers.get("access-control-allow-methods").split(/,\s*/).includes("PUT"), r.headers.get("access-control-allow-methods"));

    const { context } = await partnerSite(browser, org);
    const { page, errors } = await open(context);
    await mount(page, { token, attrs: { connection: id } });
    await state(page, "form");
    assert.equal(await page.getAttribute("gatehouse-connect", "data-mode"), "update");
    assert.equal(await shadow(page, (r) => r.querySelector("h3").textContent), "Update PowerEPOS");
    assert.match(await shadow(page, (r) => r.querySelector("p.muted").textContent), /no longer accepts the saved details/);
    assert.deepEqual((await form(page)).map((f) => f.value), ["ORG002", "svc-org002", ""]);
    const loaded = await page.evaluate(() => window.events.find((e) => e.name === "loaded"));
    assert.ok(loaded, "loaded event");
    await axe(page, "update");
    await shot(page, "4-update");

    // The old password again: refused, nothing changes.
    await fill(page, { password: FIELDS.password });
    await page.click("gatehouse-connect button[type=submit]");
    await state(page, "refused");
    assert.equal((await form(page)).find((f) => f.name === "password").invalid, "true");
    assert.equal((await (await api(token, `/api/connections/${id}`)).json()).status, "needs_reauth");
    // The new one: accepted, the connection serves again.
    await fill(page, { password: NEW_PASSWORD });
    await page.click("gatehouse-connect button[type=submit]");
    await state(page, "active");
    assert.equal(await shadow(page, (r) => r.querySelector("h3").textContent), "PowerEPOS updated");
    assert.equal((await (await api(token, `/api/connections/${id}`)).json()).status, "active");
    r = await proxy(`${id}/ping`, { headers: { "gatehouse-organization": org } });
    assert.equal(r.status, 200, await r.clone().text());
    assert.deepEqual(await nothingKept(page), { local: 0, session: 0 });
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await sandboxControl("service-password", { org_id: "ORG002", password: FIELDS.password });
    await api(token, `/api/connections/${id}`, { method: "DELETE" });
  }
});

test("errors a merchant can read, in French too: no such template, a role that may not connect", async () => {
  const org = newOrg();
  const { context } = await partnerSite(browser, org);
  const { page, errors } = await open(context);
  // No such template: the form cannot be drawn; exit with the code, a sentence and Try again.
  await mount(page, { token: session(org, { role: "admin" }), attrs: { template: "nope" } });
  await state(page, "error");
  assert.equal(await shadow(page, (r) => r.querySelector("[data-code]").textContent), "unknown_template");
  const exit = await page.evaluate(() => window.events.find((e) => e.kind === "gatehouse-exit"));
  assert.equal(exit.code, "unknown_template");
  await axe(page, "error");
  await shot(page, "5-error");

  // A manager may read templates but not connect: the form, then the worker's refusal, in French.
  await mount(page, { token: session(org, { role: "manager" }), attrs: { template: "powerepos", locale: "fr" } });
  await state(page, "form");
  assert.equal(await shadow(page, (r) => r.querySelector("h3").textContent), "Connecter PowerEPOS");
  assert.equal(await shadow(page, (r) => r.querySelector("button[type=submit]").textContent), "Connecter");
  await fill(page, ORG001);
  await page.click("gatehouse-connect button[type=submit]");
  await page.waitForFunction(() => window.events.some((e) => e.name === "error"));
  await state(page, "form");
  assert.equal(await shadow(page, (r) => r.querySelector("[data-code]").textContent), "forbidden_role");
  assert.match(await shadow(page, (r) => r.querySelector("[role=status]").textContent), /Demandez à un propriétaire/);
  assert.deepEqual((await form(page)).map((f) => f.value), ["ORG001", "svc-org001", ""]);
  // A string override, live.
  await page.evaluate(() => { document.querySelector("gatehouse-connect").strings = { c_connect: "Relier", label_org_id: "Code" }; });
  assert.equal(await shadow(page, (r) => r.querySelector("button[type=submit]").textContent), "Relier");
  assert.equal((await form(page))[0].label, "Code");
  assert.deepEqual((await form(page)).map((f) => f.value), ["ORG001", "svc-org001", ""], "a re-drawing keeps what is typed");
  await axe(page, "forbidden");
  assert.deepEqual(errors, []);
  await context.close();
});

test("the demo portal (www/connect.html): an owner connects PowerEPOS, sees it listed by listConnections, deletes it", async () => {
  const context = recordContext(await browser.newContext());
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${WORKER}/connect`);
  await page.click('#users button[data-user="tony"]'); // an owner; the session is the worker's cookie
  await state(page, "form");
  await fill(page, ORG001);
  await page.click("gatehouse-connect button[type=submit]");
  await state(page, "active");
  const row = page.locator("#connections tr[data-connection]");
  await row.first().waitFor();
  assert.match(await page.textContent("#events"), /gatehouse-success \(active\)/);
  const listed = await row.evaluateAll((rows) => rows.map((r) => [r.dataset.connection, r.children[1].textContent]));
  assert.ok(listed.length >= 1 && listed.every(([c, status]) => /^con_/.test(c) && status === "active"), JSON.stringify(listed));
  const before = listed.length;
  await row.first().locator("button", { hasText: "Delete" }).click();
  await page.waitForFunction((n) => document.querySelectorAll("#connections tr[data-connection]").length === n - 1, before);
  assert.deepEqual(errors, []);
  await context.close();
});
