// <gatehouse-onboarding> the way front-end frameworks drive it, on a partner's page of another
// origin than the worker (PAGE_ORIGIN, on the worker's CORS and return-page allowlists; the page
// and the built package are served to Chromium by playwright's routing): inputs set in any order
// and at any time, an element that moves, sessions that expire, the return parameters, the popup
// opened in the click, and the errors a developer and a merchant get.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { WORKER } from "../env.mjs";
import { launchChromium } from "../chromium.mjs";
import { PAGE, now, newOrg, session, partnerSite as site, open, mountReactOrder, authorizeAndComeBack, state, shadowText } from "./partner-site.mjs";

const browser = await launchChromium(import.meta.url);
after(() => browser.close());
const partnerSite = (org) => site(browser, org);

test("React order: the session set after the element is connected starts and finishes an onboarding", async () => {
  const org = newOrg();
  const token = session(org);
  const { context } = await partnerSite(org);
  const { page, errors } = await open(context);
  await mountReactOrder(page, { session: token });
  await state(page, "choose");
  await Promise.all([page.waitForURL(/\/consent\//), page.click('gatehouse-onboarding button[data-source="square"]')]);
  const back = await authorizeAndComeBack(page);
  assert.match(back, /\?gatehouse_onboarding=onb_[^&]+&gatehouse_status=active$/);
  // Back on the page: the element is there before its session again, with the return parameters.
  await mountReactOrder(page, { session: token });
  await state(page, "locations");
  assert.equal(new URL(page.url()).search, "", "the return parameters are removed");
  const exits = await page.evaluate(() => window.events.filter((e) => e.kind === "gatehouse-exit"));
  assert.deepEqual(exits, [], "no session_required on the way");
  assert.deepEqual(errors, []);
  await context.close();
});

test("properties set before the element upgrades are picked up (the upgrade-property pattern)", async () => {
  const org = newOrg();
  const { context } = await partnerSite(org);
  const { page } = await open(context);
  await page.evaluate(async ({ worker, page: returnPage, token }) => {
    const el = document.createElement("gatehouse-onboarding"); // not defined yet: a plain element
    Object.assign(el, { session: token, gatehouse: worker, sources: "square:pos:Square", returnPage });
    document.getElementById("app").append(el);
    await window.gh.default(); // defines it: the element upgrades
  }, { worker: WORKER, page: PAGE, token: session(org) });
  await state(page, "choose");
  assert.equal(await page.getAttribute("gatehouse-onboarding", "gatehouse"), WORKER, "reflected once upgraded");
  assert.equal(await page.getAttribute("gatehouse-onboarding", "session"), null, "the session stays out of the DOM");
  assert.deepEqual(await page.locator("gatehouse-onboarding button[data-source]").allTextContents(), ["Square (POS)"]);
  await Promise.all([page.waitForURL(/\/consent\//), page.click('gatehouse-onboarding button[data-source="square"]')]);
  await context.close();
});

test("attribute and property changes take effect at any time: sources, gatehouse, session, mode, return-page", async () => {
  const org = newOrg();
  const { context } = await partnerSite(org);
  const { page } = await open(context);
  await mountReactOrder(page, { session: "not-a-session", attrs: { gatehouse: "http://127.0.0.1:9", sources: "ubereats:dsp:Uber Eats", "return-page": "https://elsewhere.example/x" } });
  await state(page, "choose");
  assert.deepEqual(await page.locator("gatehouse-onboarding button[data-source]").allTextContents(), ["Uber Eats (DSP)"]);
  await page.evaluate(({ worker, token, returnPage }) => {
    const el = document.querySelector("gatehouse-onboarding");
    el.setAttribute("sources", "square:pos:Square");
    el.setAttribute("gatehouse", worker);
    el.setAttribute("session", token);
    el.mode = "popup";
    el.returnPage = returnPage;
  }, { worker: WORKER, token: session(org), returnPage: PAGE });
  assert.deepEqual(await page.locator("gatehouse-onboarding button[data-source]").allTextContents(), ["Square (POS)"]);
  assert.equal(await page.getAttribute("gatehouse-onboarding", "mode"), "popup", "mode reflected");
  assert.equal(await page.getAttribute("gatehouse-onboarding", "return-page"), PAGE, "returnPage reflected");
  const started = page.waitForRequest((r) => r.url() === `${WORKER}/api/onboarding` && r.method() === "POST");
  const [popup] = await Promise.all([context.waitForEvent("page"), page.click('gatehouse-onboarding button[data-source="square"]')]);
  const request = await started;
  assert.equal(request.headers().authorization, `Bearer ${await page.evaluate(() => document.querySelector("gatehouse-onboarding").session)}`);
  assert.equal(JSON.parse(request.postData()).return_page, PAGE);
  await popup.waitForURL(/\/consent\//);
  await state(page, "connecting");
  await popup.click("#consent-authorize");
  await state(page, "locations");
  await context.close();
});

test("moving the element (disconnected, connected again) resumes the onboarding where it was", async () => {
  const org = newOrg();
  const { context } = await partnerSite(org);
  const { page } = await open(context);
  await mountReactOrder(page, { session: session(org), attrs: { mode: "popup" } });
  const [popup] = await Promise.all([context.waitForEvent("page"), page.click('gatehouse-onboarding button[data-source="square"]')]);
  await popup.waitForURL(/\/consent\//);
  await state(page, "connecting");
  await page.evaluate(async () => {
    const el = document.querySelector("gatehouse-onboarding");
    el.remove();
    await new Promise((r) => setTimeout(r, 300));
    document.getElementById("elsewhere").append(el); // e.g. a layout change re-parents it
  });
  await popup.click("#consent-authorize");
  await state(page, "locations");
  await context.close();
});

test("an expired session: fetchSession is called once for a fresh one and the call is retried", async () => {
  const org = newOrg();
  // Valid for about 4 more seconds (the worker allows 30 s of clock leeway past `exp`).
  const t = now();
  const shortLived = session(org, { iat: t - 40, nbf: t - 40, exp: t - 26 });
  const site = await partnerSite(org);
  const { context } = site;
  const { page } = await open(context);
  await mountReactOrder(page, { session: shortLived, fetchSession: true });
  await Promise.all([page.waitForURL(/\/consent\//), page.click('gatehouse-onboarding button[data-source="square"]')]);
  // The merchant takes their time at the partner: the portal session expires meanwhile.
  await page.waitForTimeout(Math.max(0, (t + 6 - now()) * 1000));
  await authorizeAndComeBack(page);
  const expired = page.waitForResponse((r) => r.url().startsWith(`${WORKER}/api/onboarding/`) && r.status() === 401);
  await mountReactOrder(page, { session: shortLived, fetchSession: true });
  assert.equal((await (await expired).json()).code, "session_expired");
  await state(page, "locations");
  const exits = await page.evaluate(() => window.events.filter((e) => e.kind === "gatehouse-exit"));
  assert.deepEqual(exits, [], "the merchant never saw the expiry");
  assert.equal(site.renewals, 1, "one fresh session, used from then on (the locations too)");
  await context.close();
});

test("only the widget's return parameters leave the URL: the page's own query and hash stay", async () => {
  const { context } = await partnerSite(newOrg());
  const { page } = await open(context, `${PAGE}?tab=integrations&gatehouse_onboarding=onb_x&gatehouse_error=state_expired&ref=mail#section-2`);
  await mountReactOrder(page, { session: session(newOrg()) });
  await state(page, "error");
  assert.equal(await shadowText(page, "code[data-code]"), "state_expired");
  assert.equal(page.url(), `${PAGE}?tab=integrations&ref=mail#section-2`);
  await context.close();
});

test("popup mode: the popup opens synchronously inside the click, then goes to the authorization", async () => {
  const org = newOrg();
  const { context } = await partnerSite(org);
  const { page } = await open(context);
  // The worker's answer comes late: a popup opened after it would be outside the click.
  await context.route(`${WORKER}/api/onboarding`, (route) => setTimeout(() => route.continue(), 700));
  await mountReactOrder(page, { session: session(org), attrs: { mode: "popup" } });
  await page.evaluate(() => {
    // Between the click's capture on the document and its bubbling to the window: inside the
    // click's own dispatch (window.event is not set for a target in a shadow tree).
    document.addEventListener("click", () => { window.inClick = true; }, true);
    window.addEventListener("click", () => { window.inClick = false; });
    const open = window.open;
    window.open = (...args) => {
      window.opened = { during: window.inClick ? "click" : null, url: args[0] };
      return open.apply(window, args);
    };
  });
  const [popup] = await Promise.all([context.waitForEvent("page"), page.click('gatehouse-onboarding button[data-source="square"]')]);
  assert.deepEqual(await page.evaluate(() => window.opened), { during: "click", url: "" });
  await popup.waitForURL(/\/consent\//);
  await state(page, "connecting");
  await context.close();
});

test("GatehouseError: code, the worker's message, status, retryable and the request id", async () => {
  const { context } = await partnerSite(newOrg());
  const { page } = await open(context);
  const answered = page.waitForResponse((r) => r.url() === `${WORKER}/api/onboarding`);
  const refused = await page.evaluate(async (worker) => {
    await window.gh.default();
    try {
      await new window.gh.GatehouseClient(worker, "not-a-session").startOnboarding("square", "pos");
    } catch (e) {
      return { gatehouse: e instanceof window.gh.GatehouseError, error: e instanceof Error, name: e.name, code: e.code, message: e.message, status: e.status, retryable: e.retryable, requestId: e.requestId };
    }
  }, WORKER);
  const response = await answered;
  assert.deepEqual(refused, {
    gatehouse: true, error: true, name: "GatehouseError", code: "invalid_session",
    message: "The portal session token was refused.", status: 401, retryable: false,
    requestId: response.headers()["x-request-id"],
  });
  assert.match(refused.requestId, /^[0-9a-f]{16}$/);
  const unreachable = await page.evaluate(async () => {
    try { await new window.gh.GatehouseClient("http://127.0.0.1:9").health(); } catch (e) {
      return { gatehouse: e instanceof window.gh.GatehouseError, code: e.code, status: e.status, retryable: e.retryable, requestId: e.requestId };
    }
  });
  assert.deepEqual(unreachable, { gatehouse: true, code: "network_error", status: 0, retryable: true, requestId: null });
  await context.close();
});

// Every code the widget can meet: the worker's (the generated ErrorCode union), the return page's
// (docs/onboarding.md) and the client's.
const WORKER_CODES = readFileSync(new URL("../../../crates/web/types.d.ts", import.meta.url), "utf8")
  .match(/export type ErrorCode = ([^;]+);/)[1].match(/"([a-z_]+)"/g).map((c) => c.slice(1, -1));
const RETURN_CODES = ["invalid_state", "state_already_used", "state_expired", "invalid_ticket", "foreign_state",
  "flow_not_started_here", "flow_of_another_user", "missing_code", "complete_failed", "partner_unavailable"];
const CLIENT_CODES = ["network_error", "unexpected_response"];

test("the widget tells merchants a sentence per code, never the developer's message", async () => {
  assert.ok(WORKER_CODES.length >= 40 && WORKER_CODES.includes("session_expired"), "parsed the ErrorCode union");
  const { context } = await partnerSite(newOrg());
  const { page } = await open(context);
  await page.evaluate(() => window.gh.default());
  const shown = await page.evaluate(async ({ codes, worker }) => {
    const out = {};
    for (const code of codes) {
      history.replaceState(null, "", `?gatehouse_onboarding=onb_1&gatehouse_error=${code}`);
      const el = document.createElement("gatehouse-onboarding");
      el.setAttribute("gatehouse", worker);
      document.getElementById("app").replaceChildren(el);
      const p = el.shadowRoot.querySelector("[data-sentence]");
      out[code] = { why: p?.dataset.sentence, text: p?.textContent, code: el.shadowRoot.querySelector("code[data-code]")?.textContent };
    }
    return out;
  }, { codes: [...new Set([...WORKER_CODES, ...RETURN_CODES, ...CLIENT_CODES])], worker: WORKER });
  for (const [code, { why, text, code: shownCode }] of Object.entries(shown)) {
    assert.notEqual(why, "other", `${code} has a sentence of its own`);
    assert.ok(text && text.length > 20 && !text.includes(code), `${code}: ${text}`);
    assert.doesNotMatch(text, /gatehouse answered|HTTP \d|the code says why|see the worker log/i, code);
    assert.equal(shownCode, code, "the code is shown for support");
  }
  // A real refusal: the sentence, the code and the worker's request id as a reference.
  await page.evaluate(() => history.replaceState(null, "", location.pathname));
  await mountReactOrder(page, { session: "not-a-session" });
  await page.click('gatehouse-onboarding button[data-source="square"]');
  await state(page, "error");
  assert.equal(await shadowText(page, "code[data-code]"), "invalid_session");
  assert.match(await shadowText(page, "[data-sentence]"), /session has ended/);
  assert.match(await shadowText(page, "code[data-request-id]"), /^[0-9a-f]{16}$/);
  await context.close();
});
