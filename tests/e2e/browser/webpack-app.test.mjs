// The packed @gatehouse/web bundled by webpack 5 (tests/frameworks/webpack, built in tier
// framework-apps): a loading check. webpack emits the wasm it finds through the package's
// `new URL("gatehouse_web_bg.wasm", import.meta.url)`; in Chromium init() must load that file and
// register the elements. The build is served here by a static server on a free loopback port
// (no call to the worker is made, so its origin needs no CORS entry).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium, recordContext } from "../chromium.mjs";
import { collectErrors, widgetState } from "./framework-apps.mjs";

const DIST = fileURLToPath(new URL("../../frameworks/webpack/dist/", import.meta.url));
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
const server = createServer(async (req, res) => {
  const path = normalize(new URL(req.url, "http://x").pathname).replace(/^\/+/, "") || "index.html";
  try {
    if (path.startsWith("..")) throw new Error("outside dist");
    const body = await readFile(join(DIST, path));
    res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const ORIGIN = `http://127.0.0.1:${server.address().port}`;
const browser = await launchChromium(import.meta.url);
after(async () => { await browser.close(); server.close(); });

test("webpack 5: the bundle loads the wasm webpack emitted and registers both elements", async () => {
  const context = recordContext(await browser.newContext());
  const page = await context.newPage();
  const errors = collectErrors(page);
  const wasm = [];
  page.on("response", (r) => r.url().endsWith(".wasm") && wasm.push(`${new URL(r.url()).origin} ${r.status()}`));
  await page.goto(`${ORIGIN}/`);
  await widgetState(page, "choose");
  assert.equal(await page.textContent("#loaded"), "loaded: true function elements");
  assert.deepEqual(wasm, [`${ORIGIN} 200`], "the wasm came from the bundle's own output");
  assert.equal(await page.locator('gatehouse-onboarding button[data-source]').count(), 2);
  assert.deepEqual(errors, []);
  await context.close();
});
