// Where the stack under test runs (set by scripts/test.sh) and the dev secrets it was given.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const WORKER = process.env.GATEHOUSE_URL ?? "http://127.0.0.1:18787";
export const SANDBOX = process.env.SANDBOX_URL ?? "http://127.0.0.1:18790";
export const OUT = process.env.TEST_OUT ?? fileURLToPath(new URL("../.out", import.meta.url));

const devVars = Object.fromEntries(
  readFileSync(new URL("../../.dev.vars", import.meta.url), "utf8")
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
  fetch(`${WORKER}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
