// Starts an extra `wrangler dev` of the test configuration (own port, own persist directory, own
// process group) for tests that must restart the worker or run it in another mode.
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fetch, OUT, sleep } from "./env.mjs";
import { renderConfig } from "../../scripts/render-config.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// The configuration the main stack runs on (scripts/lib.sh exports it), or the same rendered here.
const CONFIG = process.env.GATEHOUSE_WRANGLER_CONFIG || renderConfig("test");

const tail = (path, lines = 30) => readFileSync(path, "utf8").split("\n").slice(-lines).join("\n");

/** What listens on `port` (from `ss`), or null. */
function holder(port) {
  try {
    const out = execFileSync("ss", ["-Hltnp", `sport = :${port}`], { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    return out ? out.replace(/\s+/g, " ") : null;
  } catch { return null; /* no ss: wrangler's own error then says it */ }
}

/** Starts the worker on `port`; resolves once `/api/health` answers. `vars`: extra `--var`s. */
export async function startWorker({ port, persist, log, vars = {} }) {
  const busy = holder(port);
  if (busy) throw new Error(`port ${port} is already in use (${busy}); see scripts/ports.sh to move it`);
  mkdirSync(join(OUT, "logs"), { recursive: true });
  const logPath = join(OUT, "logs", log);
  const out = openSync(logPath, "a");
  const child = spawn(join(ROOT, "node_modules/.bin/wrangler"), [
    "dev", "--config", CONFIG, "--env", "test", "--env-file", join(ROOT, ".dev.vars.example"),
    "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", "0",
    "--persist-to", persist, "--show-interactive-dev-session=false",
    ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ], {
    cwd: ROOT, detached: true, stdio: ["ignore", out, out],
    // As scripts/lib.sh: no request traces (tokens in the clear) or state explorer in wrangler dev.
    env: { ...process.env, X_LOCAL_OBSERVABILITY: "false", X_LOCAL_EXPLORER: "false", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the extra worker on :${port} exited (${child.exitCode ?? child.signalCode}) before it answered; `
        + `last lines of tests/.out/logs/${log}:\n${tail(logPath)}`);
    }
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, group: child.pid };
    } catch { /* not up yet */ }
    await sleep(250);
  }
  stopWorker({ group: child.pid });
  throw new Error(`the extra worker on :${port} did not start in 60 s; last lines of tests/.out/logs/${log}:\n${tail(logPath)}`);
}

/** SIGKILLs the worker's whole process group (wrangler and workerd). */
export function stopWorker(worker) {
  if (!worker?.group) return;
  try { process.kill(-worker.group, "SIGKILL"); } catch { /* already gone */ }
  worker.group = null;
}
