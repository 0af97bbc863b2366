// The entry of the npm package @gatehouse/web: everything the wasm-bindgen module exports, and an
// `init()` that can be imported and called anywhere. In a page it loads gatehouse_web_bg.wasm
// (next to this file) once and registers <gatehouse-sso-button>, <gatehouse-onboarding> and <gatehouse-connect>. Off
// the browser — server-side rendering in Node, Deno or a Worker, where there is no `document` —
// it does nothing and resolves to `undefined`, so a component that calls it at module level
// renders on the server too. Importing this module reads no browser global.
import load from "./gatehouse_web.js";

export * from "./gatehouse_web.js";

/** Loads the package in a page (once; later calls answer the same promise). Off the browser: nothing. */
export default function init(options) {
  if (typeof document === "undefined" || typeof customElements === "undefined") return Promise.resolve(undefined);
  return load(options);
}
