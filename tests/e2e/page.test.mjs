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
