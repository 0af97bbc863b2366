// Starts an extra `wrangler dev` of the test configuration (own port, own persist directory, own
// process group) for tests that must restart the worker or run it in another mode.
import { spawn } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OUT, sleep } from "./env.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Starts the worker on `port`; resolves once `/api/health` answers. `vars`: extra `--var`s. */
export async function startWorker({ port, persist, log, vars = {} }) {
  mkdirSync(join(OUT, "logs"), { recursive: true });
  const out = openSync(join(OUT, "logs", log), "a");
  const child = spawn(join(ROOT, "node_modules/.bin/wrangler"), [
    "dev", "--config", join(ROOT, "wrangler.toml"), "--env", "test", "--env-file", join(ROOT, ".dev.vars.example"),
    "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(port + 1000),
    "--persist-to", persist, "--show-interactive-dev-session=false",
    ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ], { cwd: ROOT, detached: true, stdio: ["ignore", out, out] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, group: child.pid };
    } catch { /* not up yet */ }
    await sleep(250);
  }
  stopWorker({ group: child.pid });
  throw new Error(`the extra worker on :${port} did not start; see tests/.out/logs/${log}`);
}

/** SIGKILLs the worker's whole process group (wrangler and workerd). */
export function stopWorker(worker) {
  if (!worker?.group) return;
  try { process.kill(-worker.group, "SIGKILL"); } catch { /* already gone */ }
  worker.group = null;
}
