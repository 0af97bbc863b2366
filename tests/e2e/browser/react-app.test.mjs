// The packed @gatehouse/web in a fresh React 19 + Vite app (tests/frameworks/react): the elements
// in JSX typed by the package (`tsc --noEmit` in tier framework-apps), `ongatehouse-success`
// handled by React, the session set after mount as docs/react-vite.md shows, the element moved
// between containers, and an expired session renewed through `fetchSession`. Built by
// scripts/vite-app.sh, served by `vite preview` on REACT_APP_PORT. The app picks its case from
// sessionStorage["gatehouse-case"] (tests/frameworks/react/src/main.tsx).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { launchChromium, recordContext } from "../chromium.mjs";
import { appOrigin, authorizeSquare, collectErrors, connectAndOpenDashboard, screenshot, widgetState } from "./framework-apps.mjs";
import { claims, mint } from "../session.mjs";

const APP = appOrigin("react");
const browser = await launchChromium(import.meta.url);
after(() => browser.close());

/** A page of the app in case `name`, with `session` saved before the app starts (once). */
async function appPage(name, session) {
  const context = recordContext(await browser.newContext());
  await context.addInitScript(([c, s]) => {
    sessionStorage.setItem("gatehouse-case", c);
    if (s && !sessionStorage.getItem("gatehouse-injected")) {
      sessionStorage.setItem("gatehouse-injected", "1");
      sessionStorage.setItem("gatehouse-session", s);
    }
  }, [name, session ?? null]);
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${APP}/onboarding`);
  return { context, page, errors };
}

test("React 19: the widget connects Square, React hears gatehouse-success through ongatehouse-success; the SSO button opens the dashboard", async () => {
  const context = recordContext(await browser.newContext());
  await connectAndOpenDashboard(context, "react", /^React 19\./);
  await context.close();
});

test("React 19: the widget mounted before sign-in takes the session set afterwards (docs/react-vite.md)", async () => {
  const { context, page, errors } = await appPage("late");
  await widgetState(page, "choose");
  const sessionOf = () => { const el = document.querySelector("gatehouse-onboarding"); return el.session || el.getAttribute("session") || ""; };
  assert.equal(await page.evaluate(sessionOf), "", "mounted without a session");
  await page.click("#sign-in");
  await page.waitForFunction(sessionOf);
  await authorizeSquare(page, APP);
  await page.waitForSelector("#connected");
  assert.match(await page.textContent("#connected"), /^active onb_/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("React 19: the element moved between containers while it waits for the popup carries on (same element, state kept)", async () => {
  const { context, page, errors } = await appPage("move");
  await page.click("#sign-in");
  await widgetState(page, "choose");
  await page.$eval("gatehouse-onboarding", (el) => { el.dataset.marker = "first"; });
  const [popup] = await Promise.all([context.waitForEvent("page"), page.click('gatehouse-onboarding button[data-source="square"]')]);
  await popup.waitForURL(/\/consent\//);
  await widgetState(page, "connecting");
  await page.click("#move");
  await page.waitForSelector('#aside-slot gatehouse-onboarding[data-marker="first"][data-state="connecting"]');
  await page.click("#move");
  await page.waitForSelector('#main-slot gatehouse-onboarding[data-marker="first"][data-state="connecting"]');
  await page.click("#move");
  await popup.click("#consent-authorize");
  await page.waitForSelector('#aside-slot gatehouse-onboarding[data-marker="first"][data-state="locations"]', { timeout: 15_000 });
  await page.waitForSelector("#connected");
  assert.match(await page.textContent("#connected"), /^active onb_/);
  await screenshot(page, "react-app-moved");
  assert.deepEqual(errors, []);
  await context.close();
});

test("React 19: an expired session is renewed through fetchSession and the onboarding goes on", async () => {
  const past = Math.floor(Date.now() / 1000) - 600;
  const expired = mint(claims({ sub: "tony", name: "Tony Russo", email: "tony@tonyspizza.example", role: "owner",
    provider_org_id: "independent_tonys_pizza_main", iat: past - 300, nbf: past - 300, exp: past }));
  const { context, page, errors } = await appPage("expired", expired);
  await widgetState(page, "choose");
  assert.equal(await page.evaluate(() => document.body.dataset.sessionCalls ?? "0"), "0");
  await authorizeSquare(page, APP);
  assert.notEqual(await page.evaluate(() => sessionStorage.getItem("gatehouse-session")), expired, "fetchSession was asked for a fresh session");
  await page.waitForSelector("#connected");
  assert.match(await page.textContent("#connected"), /^active onb_/);
  assert.deepEqual(errors.filter((e) => !/401/.test(e)), [], "no page error beyond the expected 401 the browser logs");
  await context.close();
});
