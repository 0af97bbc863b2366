// The onboarding flow belongs to the browser and the user that started it (docs/security.md
// item 25, RFC 9700 §4.7): the start answer's entry_url is the worker's own single-use go link,
// which sets a per-flow __Host- binding cookie before sending the merchant to the partner; the
// return handler exchanges the code only for a browser that holds that cookie and, when it
// carries a portal session, only for the user who started. Each test fails if the binding is
// removed: the partner's `complete` counter must not move for a refused return.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { fetch, WORKER, SANDBOX, sandboxControl, resetCredential } from "./env.mjs";
import { claims, mint } from "./session.mjs";
import { MerchantBrowser } from "./merchant-browser.mjs";

const PAGE = `${WORKER}/onboarding`;
const newOrg = () => `org_${randomBytes(6).toString("hex")}`;
const completes = async () => (await sandboxControl("counters")).requests?.["stream.onboarding.complete"] ?? 0;
const api = (token, path, init = {}) => fetch(`${WORKER}${path}`, {
  ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(init.headers ?? {}) },
});

async function start(token) {
  const r = await api(token, "/api/onboarding", { method: "POST", body: JSON.stringify({ source: "square", type: "pos" }) });
  assert.equal(r.status, 200, await r.clone().text());
  return r.json();
}
const status = async (token, id) => (await (await api(token, `/api/onboarding/${id}`)).json()).status;
const onPage = (url) => assert.equal(`${url.origin}${url.pathname}`, PAGE, url.href);

/** A browser with the portal session cookie of `token` (as a same-origin portal page has). */
async function signedIn(token) {
  const b = new MerchantBrowser(WORKER);
  const r = await fetch(`${WORKER}/api/session`, { method: "POST", headers: { authorization: `Bearer ${token}`, origin: WORKER } });
  assert.equal(r.status, 200);
  b.keep(r);
  return b;
}

beforeEach(async () => {
  await sandboxControl("reset", {});
  assert.equal((await resetCredential("stream")).status, 200);
});

test("a forwarded partner link finished in another browser connects nothing", async () => {
  const manager = mint(claims({ provider_org_id: newOrg(), role: "manager" }));
  const { onboarding, entry_url } = await start(manager);
  // The manager's browser follows the link (the widget does at once) and is bound...
  const own = new MerchantBrowser(WORKER);
  const consentPage = await own.go(entry_url);
  assert.ok(consentPage.startsWith(`${SANDBOX}/consent/`), consentPage);
  // ...and the partner's URL is forwarded: someone else authorizes *their* account with it.
  const before = await completes();
  const elsewhere = new MerchantBrowser(WORKER);
  const landed = await elsewhere.comeBack(await MerchantBrowser.decide(consentPage, "authorize"));
  onPage(landed);
  assert.equal(landed.searchParams.get("gatehouse_error"), "flow_not_started_here");
  assert.equal(await completes(), before, "no partner complete call for the forwarded flow");
  assert.equal(await status(manager, onboarding.id), "pending", "nothing connected to the organization");
  // The browser that started is not blocked by the attempt: it finishes its own flow.
  const mine = await own.comeBack(await MerchantBrowser.decide(consentPage, "authorize"));
  assert.equal(mine.searchParams.get("gatehouse_status"), "active", mine.href);
  assert.equal(await completes(), before + 1);
});

test("a same-organization user of another role cannot finish someone else's flow", async () => {
  const org = newOrg();
  const manager = mint(claims({ provider_org_id: org, role: "manager" }));
  const owner = mint(claims({ provider_org_id: org, role: "owner" }));
  const { onboarding, entry_url } = await start(manager);
  const managers = new MerchantBrowser(WORKER);
  const consentPage = await managers.go(entry_url);
  const back = await MerchantBrowser.decide(consentPage, "authorize");
  const before = await completes();
  // The owner's own browser, signed in to the same organization: another user's flow.
  const ownersBrowser = await signedIn(owner);
  const refused = await ownersBrowser.comeBack(back);
  onPage(refused);
  assert.equal(refused.searchParams.get("gatehouse_error"), "flow_of_another_user");
  // The manager signed in on another device, without this flow's binding: not started there.
  const managersOtherDevice = await signedIn(manager);
  const elsewhere = await managersOtherDevice.comeBack(back);
  assert.equal(elsewhere.searchParams.get("gatehouse_error"), "flow_not_started_here");
  // Even holding the manager's binding cookie, the owner's session is another user's.
  const stolen = [...managers.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const sessionCookie = [...ownersBrowser.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const other = await new MerchantBrowser(WORKER).comeBack(back, { cookie: `${sessionCookie}; ${stolen}` });
  assert.equal(other.searchParams.get("gatehouse_error"), "flow_of_another_user");
  assert.equal(await completes(), before, "no partner complete call for another user");
  assert.equal(await status(manager, onboarding.id), "pending");
  // The manager, in the browser that started, with the session cookie too, finishes.
  const managersSession = await signedIn(manager);
  for (const [k, v] of managers.jar) managersSession.jar.set(k, v);
  const done = await managersSession.comeBack(back);
  assert.equal(done.searchParams.get("gatehouse_status"), "active", done.href);
});

test("the go ticket is single use, and garbage tickets end on an allowlisted page", async () => {
  const manager = mint(claims({ provider_org_id: newOrg(), role: "manager" }));
  const { entry_url } = await start(manager);
  const first = new MerchantBrowser(WORKER);
  assert.ok((await first.go(entry_url)).startsWith(`${SANDBOX}/consent/`));
  // Replayed, in the same or another browser: refused, no cookie, no partner URL.
  for (const b of [first, new MerchantBrowser(WORKER)]) {
    const r = await b.get(entry_url);
    assert.equal(r.status, 303);
    assert.deepEqual(r.headers.getSetCookie(), [], "no binding for a spent ticket");
    const landed = new URL(r.headers.get("location"));
    onPage(landed);
    assert.equal(landed.searchParams.get("gatehouse_error"), "invalid_ticket");
  }
  const ticket = new URL(entry_url).searchParams.get("ticket");
  for (const bad of [
    `${WORKER}/api/onboarding/go`,
    `${WORKER}/api/onboarding/go?ticket=nonsense`,
    `${WORKER}/api/onboarding/go?ticket=${ticket.split(".")[0]}.${"A".repeat(43)}`,
    `${entry_url}&ticket=${ticket}`,
    `${WORKER}/api/onboarding/go?ticket=${encodeURIComponent("https://evil.example/")}`,
  ]) {
    const r = await fetch(bad, { redirect: "manual" });
    assert.equal(r.status, 303, bad);
    const landed = new URL(r.headers.get("location"));
    onPage(landed);
    assert.ok(landed.searchParams.get("gatehouse_error"), bad);
    assert.deepEqual(r.headers.getSetCookie(), [], bad);
  }
});

test("the binding cookie: __Host-, Secure, HttpOnly, SameSite=Lax, one per flow, spent on return", async () => {
  const manager = mint(claims({ provider_org_id: newOrg(), role: "manager" }));
  const pos = await start(manager);
  const dsp = await start(manager);
  const b = new MerchantBrowser(WORKER);
  const r = await b.get(pos.entry_url);
  const [cookie] = r.headers.getSetCookie();
  assert.match(cookie, /^__Host-gatehouse_onb_[A-Za-z0-9_-]{16}=[A-Za-z0-9_-]{43}; /);
  for (const attr of ["Path=/", "Secure", "HttpOnly", "SameSite=Lax"]) assert.ok(cookie.includes(attr), cookie);
  assert.ok(!/domain=/i.test(cookie), cookie);
  const dspPage = await b.go(dsp.entry_url);
  assert.equal(b.jar.size, 2, "two flows side by side keep two bindings");
  const posPage = r.headers.get("location");
  assert.equal((await b.comeBack(await MerchantBrowser.decide(posPage, "authorize"))).searchParams.get("gatehouse_status"), "active");
  assert.equal(b.jar.size, 1, "the finished flow's binding is spent");
  assert.equal((await b.comeBack(await MerchantBrowser.decide(dspPage, "authorize"))).searchParams.get("gatehouse_status"), "active");
  assert.equal(b.jar.size, 0);
});
