// Shared by the framework apps' browser tests (react-app, vue-app, svelte-app): each app in
// tests/frameworks/<name> installed the packed @gatehouse/web tarball, was built by its own
// toolchain (scripts/vite-app.sh) and is served by `vite preview` on its own origin (scripts/test.sh).
// Every app has the same page: #framework (name and version), #sign-in (a session for Tony from the
// worker's development route, kept in sessionStorage), the widget for Square and Uber Eats with
// return page <origin>/onboarding, #connected (written by the framework's own handler of
// `gatehouse-success`) and the SSO button.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { OUT, port } from "../env.mjs";

/** The origin `vite preview` serves the app on (REACT_APP_PORT, VUE_APP_PORT, SVELTE_APP_PORT). */
export const appOrigin = (name) => `http://127.0.0.1:${port(`${name.toUpperCase()}_APP_PORT`)}`;

export const widgetState = (page, s, timeout = 15_000) =>
  page.waitForSelector(`gatehouse-onboarding[data-state="${s}"]`, { timeout });

/** Page errors and console errors (CSP refusals included), collected for the end of a test. */
export function collectErrors(page) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  return errors;
}

export async function screenshot(page, name) {
  mkdirSync(`${OUT}/screenshots`, { recursive: true });
  await page.screenshot({ path: `${OUT}/screenshots/${name}.png`, fullPage: true });
}

/**
 * Square through the sandbox's consent page, back on the app's return page, to the locations step.
 * Fails at once, with the widget's error code, when the widget shows an error instead of leaving.
 */
export async function authorizeSquare(page, origin) {
  const failed = page.waitForSelector('gatehouse-onboarding[data-state="error"]', { timeout: 30_000 })
    .then(async () => `the widget shows an error instead of going to the partner: ${
      await page.locator("gatehouse-onboarding [data-code]").first().textContent({ timeout: 1000 }).catch(() => "(no code)")}`, () => null);
  const left = Promise.all([page.waitForURL(/\/consent\//), page.click('gatehouse-onboarding button[data-source="square"]')]).then(() => null);
  left.catch(() => {}); // when the widget failed first, this one times out later: already reported
  const why = await Promise.race([left, failed]);
  if (why) throw new Error(why);
  await Promise.all([page.waitForURL((u) => u.href.startsWith(`${origin}/onboarding`)), page.click("#consent-authorize")]);
  await widgetState(page, "locations");
}

/**
 * The whole journey in one framework's app: sign in, connect Square through the widget (redirect
 * mode), the framework's handler sees `gatehouse-success`, then the SSO button opens the
 * white-label app.
 */
export async function connectAndOpenDashboard(context, name, frameworkPattern) {
  const origin = appOrigin(name);
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${origin}/onboarding`);
  assert.match(await page.textContent("#framework"), frameworkPattern);
  await page.click("#sign-in");
  await widgetState(page, "choose");
  await authorizeSquare(page, origin);
  await page.waitForSelector("#connected");
  assert.match(await page.textContent("#connected"), /^active onb_/, "the framework's own gatehouse-success handler ran");
  assert.equal(new URL(page.url()).search, "", "the return parameters were taken off the URL");
  await screenshot(page, `${name}-app`);
  await Promise.all([page.waitForURL(/\/white-label\/redirect\/sso\?code=/), page.click("gatehouse-sso-button")]);
  assert.equal(await page.textContent("#wl-name"), "Tony Russo");
  assert.deepEqual(errors, []);
}
