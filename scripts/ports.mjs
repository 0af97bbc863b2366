// The ports and URLs of the servers under test, for Node (tests, bench, scripts/render-config.mjs).
// The defaults are the table in scripts/ports.sh (the one place for ports); the environment
// overrides them: each port by its variable (GATEHOUSE_PORT, SANDBOX_PORT, …), and the URLs the
// scripts export (GATEHOUSE_URL, SANDBOX_URL, OIDC_URL, DOT_URL, PAGE_URL). PORTS_MODE (`run` or
// `test`, default `test`) picks the column.
import { readFileSync } from "node:fs";

const table = readFileSync(new URL("./ports.sh", import.meta.url), "utf8").match(/^PORT_TABLE='([^']*)'/m)[1];

/** name → { run, test } defaults (null where that command does not start the server). */
export const PORT_DEFAULTS = Object.fromEntries(
  table.split("\n").map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 3 && f[0])
    .map(([name, run, test]) => [name, { run: run === "-" ? null : Number(run), test: test === "-" ? null : Number(test) }]),
);

export const MODE = process.env.PORTS_MODE === "run" ? "run" : "test";

/** The port `name` for `mode`: its environment variable, else the table's default. */
export function port(name, mode = MODE) {
  const fallback = PORT_DEFAULTS[name]?.[mode];
  if (fallback === undefined) throw new Error(`no port ${name} in scripts/ports.sh`);
  const set = process.env[name];
  if (set === undefined || set === "") return fallback;
  if (!/^\d+$/.test(set) || Number(set) > 65535) throw new Error(`${name} must be a port number, got ${set}`);
  return Number(set);
}

const url = (env, name) => process.env[env] || (port(name) === null ? null : `http://127.0.0.1:${port(name)}`);
export const GATEHOUSE_URL = url("GATEHOUSE_URL", "GATEHOUSE_PORT");
export const SANDBOX_URL = url("SANDBOX_URL", "SANDBOX_PORT");
export const OIDC_URL = url("OIDC_URL", "OIDC_PORT");
export const DOT_URL = url("DOT_URL", "DOT_PORT");
/** The second browser origin the test configuration allows (CORS, return pages). */
export const PAGE_URL = url("PAGE_URL", "PAGE_PORT");
