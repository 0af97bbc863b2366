// Where the stack under test runs (scripts/ports.mjs: the ports in scripts/ports.sh, or the
// environment scripts/test.sh sets), the throwaway dev secrets it was given (`wrangler dev
// --env-file .dev.vars.example`, read by tests/dev-vars.mjs), and `fetch`: the recording fetch
// every end-to-end test imports from here instead of using the global one (see below).
import { appendFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { GATEHOUSE_URL, SANDBOX_URL, OIDC_URL, DOT_URL, PAGE_URL, port } from "../../scripts/ports.mjs";
import { devVar, SECRET_VALUES } from "../dev-vars.mjs";

export const WORKER = GATEHOUSE_URL;
export const SANDBOX = SANDBOX_URL;
/** The real OAuth servers (tests/real-oauth): oidc-provider and django-oauth-toolkit. */
export { OIDC_URL, DOT_URL };
/** The second browser origin [env.test] allows (CORS, return pages): the Vite app's. */
export const PAGE_ORIGIN = PAGE_URL;
/** A port of scripts/ports.sh by name (the extra workers and servers some tests start). */
export { port };
export const OUT = process.env.TEST_OUT ?? fileURLToPath(new URL("../.out", import.meta.url));

/** A secret value a test typed into a connection's form (a password, a client secret, a wrong
 * one too): tests/leak-scan.mjs looks for every one in the logs, the recorded answers, the
 * storage folder and the bundle. Answers the value. */
export function enteredSecret(value) {
  mkdirSync(OUT, { recursive: true });
  appendFileSync(`${OUT}/entered-secrets.txt`, `${value}\n`);
  return value;
}

export const ADMIN_API_KEY = devVar("ADMIN_API_KEY");
export const PROXY_API_KEY = devVar("PROXY_API_KEY");
/** Every secret value in the committed dev-vars file, for leak checks. */
export { SECRET_VALUES };

// ---- Every answer a browser could receive, recorded for the leak scan (docs/security.md item 1) ----
// Gatehouse answers to /api/* other than the proxy and the admin routes (which browsers are
// refused) are appended to tests/.out/responses/; tests/leak-scan.mjs then looks in them for every
// configured secret and every token the partners issued. The one deliberate exception is the SSO
// redirect's Location (docs/security.md item 12): it is recorded as a marker. So is the session
// cookie `POST /api/session` sets: it carries back the very session token the browser presented,
// as an HttpOnly `__Host-` cookie (docs/sso.md). Only the answer is recorded — the request's own
// query (which may carry a partner's one-time code) is not.
//
// Node tests record through `fetch` below, which every test file imports from this module (the
// leak scan checks they all do); the Chromium tests record every page's answers through
// tests/e2e/chromium.mjs.
const RESPONSES = `${OUT}/responses`;
/** The partners' origins: their answers go to Gatehouse, never to a browser. */
const partnerOrigins = new Set([SANDBOX_URL, OIDC_URL, DOT_URL].filter(Boolean).map((u) => new URL(u).origin));

/** Records one answer (status, headers, body) a browser could receive. */
export function recordBrowserResponse(url, method, status, headers, body) {
  const u = new URL(url);
  if (partnerOrigins.has(u.origin) || !u.pathname.startsWith("/api/")) return;
  if (/^\/api\/(proxy|admin|server)\//.test(u.pathname)) return;
  const shown = Object.entries(headers).map(([k, v]) => {
    if (k.toLowerCase() === "location" && u.pathname === "/api/sso" && status === 303) {
      return `${k}: [the SSO redirect, allowed by docs/security.md item 12]`;
    }
    if (k.toLowerCase() === "set-cookie" && u.pathname === "/api/session") {
      return `${k}: ${v.replace(/(__Host-gatehouse_session=)[^;,]+/g, "$1[the session the browser presented]")}`;
    }
    return `${k}: ${v}`;
  });
  mkdirSync(RESPONSES, { recursive: true });
  appendFileSync(`${RESPONSES}/${process.pid}.log`, `${method} ${u.pathname} → ${status}\n${shown.join("\n")}\n\n${body}\n----\n`);
}

/** The global fetch, recording every answer a browser could receive (recordBrowserResponse). */
export async function fetch(input, init = {}) {
  const resp = await globalThis.fetch(input, init);
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  try {
    const body = resp.status === 304 || resp.status === 204 ? "" : await resp.clone().text();
    recordBrowserResponse(url, init.method ?? input.method ?? "GET", resp.status, Object.fromEntries(resp.headers), body);
  } catch { /* an aborted body: nothing to record */ }
  return resp;
}

export async function sandboxControl(path, body) {
  const r = await fetch(`${SANDBOX}/_control/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`sandbox control ${path}: ${r.status}`);
  return r.status === 204 ? null : r.json().catch(() => null);
}

export const admin = (path, key = ADMIN_API_KEY) =>
  fetch(`${WORKER}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }); // key null/"": none

export const proxy = (path, init = {}) =>
  fetch(`${WORKER}/api/proxy/${path}`, {
    ...init,
    headers: { authorization: `Bearer ${PROXY_API_KEY}`, ...(init.headers ?? {}) },
  });

export const resetCredential = (id) =>
  fetch(`${WORKER}/api/admin/credentials/${id}/reset`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_API_KEY}` },
  });

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Creates a Stream organization directly at the sandbox (test set-up, not through Gatehouse). */
export async function sandboxStreamOrg(name = "Test Org") {
  const t = await (await fetch(`${SANDBOX}/stream/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "client_credentials", client_id: "sandbox-stream-client", client_secret: "sandbox-stream-secret" }),
  })).json();
  const r = await fetch(`${SANDBOX}/stream/organizations`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${t.access_token}` },
    body: JSON.stringify({ name, provider_id: "test", user: { email: "owner@test.example", full_name: "Test Owner", phone_number: "+1 555 0100" } }),
  });
  if (r.status !== 200 && r.status !== 201) throw new Error(`create org: ${r.status} ${await r.text()}`);
  return (await r.json()).org_id;
}
