// What a person sees: the www/ page in Debian's Chromium (playwright-core), loading the
// @gatehouse/web package, which asks the worker for its health.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { WORKER, OUT } from "./env.mjs";

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
after(() => browser.close());

test("the local page loads the wasm package and shows the worker's health", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`${WORKER}/`);
  await page.waitForFunction(() => document.getElementById("health-status").textContent !== "checking…");
  assert.equal(await page.textContent("#health-status"), "ok");
  assert.match(await page.textContent("#health-version"), /^\d+\.\d+\.\d+/);
  assert.equal(await page.textContent("#health-mode"), "development");
  assert.deepEqual(errors, [], "no page errors (CSP included)");
  mkdirSync(`${OUT}/screenshots`, { recursive: true });
  await page.screenshot({ path: `${OUT}/screenshots/index.png`, fullPage: true });
});

// The demo portal: a person picks a demo user, clicks "Open dashboard" and lands on the
// sandbox's white-label page as that user; reusing the one-time link shows the redeemed error.
for (const [user, name, org, role] of [
  ["sarah", "Sarah Johnson", "restaurant_chain_abc_123", "manager"],
  ["tony", "Tony Russo", "independent_tonys_pizza_main", "owner"],
]) {
  test(`SSO click-through for ${name} (${role} of ${org}), then the link is spent`, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(`${WORKER}/sso`);
    await page.click(`button[data-user="${user}"]`);
    await page.waitForFunction((n) => document.getElementById("signed-in").textContent.includes(n), name);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "__Host-gatehouse_session");
    assert.ok(session, "the session cookie is set");
    assert.equal(session.httpOnly, true);
    assert.equal(session.secure, true);
    assert.equal(session.sameSite, "Strict");
    assert.equal(await page.evaluate(() => document.cookie), "", "page script cannot read the session");
    mkdirSync(`${OUT}/screenshots`, { recursive: true });
    await page.screenshot({ path: `${OUT}/screenshots/sso-portal-${user}.png`, fullPage: true });
    await Promise.all([page.waitForURL(/\/white-label\/redirect\/sso\?code=/), page.click("gatehouse-sso-button")]);
    const link = page.url();
    assert.equal(await page.textContent("#wl-name"), name);
    assert.equal(await page.textContent("#wl-org"), org);
    assert.equal(await page.textContent("#wl-role"), role);
    await page.screenshot({ path: `${OUT}/screenshots/sso-white-label-${user}.png`, fullPage: true });
    await page.goBack();
    assert.match(page.url(), /\/sso(\.html)?$/, "back on the portal");
    const again = await page.goto(link);
    assert.equal(again.status(), 400);
    assert.equal(await page.textContent("#wl-error"), "sso_token_redeemed");
    await page.screenshot({ path: `${OUT}/screenshots/sso-redeemed-${user}.png`, fullPage: true });
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), [], "no page errors (CSP included)");
    await context.close();
  });
}

test("a role that may not use SSO gets a clear page, not a dead end: forbidden_role", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${WORKER}/sso`);
  await page.click('button[data-user="casey"]');
  await page.waitForFunction(() => document.getElementById("signed-in").textContent.includes("Casey"));
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/api/sso")),
    page.click("gatehouse-sso-button"),
  ]);
  assert.equal(response.status(), 403);
  await page.waitForSelector("#gatehouse-error");
  assert.equal(await page.textContent("#gatehouse-error"), "forbidden_role");
  assert.match(response.headers()["content-type"], /text\/html/);
  await page.screenshot({ path: `${OUT}/screenshots/sso-forbidden-role.png`, fullPage: true });
  await context.close();
});
