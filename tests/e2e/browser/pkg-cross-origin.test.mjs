// A page on another origin (the test page origin, PAGE_PORT: tests/vite-app/public/from-worker.html,
// no bundler) loads @gatehouse/web from the worker's /pkg/ with <script type="module">: the module,
// its snippets and the wasm cross origin (CORS from www/_headers), the elements registered, the
// client talking to the worker, and the version the worker serves equal to the one it speaks.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { PAGE_ORIGIN, WORKER } from "../env.mjs";
import { launchChromium, recordContext } from "../chromium.mjs";

const browser = await launchChromium(import.meta.url);
after(() => browser.close());

test("a plain page on another origin loads the package from the worker's /pkg/ and runs the widget", async () => {
  const context = recordContext(await browser.newContext());
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  const loaded = [];
  page.on("response", (r) => { if (new URL(r.url()).pathname.startsWith("/pkg/")) loaded.push(`${new URL(r.url()).pathname} ${r.status()}`); });
  await page.goto(`${PAGE_ORIGIN}/from-worker.html?gatehouse=${encodeURIComponent(WORKER)}`);
  await page.waitForSelector('gatehouse-onboarding[data-state="choose"]', { timeout: 15_000 });
  assert.notEqual(new URL(page.url()).origin, new URL(WORKER).origin, "the page is on another origin");
  const version = await page.textContent("#version");
  assert.match(version, /^\d+\.\d+\.\d+/);
  assert.equal(await page.textContent("#health"), version, "the worker speaks the version it serves");
  for (const file of ["/pkg/index.js", "/pkg/gatehouse_web.js", "/pkg/gatehouse_web_bg.wasm"]) {
    assert.ok(loaded.includes(`${file} 200`), `${file} loaded cross origin: ${loaded.join(", ")}`);
  }
  assert.ok(await page.$('gatehouse-onboarding >> button[data-source="square"]'), "the widget rendered its sources");
  assert.deepEqual(errors, []);
  await context.close();
});
