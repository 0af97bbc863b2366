// The widget and the SSO button for people who use a keyboard, a screen reader, another language
// or a right-to-left script, on a partner's page of another origin than the worker
// (partner-site.mjs): axe-core (@axe-core/playwright) over every widget state and the SSO button
// finds no serious or critical violation; an onboarding and a binding done with the keyboard
// only; French and string overrides; a right-to-left screenshot.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { AxeBuilder } from "@axe-core/playwright";
import { WORKER, OUT } from "../env.mjs";
import { launchChromium } from "../chromium.mjs";
import { newOrg, session, partnerSite, open, mountReactOrder, authorizeAndComeBack, state, shadowText } from "./partner-site.mjs";

const browser = await launchChromium(import.meta.url);
after(() => browser.close());
const SOURCES = "square:pos:Square,ubereats:dsp:Uber Eats";

/** axe over the whole page (the widget's open shadow tree included): serious and critical only. */
async function axe(page, what) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`), [], what);
}

/** Presses Tab until `isTarget(arg)` (evaluated in the page) holds; at most 15 times. */
async function tabTo(page, isTarget, arg) {
  for (let i = 0; i < 15; i += 1) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(isTarget, arg)) return;
  }
  assert.fail(`never reached by Tab: ${isTarget}`);
}
const focusedInWidget = (page) => page.evaluate(() => {
  const a = document.querySelector("gatehouse-onboarding").shadowRoot.activeElement;
  return a ? `${a.tagName.toLowerCase()}${a.dataset.source ? `[${a.dataset.source}]` : ""}:${a.textContent}` : null;
});

test("axe: no serious or critical violation in any widget state, nor on the SSO button", async () => {
  const org = newOrg();
  const { context } = await partnerSite(browser, org);
  const { page } = await open(context);
  await mountReactOrder(page, { session: session(org), attrs: { sources: SOURCES } });
  await state(page, "choose");
  await axe(page, "choose");
  // Authorizing: the worker's answer held back for a moment.
  let release;
  await context.route(`${WORKER}/api/onboarding`, async (route) => { await new Promise((r) => { release = r; }); await route.continue(); });
  await page.evaluate(() => { document.querySelector("gatehouse-onboarding").mode = "popup"; });
  const popupOpened = context.waitForEvent("page");
  await page.click('gatehouse-onboarding button[data-source="square"]');
  await state(page, "authorizing");
  await axe(page, "authorizing");
  release();
  await context.unroute(`${WORKER}/api/onboarding`);
  const popup = await popupOpened;
  await state(page, "connecting");
  await axe(page, "connecting");
  await popup.waitForURL(/\/consent\//);
  // Active, loading the locations: their answer held back for a moment.
  let locations;
  await context.route(`${WORKER}/api/organization/locations*`, async (route) => { await new Promise((r) => { locations = r; }); await route.continue(); });
  await popup.click("#consent-authorize");
  await state(page, "active");
  await axe(page, "active");
  locations();
  await context.unroute(`${WORKER}/api/organization/locations*`);
  await state(page, "locations");
  await axe(page, "locations");
  // An error, from a refused session.
  await page.evaluate(() => { const el = document.querySelector("gatehouse-onboarding"); el.session = "not-a-session"; el.mode = "redirect"; });
  await page.click("gatehouse-onboarding button.secondary");
  await page.click('gatehouse-onboarding button[data-source="ubereats"]');
  await state(page, "error");
  await axe(page, "error");
  // The SSO button with no label of its own: its default name.
  await page.evaluate((worker) => {
    const b = document.createElement("gatehouse-sso-button");
    b.setAttribute("gatehouse", worker);
    document.getElementById("app").append(b);
  }, WORKER);
  assert.equal(await page.getByRole("button", { name: "Open dashboard" }).count(), 1);
  await axe(page, "SSO button");
  await context.close();
});

test("the SSO button is busy while its form goes out: a second click sends nothing", async () => {
  const org = newOrg();
  const { context } = await partnerSite(browser, org);
  const { page } = await open(context);
  await page.evaluate(async ({ worker, token }) => {
    await window.gh.default();
    const b = document.createElement("gatehouse-sso-button");
    b.setAttribute("gatehouse", worker);
    b.setAttribute("target", "_blank");
    b.session = token;
    b.textContent = "Open the dashboard";
    window.starts = 0;
    b.addEventListener("gatehouse-sso-start", () => { window.starts += 1; });
    document.getElementById("app").append(b);
  }, { worker: WORKER, token: session(org, { role: "owner" }) });
  const button = page.getByRole("button", { name: "Open the dashboard" });
  const tab = context.waitForEvent("page");
  await button.click();
  await button.click({ force: true });
  assert.equal(await page.evaluate(() => window.starts), 1, "one SSO start for two clicks");
  assert.equal(await button.getAttribute("aria-busy"), "true");
  assert.equal(await button.getAttribute("aria-disabled"), "true");
  await (await tab).close();
  await context.close();
});

test("keyboard only: two platforms connected and a delivery location bound, focus on each new step's heading", async () => {
  const org = newOrg();
  const { context } = await partnerSite(browser, org);
  const { page } = await open(context);
  const token = session(org);
  await mountReactOrder(page, { session: token, attrs: { sources: SOURCES } });
  await state(page, "choose");
  for (const source of ["square", "ubereats"]) {
    await tabTo(page, (s) => document.querySelector("gatehouse-onboarding").shadowRoot.activeElement?.dataset.source === s, source);
    await Promise.all([page.waitForURL(/\/consent\//), page.keyboard.press("Enter")]);
    await authorizeAndComeBack(page, async () => {
      await tabTo(page, () => document.activeElement?.id === "consent-authorize");
      await page.keyboard.press("Enter");
    });
    await mountReactOrder(page, { session: token, attrs: { sources: SOURCES } });
    await state(page, "locations");
    assert.match(await focusedInWidget(page), /^h3:Connected: /, "the focus is on the new step's heading");
    if (source === "square") {
      await tabTo(page, () => document.querySelector("gatehouse-onboarding").shadowRoot.activeElement?.classList.contains("secondary"));
      await page.keyboard.press("Enter");
      await state(page, "choose");
      assert.equal(await focusedInWidget(page), "h3:Connect a platform");
    }
  }
  // Plurals by Intl.PluralRules: "1 POS location", "2 POS locations".
  const counts = await shadowText(page, "p.muted");
  for (const [, n, word] of counts.matchAll(/(\d+) (?:POS|delivery) (locations?)/g)) {
    assert.equal(word, n === "1" ? "location" : "locations", counts);
  }
  await tabTo(page, () => document.querySelector("gatehouse-onboarding").shadowRoot.activeElement?.tagName === "SELECT");
  await page.keyboard.press("ArrowDown");
  const chosen = await page.evaluate(() => document.querySelector("gatehouse-onboarding").shadowRoot.activeElement.value);
  assert.ok(chosen, "a POS location chosen with the arrow key");
  await tabTo(page, () => document.querySelector("gatehouse-onboarding").shadowRoot.activeElement?.textContent === "Save bindings");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("gatehouse-onboarding").shadowRoot.querySelector("[role=status]")?.textContent === "Bindings saved.");
  assert.equal(await page.evaluate(() => document.querySelector("gatehouse-onboarding").shadowRoot.querySelector("select[data-dsp]").value), chosen);
  await context.close();
});

test("French, string overrides and a right-to-left page", async () => {
  const org = newOrg();
  const { context } = await partnerSite(browser, org);
  const { page } = await open(context);
  await mountReactOrder(page, { session: session(org), attrs: { sources: SOURCES, locale: "fr" } });
  await state(page, "choose");
  assert.equal(await shadowText(page, "h3"), "Connecter une plateforme");
  await page.evaluate(() => { document.querySelector("gatehouse-onboarding").strings = { choose: "Connectez votre caisse" }; });
  assert.equal(await shadowText(page, "h3"), "Connectez votre caisse", "an override, at once");
  await page.evaluate(() => { document.querySelector("gatehouse-onboarding").locale = "not a locale!"; });
  assert.equal(await shadowText(page, "h3"), "Connectez votre caisse", "an unknown locale falls back to English, overrides kept");
  await page.evaluate(() => { document.querySelector("gatehouse-onboarding").locale = "en"; });
  assert.equal(await shadowText(page, "p.muted"), "Choose the system you use. You will authorize the connection at its site.");
  // Right to left: the page's direction mirrors the widget (logical CSS properties).
  await page.evaluate(() => {
    document.querySelector("gatehouse-onboarding").strings = null;
    document.documentElement.dir = "rtl";
  });
  const [first, second] = await page.evaluate(() => [...document.querySelector("gatehouse-onboarding").shadowRoot.querySelectorAll(".steps li")]
    .slice(0, 2).map((li) => li.getBoundingClientRect().left));
  assert.ok(first > second, `the first step is on the right (${first} > ${second})`);
  mkdirSync(`${OUT}/screenshots`, { recursive: true });
  await page.screenshot({ path: `${OUT}/screenshots/onboarding-rtl.png`, fullPage: true });
  await axe(page, "right to left");
  await context.close();
});
