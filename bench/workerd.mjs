// Gatehouse and the JavaScript baseline in workerd directly, the way production runs them: no
// `wrangler dev` and no Node proxy in front. Each is one workerd process started through
// Miniflare (the library wrangler itself runs workerd with) on the worker options wrangler
// derives from the same configuration the test stack uses (`[env.test]` of the rendered
// wrangler.toml, scripts/render-config.mjs), so bindings, Durable Objects and compatibility
// settings are the test stack's. Used by `node bench/run.mjs workerd` (bench/README.md).
import * as miniflare from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { devVars } from "../tests/dev-vars.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The test stack's wrangler configuration for the ports in use. */
const testConfig = () =>
  execFileSync("node", [`${ROOT}/scripts/render-config.mjs`, "test"], { encoding: "utf8" }).trim();

/** Miniflare options for the worker `config` describes (in `env`), on a free loopback port. */
function optionsFor(config, env, { bindings = {}, persist, rateLimits = false }) {
  const quiet = [console.warn, console.log];
  console.warn = console.log = () => {}; // wrangler's notes on experimental fields and .dev.vars
  let derived;
  try {
    derived = unstable_getMiniflareWorkerOptions(config, env);
  } finally {
    [console.warn, console.log] = quiet;
  }
  const { workerOptions, main } = derived;
  const { modulesRules: _, ...rest } = workerOptions;
  return {
    ...rest,
    name: "main",
    ...modulesOf(main),
    bindings: { ...workerOptions.bindings, ...bindings },
    // Rate limiters are Miniflare's own emulation: kept only for the runs that call a limited
    // route (connections' verifications); the proxy and list series use none.
    ratelimits: rateLimits ? rest.ratelimits : undefined,
    host: "127.0.0.1",
    port: 0,
    // Durable Object storage kept in `persist` (the cold-isolate figure restarts on it):
    // Miniflare 4 reads `durableObjectsPersist`, Miniflare 5 one persistence root for everything.
    durableObjectsPersist: persist ?? false,
    ...(persist && miniflare.convertV4MiniflareOptions ? { resourcePersistencePath: persist } : {}),
  };
}

// wrangler derives Miniflare 4-style worker options; Miniflare 5 (wrangler 4.164) takes them
// through its own converter (with the modules listed: it converts no module rules).
const convert = miniflare.convertV4MiniflareOptions ?? ((options) => options);

/** The worker's modules listed one by one (Miniflare 5 takes no module rules): the entry first,
 *  then every other `.js`/`.mjs` and `.wasm` (a compiled module) beside it — worker-build's
 *  output is `build/worker/shim.mjs`, `build/index.js` and `build/index_bg.wasm`. */
function modulesOf(main) {
  const root = basename(dirname(main)) === "worker" ? dirname(dirname(main)) : dirname(main);
  const others = readdirSync(root, { recursive: true })
    .map((f) => join(root, f))
    .filter((p) => p !== main && /\.(m?js|wasm)$/.test(p));
  const modules = [main, ...others].map((path) => ({ type: path.endsWith(".wasm") ? "CompiledWasm" : "ESModule", path }));
  return { modules, modulesRoot: root };
}

/** Starts one workerd process; with `trackCpu`, finds its pid (for `cpuMs`) — not for the
 *  cold starts, which the scan of `/proc` would lengthen. */
async function start(options, trackCpu = false) {
  const before = trackCpu ? workerdProcesses() : new Set();
  const mf = new miniflare.Miniflare(convert(options));
  const url = (await mf.ready).origin;
  const pid = trackCpu ? [...workerdProcesses()].find((p) => !before.has(p)) : undefined;
  return { url, pid, stop: () => mf.dispose() };
}

/** This process's workerd children (Linux `/proc`; empty elsewhere). */
function workerdProcesses() {
  const own = String(process.pid);
  const isOurs = (pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "workerd" && statFields(pid)[1] === own;
    } catch {
      return false; // gone meanwhile
    }
  };
  try {
    return new Set(readdirSync("/proc").filter((p) => /^\d+$/.test(p) && isOurs(p)));
  } catch {
    return new Set();
  }
}

/** `/proc/<pid>/stat` after the command name: state, ppid, … */
const statFields = (pid) => readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");

/** CPU time (user + system, ms) process `pid` has used so far; `null` where unknown. */
export function cpuMs(pid) {
  if (!pid) return null;
  try {
    const f = statFields(pid);
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks: 100 a second on Linux
  } catch {
    return null;
  }
}

/** Gatehouse (`[env.test]`, the development secrets, LOG_LEVEL=warn, `extra` bindings). */
export function gatehouseOptions({ persist, extra = {}, rateLimits = false } = {}) {
  return optionsFor(testConfig(), "test", {
    persist, rateLimits, bindings: { ...devVars, LOG_LEVEL: "warn", ...extra },
  });
}

/** Starts Gatehouse in its own workerd process. */
export const startGatehouse = (opts = {}) => start(gatehouseOptions(opts), opts.trackCpu);

/** Miniflare options for the JavaScript baseline (bench/baseline). */
export function baselineOptions({ token, upstream }) {
  return optionsFor(`${ROOT}/bench/baseline/wrangler.toml`, undefined, {
    bindings: { TOKEN: token, UPSTREAM: upstream },
  });
}
/** Starts the JavaScript baseline in its own workerd process. */
export const startBaseline = (opts) => start(baselineOptions(opts), opts.trackCpu);

/** Starts the floor (bench/floor: the baseline's work in Rust, built as the worker is) in its
 *  own workerd process, on the baseline's configuration (bindings, routing, compatibility). */
export function startFloor(opts) {
  const options = { ...baselineOptions(opts), ...modulesOf(`${ROOT}/bench/floor/build/index.js`) };
  return start(options, opts.trackCpu);
}

/** Starts the constant-answer Worker (bench/baseline/answer.js) in its own workerd process. */
export const startAnswer = (opts = {}) =>
  start(optionsFor(`${ROOT}/bench/baseline/answer.toml`, undefined, {}), opts.trackCpu);

/** The `CREDENTIALS` of the test configuration, parsed. */
export function testCredentials() {
  return JSON.parse(gatehouseOptions().bindings.CREDENTIALS);
}
