// Server-side rendering: the packed package, installed in this app, imported and initialised in
// Node the way an SSR framework evaluates a component module on the server, then the element
// rendered to HTML by react-dom/server. Run by scripts/vite-app.sh after the install.
import { test } from "node:test";
import assert from "node:assert/strict";

// Browser globals an import or init() might reach for: each access is recorded (and answers
// undefined, as it would off the browser).
const BROWSER_GLOBALS = ["window", "self", "location", "customElements", "HTMLElement", "localStorage",
  "sessionStorage", "history", "addEventListener"];

test("the package entry imports and init() resolves off the browser without touching a browser global", async () => {
  const touched = [];
  for (const name of BROWSER_GLOBALS) {
    assert.equal(name in globalThis, false, `Node has no ${name}`);
    Object.defineProperty(globalThis, name, { configurable: true, get() { touched.push(name); return undefined; } });
  }
  const before = new Set(Object.getOwnPropertyNames(globalThis));
  try {
    const pkg = await import("@gatehouse/web");
    assert.equal(typeof pkg.default, "function");
    assert.equal(typeof pkg.GatehouseClient, "function", "the client's class is exported");
    assert.equal(await pkg.default(), undefined, "init() off the browser does nothing");
    assert.equal(await pkg.default(), undefined, "and does nothing again");
  } finally {
    for (const name of BROWSER_GLOBALS) delete globalThis[name];
  }
  assert.deepEqual(touched, [], "no browser global was read");
  assert.deepEqual(Object.getOwnPropertyNames(globalThis).filter((n) => !before.has(n)), [], "no global added");
});

test("react-dom/server renders the elements, with a module-level init() as the guide has it", async () => {
  const { createElement } = await import("react");
  const { renderToString } = await import("react-dom/server");
  const { default: init } = await import("@gatehouse/web");
  const ready = init(); // what a component module does at its top level (docs/react-vite.md)
  const html = renderToString(createElement("main", null,
    createElement("gatehouse-onboarding", { gatehouse: "https://gatehouse.example", sources: "square:pos:Square", "return-page": "https://portal.example/connect" }),
    createElement("gatehouse-sso-button", { gatehouse: "https://gatehouse.example" }, "Open dashboard")));
  assert.equal(await ready, undefined);
  assert.match(html, /<gatehouse-onboarding gatehouse="https:\/\/gatehouse.example" sources="square:pos:Square" return-page="https:\/\/portal.example\/connect"><\/gatehouse-onboarding>/);
  assert.match(html, /<gatehouse-sso-button gatehouse="https:\/\/gatehouse.example">Open dashboard<\/gatehouse-sso-button>/);
});
