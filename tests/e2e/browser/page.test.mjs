// What a person sees: the www/ page in Debian's Chromium (playwright-core), loading the
// @gatehouse/web package, which asks the worker for its health.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { AxeBuilder } from "@axe-core/playwright";
import { WORKER, OUT, ADMIN_API_KEY, enteredSecret, fetch } from "../env.mjs";
import { launchChromium, recordContext } from "../chromium.mjs";

const browser = await launchChromium(import.meta.url);
after(() => browser.close());

/**
 * A full-page screenshot with the value shown once (`selector`) blanked: a screenshot may be
 * committed (docs/img) or kept with a CI run. Playwright's `mask` paints with injected styles,
 * which the page's Content-Security-Policy refuses, so the text is swapped for the picture and
 * put back after.
 */
async function screenshotWithout(page, selector, file) {
  const shown = await page.evaluate((sel) => {
    const el = document.querySelector(sel);
    const text = el.textContent;
    el.textContent = "•••• (shown once; blanked in this picture)";
    return text;
  }, selector);
  await page.screenshot({ path: `${OUT}/screenshots/${file}`, fullPage: true });
  await page.evaluate(([sel, text]) => { document.querySelector(sel).textContent = text; }, [selector, shown]);
}

// Every answer the pages (popups included) receive from the worker goes to the leak scan's record.
const newContext = async () => recordContext(await browser.newContext());
const newPage = async () => {
  const page = await browser.newPage(); // owns its context: closing the page closes it
  recordContext(page.context());
  return page;
};

test("the local page loads the wasm package and shows the worker's health", async () => {
  const page = await newPage();
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
    const context = await newContext();
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
  const context = await newContext();
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

// The onboarding widget, embedded in www/onboarding.html the way a partner would, through the
// sandbox's consent page: redirect and popup modes, Authorize and Deny, until a DSP location is
// bound to a POS location. Screenshots of each widget state go to tests/.out/screenshots.
async function signedInOnboardingPage(user = "tony") {
  const context = await newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`${WORKER}/onboarding`);
  await page.click(`button[data-user="${user}"]`);
  await page.waitForSelector("gatehouse-onboarding:not([hidden])");
  await page.waitForSelector('gatehouse-onboarding[data-state="choose"]');
  return { context, page, errors };
}
const shot = async (page, name) => {
  await page.screenshot({ path: `${OUT}/screenshots/onboarding-${name}.png`, fullPage: true });
  // The widget alone, animations stopped, for the READMEs: scripts/screenshots.sh copies the ones
  // that changed into docs/img/ after this tier passes.
  if (!(await page.$("gatehouse-onboarding"))) return;
  mkdirSync(`${OUT}/screenshots/widget`, { recursive: true });
  await page.locator("gatehouse-onboarding").screenshot({ path: `${OUT}/screenshots/widget/${name}.png`, animations: "disabled", caret: "hide" });
};
const state = (page, s) => page.waitForSelector(`gatehouse-onboarding[data-state="${s}"]`, { timeout: 15_000 });

test("onboarding widget, redirect mode: Square (POS) and Uber Eats (DSP) authorized, a DSP location bound to a POS location", async () => {
  const { context, page, errors } = await signedInOnboardingPage("tony");
  mkdirSync(`${OUT}/screenshots`, { recursive: true });
  await shot(page, "1-choose");
  for (const source of ["square", "ubereats"]) {
    await Promise.all([page.waitForURL(/\/consent\//), page.click(`gatehouse-onboarding button[data-source="${source}"]`)]);
    if (source === "square") await shot(page, "2-consent-page");
    await Promise.all([page.waitForURL(/\/onboarding($|\?)/), page.click("#consent-authorize")]);
    await state(page, "locations");
    if (source === "square") {
      await shot(page, "3-active-locations");
      await page.click("gatehouse-onboarding button.secondary");
      await state(page, "choose");
    }
  }
  const select = page.locator("gatehouse-onboarding select[data-dsp]").first();
  const pos = await select.locator("option").nth(1).getAttribute("value");
  await select.selectOption(pos);
  await shot(page, "4-binding");
  await page.click('gatehouse-onboarding button[part="button"]:has-text("Save bindings")');
  await page.waitForFunction((v) => document.querySelector("gatehouse-onboarding").shadowRoot.querySelector("select[data-dsp]")?.value === v
    && document.querySelector("#events").textContent.includes("bound"), pos);
  await shot(page, "5-bound");
  assert.equal(new URL(page.url()).search, "", "the page URL is clean");
  assert.deepEqual(errors, [], "no page errors (CSP included)");
  await context.close();
});

test("onboarding widget: Deny at the partner shows a clear error with retry", async () => {
  const { context, page } = await signedInOnboardingPage("sarah");
  await Promise.all([page.waitForURL(/\/consent\//), page.click('gatehouse-onboarding button[data-source="square"]')]);
  await Promise.all([page.waitForURL(/\/onboarding($|\?)/), page.click("#consent-deny")]);
  await state(page, "error");
  assert.equal(await page.locator("gatehouse-onboarding code[data-code]").textContent(), "authorization_failed");
  await shot(page, "6-denied");
  await page.click('gatehouse-onboarding button:has-text("Try again")');
  await state(page, "choose");
  await context.close();
});

test("onboarding widget, popup mode: authorize in the popup, the page carries on", async () => {
  const { context, page } = await signedInOnboardingPage("tony");
  await page.selectOption("#mode", "popup");
  const [popup] = await Promise.all([context.waitForEvent("page"), page.click('gatehouse-onboarding button[data-source="square"]')]);
  await popup.waitForURL(/\/consent\//);
  await state(page, "connecting");
  await shot(page, "7-popup-connecting");
  await popup.click("#consent-authorize");
  await state(page, "locations");
  assert.match(await page.textContent("#events"), /popup_returned|status/);
  await context.close();
});

test("an expired authorization link: the widget starts the same platform again in one click", async () => {
  const { context, page } = await signedInOnboardingPage("tony");
  // A pending onboarding of Tony's organization whose link the merchant followed too late: the
  // worker's go link then lands here with its id and state_expired.
  const id = await page.evaluate(async () => {
    const r = await fetch("/api/onboarding", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ source: "square", type: "pos" }) });
    return (await r.json()).onboarding.id;
  });
  await page.goto(`${WORKER}/onboarding?gatehouse_onboarding=${id}&gatehouse_error=state_expired`);
  await state(page, "error");
  assert.equal(await page.locator("gatehouse-onboarding code[data-code]").textContent(), "state_expired");
  await shot(page, "8-expired-link");
  await Promise.all([page.waitForURL(/\/consent\//), page.click('gatehouse-onboarding button[data-action="restart"]')]);
  assert.match(await page.textContent("body"), /square/i, "the same platform, not re-chosen");
  await Promise.all([page.waitForURL(/\/onboarding($|\?)/), page.click("#consent-authorize")]);
  await state(page, "locations");
  await context.close();
});

test("popup mode ignores messages from other origins and windows", async () => {
  const { context, page } = await signedInOnboardingPage("tony");
  await page.selectOption("#mode", "popup");
  const [popup] = await Promise.all([context.waitForEvent("page"), page.click('gatehouse-onboarding button[data-source="square"]')]);
  await popup.waitForURL(/\/consent\//);
  await state(page, "connecting");
  const forged = { type: "gatehouse-onboarding", onboarding: "onb_forged", status: "active" };
  // The popup itself, while it is on the partner's (foreign) origin: right window, wrong origin.
  await popup.evaluate((m) => window.opener.postMessage(m, "*"), forged);
  // The page's own window and a same-origin frame in it: right origin, not the popup.
  await page.evaluate((m) => {
    window.postMessage(m, location.origin);
    const frame = document.createElement("iframe");
    frame.name = "not-the-popup";
    document.body.append(frame);
  }, forged);
  const frame = page.frame({ name: "not-the-popup" });
  await frame.evaluate((m) => parent.postMessage(m, location.origin === "null" ? "*" : parent.location.origin), forged);
  await page.waitForTimeout(700);
  const events = await page.textContent("#events");
  assert.doesNotMatch(events, /popup_returned/, "a forged message was taken for the popup's");
  assert.equal(await page.getAttribute("gatehouse-onboarding", "data-state"), "connecting");
  // The real popup, back on this origin, is heard.
  await popup.click("#consent-authorize");
  await state(page, "locations");
  assert.match(await page.textContent("#events"), /popup_returned/);
  await context.close();
});

test("onboarding widget, popup mode with the popup blocked: falls back to the full-page redirect", async () => {
  const { context, page } = await signedInOnboardingPage("tony");
  await page.evaluate(() => { window.open = () => null; }); // what a popup blocker does
  await page.selectOption("#mode", "popup");
  await Promise.all([page.waitForURL(/\/consent\//), page.click('gatehouse-onboarding button[data-source="square"]')]);
  await Promise.all([page.waitForURL(/\/onboarding($|\?)/), page.click("#consent-authorize")]);
  await state(page, "locations");
  await context.close();
});

test("the operators' page creates a Stream partner token, shows its value once, and deletes it", async () => {
  const { sandboxStreamOrg } = await import("../env.mjs");
  const org = await sandboxStreamOrg("Admin page org");
  const page = await newPage();
  await page.goto(`${WORKER}/admin`);
  await page.fill("#key", ADMIN_API_KEY);
  await page.click('#key-form button[type="submit"]');
  await page.fill("#pt-org", org);
  await page.fill("#pt-name", "Nightly sync");
  await page.check('#pt-create-form input[value="legacy_onboarding"]');
  await page.click('#pt-create-form button[type="submit"]');
  await page.waitForSelector("#pt-created:not([hidden])");
  assert.ok((await page.textContent("#pt-value")).length >= 20, "the value is shown once");
  await page.waitForSelector("#partner-tokens tbody tr");
  assert.match(await page.textContent("#partner-tokens tbody"), /Nightly sync.*user legacy_onboarding/);
  await screenshotWithout(page, "#pt-value", "admin-partner-tokens.png");
  // Renaming edits the name in its cell (a browser prompt would fail: no dialog handler here).
  page.on("dialog", (d) => { d.dismiss(); assert.fail(`a browser dialog: ${d.message()}`); });
  await page.getByRole("button", { name: "Rename Nightly sync" }).click();
  await page.getByRole("button", { name: "Keep the name Nightly sync" }).click();
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), "Rename Nightly sync");
  await page.getByRole("button", { name: "Rename Nightly sync" }).click();
  await page.getByRole("textbox", { name: "New name for Nightly sync" }).fill("Nightly sync (EU)");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /Nightly sync \(EU\)/.test(document.querySelector("#partner-tokens tbody").textContent)
    && !document.querySelector("#partner-tokens tbody form"));
  await page.click('#partner-tokens tbody tr button:has-text("Delete")');
  await page.waitForFunction(() => document.querySelectorAll("#partner-tokens tbody tr").length === 0);
  await page.close();
});

test("the operators' page makes a scoped server key, shows it once, rotates and revokes it", async () => {
  const context = await newContext(); // axe-core opens its own page in the context
  const page = await context.newPage();
  // The page asks in the row, never with a browser dialog: one would fail this test.
  page.on("dialog", (d) => { d.dismiss(); assert.fail(`a browser dialog: ${d.message()}`); });
  await page.goto(`${WORKER}/admin`);
  await page.fill("#key", ADMIN_API_KEY);
  await page.click('#key-form button[type="submit"]');
  // A name no other test uses (keys made elsewhere in the run are listed too).
  const name = `Ledger export ${Date.now().toString(36)}`;
  await page.fill("#key-name", name);
  // No scope: refused, and the scopes are marked with the problem beside them.
  await page.uncheck('#key-create-form input[value="proxy"]');
  await page.click('#key-create-form button[type="submit"]');
  await page.waitForFunction(() => document.getElementById("key-create-error").textContent.startsWith("invalid_key"));
  assert.equal(await page.textContent("#key-scopes-problem"), "at least one");
  assert.equal(await page.getAttribute('#key-create-form input[value="proxy"]', "aria-invalid"), "true");
  assert.equal(await page.getAttribute("#key-orgs", "aria-invalid"), null, "only the field named is marked");
  await page.check('#key-create-form input[value="proxy"]');
  await page.check('#key-create-form input[value="onboarding:read"]');
  await page.fill("#key-orgs", "org_admin_page");
  await page.click('#key-create-form button[type="submit"]');
  await page.waitForSelector("#key-made:not([hidden])");
  assert.equal(await page.textContent("#key-scopes-problem"), "", "the problem is cleared once fixed");
  assert.equal(await page.getAttribute('#key-create-form input[value="proxy"]', "aria-invalid"), null);
  const secret = enteredSecret(await page.textContent("#key-value"));
  assert.match(secret, /^gh_test_[a-z2-7]{16}_[a-z2-7]{52}$/);
  // A real key, with exactly its scopes: the proxy for its organization, not the operators' routes.
  const asKey = await fetch(`${WORKER}/api/admin/keys`, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal((await asKey.json()).code, "insufficient_scope");
  const row = page.locator("#server-keys tbody tr", { hasText: name });
  await row.waitFor();
  assert.match(await row.textContent(), /gh_test_.*proxy onboarding:read.*org_admin_page/);
  assert.ok(!(await row.textContent()).includes(secret.slice(-52)), "the list shows the prefix only");
  // The operators' page passes axe-core with no serious or critical violation, a new key on show.
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`), [], "axe on /admin");
  await screenshotWithout(page, "#key-value", "admin-keys.png"); // docs/img/admin-keys.png
  // Rotate: a second key with the same name; the first now expires.
  await row.locator('button:has-text("Rotate")').click();
  await page.waitForFunction((n) => [...document.querySelectorAll("#server-keys tbody tr")].filter((r) => r.textContent.includes(n)).length === 2, name);
  const rotated = enteredSecret(await page.textContent("#key-value"));
  assert.notEqual(rotated, secret);
  // Revoking asks in the row; "Keep" puts the row back as it was, focus on its Revoke.
  const first = page.locator("#server-keys tbody tr", { hasText: name }).first();
  await first.getByRole("button", { name: /^Revoke .* \(gh_test_/ }).click();
  assert.match(await first.textContent(), /stop within 5 seconds/);
  await first.getByRole("button", { name: /^Keep / }).click();
  assert.match(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), /^Revoke .*\)$/);
  // Revoke both ("Revoke", then "Revoke now").
  for (let i = 0; i < 2; i++) {
    const row = page.locator("#server-keys tbody tr", { hasText: name }).first();
    await row.getByRole("button", { name: /^Revoke .*\)$/ }).click();
    await row.getByRole("button", { name: /^Revoke .* now$/ }).click();
    await page.waitForFunction(([n, left]) => [...document.querySelectorAll("#server-keys tbody tr")].filter((r) => r.textContent.includes(n)).length === left, [name, 1 - i]);
  }
  const gone = await fetch(`${WORKER}/api/proxy/stream/x`, { headers: { authorization: `Bearer ${rotated}` } });
  assert.equal(gone.status, 401);
  // Nothing of a key is kept by the page.
  await page.reload();
  const kept = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie + location.href);
  assert.ok(!kept.includes("gh_test_"), kept);
  await context.close();
});

test("the operators' credential health page lists the credentials after the key is entered", async () => {
  const page = await newPage();
  await page.goto(`${WORKER}/admin`);
  await page.fill("#key", ADMIN_API_KEY);
  await page.click('#key-form button[type="submit"]');
  await page.waitForSelector('#credentials tr[data-credential="stream"]');
  assert.ok(await page.locator("#credentials tbody tr").count() >= 4);
  assert.equal(await page.inputValue("#key"), "", "the key is not left in the form");
  // [env.test] configures no webhook target (tests/e2e/webhooks.test.mjs runs a worker that does).
  await page.waitForSelector("#webhooks-empty:not([hidden])");
  assert.equal(await page.locator("#webhooks tbody tr").count(), 0);
  // The wide table scrolls inside its card instead of overflowing it.
  const overflow = await page.evaluate(() => [...document.querySelectorAll("section")]
    .filter((s) => s.scrollWidth > s.clientWidth).map((s) => s.getAttribute("aria-labelledby")));
  assert.deepEqual(overflow, [], "no card is wider than itself");
  await page.screenshot({ path: `${OUT}/screenshots/admin-credentials.png`, fullPage: true });
  await page.close();
});
