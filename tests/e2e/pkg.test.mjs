// The worker serves the npm package it speaks at /pkg/ (scripts/build.sh puts the `npm pack`
// contents in www/pkg; www/_headers adds CORS), so a page on any origin can load the exact
// version of its worker. A page on another origin loading it in Chromium:
// tests/e2e/browser/pkg-cross-origin.test.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fetch, PAGE_ORIGIN, WORKER } from "./env.mjs";

const ROOT = new URL("../../", import.meta.url);
const workspaceVersion = readFileSync(new URL("Cargo.toml", ROOT), "utf8").match(/^\[workspace\.package\][^[]*?^version = "([^"]+)"/ms)[1];

test("/pkg/package.json is the package of the worker's own version, from the workspace", async () => {
  const health = await (await fetch(`${WORKER}/api/health`)).json();
  const r = await fetch(`${WORKER}/pkg/package.json`, { headers: { origin: PAGE_ORIGIN } });
  assert.equal(r.status, 200);
  const pkg = await r.json();
  assert.equal(pkg.name, "@gatehouse/web");
  assert.equal(pkg.version, health.version, "the package the worker serves is the version it speaks");
  assert.equal(pkg.version, workspaceVersion, "the version comes from the workspace Cargo.toml");
});

test("/pkg/ holds exactly the files of the npm pack tarball, each with CORS for any origin", async () => {
  // What npm would put in the tarball, by npm's own rules (dry run of the built package).
  const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--loglevel=error"],
    { cwd: new URL("crates/web/pkg/", ROOT) }).toString())[0].files.map((f) => f.path).sort();
  assert.ok(packed.includes("index.js") && packed.includes("gatehouse_web_bg.wasm") && packed.includes("CHANGELOG.md"), packed.join(" "));
  for (const path of packed) {
    const r = await fetch(`${WORKER}/pkg/${path}`, { headers: { origin: "https://some-portal.example" } });
    assert.equal(r.status, 200, path);
    assert.equal(r.headers.get("access-control-allow-origin"), "*", path);
    assert.equal(r.headers.get("cross-origin-resource-policy"), "cross-origin", path);
    await r.arrayBuffer();
  }
  const wasm = await fetch(`${WORKER}/pkg/gatehouse_web_bg.wasm`);
  assert.equal(wasm.headers.get("content-type"), "application/wasm", "streaming instantiation needs application/wasm");
  assert.equal(Buffer.from(await wasm.arrayBuffer()).subarray(0, 4).toString("latin1"), "\0asm");
  const entry = await fetch(`${WORKER}/pkg/index.js`);
  assert.match(entry.headers.get("content-type"), /javascript/);
  assert.match(await entry.text(), /from\s*"\.\/gatehouse_web\.js"/, "the entry re-exports the wasm-bindgen module");
});
