// The npm package in a real app: tests/vite-app installed the packed @gatehouse/web tarball,
// type-checked and built with Vite (scripts/vite-app.sh), and `vite preview` serves the build on
// the test page origin (PAGE_PORT). In Chromium: the widget from the bundler build completes an
// onboarding through the sandbox's consent page, and the SSO button opens the white-label page.
// The app sets the session after inserting the elements, as docs/react-vite.md does.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { OUT, PAGE_ORIGIN } from "../env.mjs";
import { launchChromium, recordContext } from "../chromium.mjs";

const APP = PAGE_ORIGIN;
const browser = await launchChromium(import.meta.url);
after(() => browser.close());

test("the Vite-built app: widget onboarding and the SSO button work from the packed package", async () => {
  const context = recordContext(await browser.newContext()); // the worker's answers, for the leak scan
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${APP}/onboarding`);
  await page.click("#sign-in");
  await page.waitForSelector('gatehouse-onboarding[data-state="choose"]');
  await Promise.all([page.waitForURL(/\/consent\//), page.click('gatehouse-onboarding button[data-source="square"]')]);
  await Promise.all([page.waitForURL((u) => u.href.startsWith(`${APP}/onboarding`)), page.click("#consent-authorize")]);
  await page.waitForSelector('gatehouse-onboarding[data-state="locations"]', { timeout: 15_000 });
  mkdirSync(`${OUT}/screenshots`, { recursive: true });
  await page.screenshot({ path: `${OUT}/screenshots/vite-app-onboarding.png`, fullPage: true });
  await Promise.all([page.waitForURL(/\/white-label\/redirect\/sso\?code=/), page.click("gatehouse-sso-button")]);
  assert.equal(await page.textContent("#wl-name"), "Tony Russo");
  assert.deepEqual(errors, []);
  await context.close();
});
