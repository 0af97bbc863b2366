// Where the stack under test runs (set by scripts/test.sh) and the throwaway dev secrets it was
// given (`wrangler dev --env-file .dev.vars.example`).
import { readFileSync, appendFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const WORKER = process.env.GATEHOUSE_URL ?? "http://127.0.0.1:18787";
export const SANDBOX = process.env.SANDBOX_URL ?? "http://127.0.0.1:18790";
export const OUT = process.env.TEST_OUT ?? fileURLToPath(new URL("../.out", import.meta.url));

const devVars = Object.fromEntries(
  readFileSync(new URL("../../.dev.vars.example", import.meta.url), "utf8")
    .split("\n")
    .filter((l) => l.includes("=") && !l.trimStart().startsWith("#"))
    .map((l) => [l.slice(0, l.indexOf("=")).trim(), l.slice(l.indexOf("=") + 1).trim()]),
);
export const ADMIN_API_KEY = devVars.ADMIN_API_KEY;

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
export const PROXY_API_KEY = devVars.PROXY_API_KEY;

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

/** Every secret value in the committed dev-vars file, for leak checks. */
export const SECRET_VALUES = Object.values(devVars).filter((v) => v.length >= 8);

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

// ---- Every answer a browser could receive, recorded for the leak scan (docs/security.md item 1) ----
// Gatehouse answers to /api/* other than the proxy and the admin routes (which browsers are
// refused) are appended to tests/.out/responses/; tests/leak-scan.mjs then looks in them for every
// configured secret and every token the partners issued. The one deliberate exception is the SSO
// redirect's Location (docs/security.md item 12): it is recorded as a marker. So is the session
// cookie `POST /api/session` sets: it carries back the very session token the browser presented,
// as an HttpOnly `__Host-` cookie (docs/sso.md). Only the answer is recorded — the request's own
// query (which may carry a partner's one-time code) is not.
const RESPONSES = `${OUT}/responses`;
const partnerPorts = new Set(["18790", "18791", "18792"]);

/** Records one answer (status, headers, body) a browser could receive. */
export function recordBrowserResponse(url, method, status, headers, body) {
  const u = new URL(url);
  if (partnerPorts.has(u.port) || !u.pathname.startsWith("/api/")) return;
  if (/^\/api\/(proxy|admin)\//.test(u.pathname)) return;
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

const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init = {}) => {
  const resp = await realFetch(input, init);
  const url = typeof input === "string" ? input : input.url;
  try {
    const body = resp.status === 304 || resp.status === 204 ? "" : await resp.clone().text();
    recordBrowserResponse(url, init.method ?? "GET", resp.status, Object.fromEntries(resp.headers), body);
  } catch { /* an aborted body: nothing to record */ }
  return resp;
};
