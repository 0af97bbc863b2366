// A partner's page on another origin than the worker (PAGE_ORIGIN, on the worker's CORS and
// return-page allowlists), served to Chromium by playwright's routing with the built package, for
// the widget's browser tests (widget-live, widget-a11y). Not a test file itself.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { WORKER, SANDBOX, PAGE_ORIGIN } from "../env.mjs";
import { claims, mint } from "../session.mjs";
import { recordContext } from "../chromium.mjs";

const PKG = new URL("../../../crates/web/pkg/", import.meta.url);
const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm" };
export const PAGE = `${PAGE_ORIGIN}/onboarding`; // the return page the worker allows for this origin
// The partner's page: loads the package, calls nothing (each test mounts the widget its own way);
// as the popup's return page it registers the elements, which report to the opener and close.
const HOST = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner portal</title></head>
<body><main id="app"></main><aside id="elsewhere"></aside><script type="module">
window.gh = await import("/pkg/gatehouse_web.js");
if (window.opener) await window.gh.default();
</script></body></html>`;
export const now = () => Math.floor(Date.now() / 1000);
export const newOrg = () => `org_${randomBytes(6).toString("hex")}`;
export const session = (org, over = {}) => mint(claims({ provider_org_id: org, role: "manager", ...over }));

/** A browser context whose PAGE_ORIGIN serves HOST, the built package and `/fresh-session`. */
export async function partnerSite(browser, org, options = {}) {
  // A routed page has no network address, so Chromium does not count it as loopback and asks
  // for the Local Network Access permission before it calls the worker on 127.0.0.1: granted,
  // as the person would (a real partner page is on the public internet and calls a public worker).
  const context = recordContext(await browser.newContext({ permissions: ["local-network-access"], ...options }));
  const site = { context, renewals: 0 };
  await context.route(`${PAGE_ORIGIN}/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname.startsWith("/pkg/")) {
      const file = new URL(`.${url.pathname.slice("/pkg".length)}`, PKG);
      return route.fulfill({ body: readFileSync(file), contentType: TYPES[extname(file.pathname)] ?? "application/octet-stream" });
    }
    if (url.pathname === "/fresh-session") {
      site.renewals += 1;
      return route.fulfill({ body: session(org), contentType: "text/plain" });
    }
    return route.fulfill({ body: HOST, contentType: "text/html" });
  });
  return site;
}

export async function open(context, url = PAGE) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => window.gh);
  return { page, errors };
}

/**
 * Mounts the widget as React does with docs/react-vite.md: the element (with its attributes) is
 * inserted first; the session and fetchSession arrive later, in an effect after the paint.
 */
export const mountReactOrder = (page, { session, fetchSession = false, attrs = {} }) => page.evaluate(async ({ worker, page: returnPage, session, fetchSession, attrs }) => {
  await window.gh.default();
  const el = document.createElement("gatehouse-onboarding");
  for (const [k, v] of Object.entries({ gatehouse: worker, sources: "square:pos:Square", "return-page": returnPage, ...attrs })) el.setAttribute(k, v);
  window.events = [];
  for (const kind of ["gatehouse-event", "gatehouse-success", "gatehouse-exit"]) {
    el.addEventListener(kind, (e) => window.events.push({ kind, name: e.detail?.name, code: e.detail?.error?.code }));
  }
  document.getElementById("app").replaceChildren(el);
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))); // useEffect runs after the paint
  if (fetchSession) el.fetchSession = () => fetch("/fresh-session").then((r) => r.text());
  el.sessionToken = session;
}, { worker: WORKER, page: PAGE, session, fetchSession, attrs });

/**
 * Authorizes at the partner's consent page and comes back to the partner's page. Playwright does
 * not route a redirect's target, so the redirects the browser would follow — the partner's 303 to
 * the worker's return, the worker's 303 to PAGE — are followed with the context's own cookies
 * (its request API shares them), and the page then navigates to where they end.
 */
export async function authorizeAndComeBack(page, authorize = () => page.click("#consent-authorize")) {
  let landing;
  await page.route(`${SANDBOX}/consent/**`, async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    let answer = await route.fetch({ maxRedirects: 0 });
    let url = new URL(answer.headers().location, route.request().url()).href;
    while (!url.startsWith(PAGE)) {
      assert.equal(answer.status(), 303, url);
      answer = await page.context().request.get(url, { maxRedirects: 0 });
      url = new URL(answer.headers().location, url).href;
    }
    landing = url;
    await route.fulfill({ contentType: "text/html", body: `<script>location.replace(${JSON.stringify(url)})</script>` });
  });
  await Promise.all([page.waitForURL((u) => u.href.startsWith(PAGE)), authorize()]);
  await page.waitForFunction(() => window.gh);
  await page.unroute(`${SANDBOX}/consent/**`);
  return landing;
}

export const state = (page, s, timeout = 15_000) => page.waitForSelector(`gatehouse-onboarding[data-state="${s}"]`, { timeout });
export const shadowText = (page, selector) => page.evaluate((s) => document.querySelector("gatehouse-onboarding").shadowRoot.querySelector(s)?.textContent, selector);

