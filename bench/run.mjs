// `make bench`: figures from the built worker in workerd, written to bench/results.json.
// Bounded: fixed request counts and concurrency, loopback only.
import { writeFileSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { sizes } from "./sizes.mjs";
import { GATEHOUSE_URL as WORKER, SANDBOX_URL as SANDBOX, port } from "../scripts/ports.mjs";
import { devVars as vars } from "../tests/dev-vars.mjs";

const BASELINE = process.env.BASELINE_URL ?? `http://127.0.0.1:${port("BASELINE_PORT")}`;
const ROOT = new URL("..", import.meta.url);
const PHASE = process.argv[2]; // "fanin" (before the baseline starts) or "serve"
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const OUT = new URL("bench/results.json", ROOT);
const PATH = "/v2/tenants/current/settings";
const proxyHeaders = { authorization: `Bearer ${vars.PROXY_API_KEY}` };

const control = async (path, body) => {
  const r = await fetch(`${SANDBOX}/_control/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return r.status === 204 ? null : r.json();
};
const tokenCalls = async () => (await control("counters")).token_calls?.["streamdiver-acme"] ?? 0;
const resetCredential = () => fetch(`${WORKER}/api/admin/credentials/streamdiver-acme/reset`, {
  method: "POST", headers: { authorization: `Bearer ${vars.ADMIN_API_KEY}` },
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function fanIn() {
  const burst = () => Promise.all(Array.from({ length: 200 }, () =>
    fetch(`${WORKER}/api/proxy/streamdiver-acme${PATH}`, { headers: proxyHeaders }).then((r) => r.status)));
  await control("reset", {});
  await resetCredential();
  const cold = await burst();
  const coldCalls = await tokenCalls();
  await control("settings", { token_lifetime_s: { streamdiver: 5 } });
  await resetCredential();
  await control("reset", {});
  await control("settings", { token_lifetime_s: { streamdiver: 5 } });
  await fetch(`${WORKER}/api/proxy/streamdiver-acme${PATH}`, { headers: proxyHeaders });
  const before = await tokenCalls();
  await sleep(5300);
  const expiry = await burst();
  const expiryCalls = (await tokenCalls()) - before;
  await control("reset", {});
  await resetCredential();
  const bad = [...cold, ...expiry].filter((s) => s !== 200).length;
  return { token_fanin_cold_upstream_calls: coldCalls, token_fanin_expiry_upstream_calls: expiryCalls, token_fanin_errors: bad };
}

// The series are interleaved in ROUNDS (proxy, baseline, direct; then the next round), so a
// change in the machine's load during the run affects all three alike.
// Latency: sequential requests (concurrency 1), so the figures are round trips, not queueing.
// Throughput: the same request at CONCURRENCY, summed over the rounds.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// `cpu`: a function giving the serving process's CPU time so far (ms), where known (workerd).
function seriesState(url, headers, cpu = () => null) {
  return { url, headers, cpu, cpuMs: 0, lat: [], errors: 0, requests: 0, ms: 0, rounds: [] };
}
async function round(st, n) {
  const once = async () => {
    const t0 = performance.now();
    const r = await fetch(st.url, { headers: st.headers });
    await r.arrayBuffer();
    if (r.status !== 200) st.errors++;
    return performance.now() - t0;
  };
  for (let i = 0; i < 20; i++) await once(); // warm-up
  const cpu0 = st.cpu();
  const lat = [];
  for (let i = 0; i < n; i++) lat.push(await once());
  st.lat.push(...lat);
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next++ < n) await once();
  }));
  const ms = performance.now() - start;
  const cpu1 = st.cpu();
  if (cpu0 !== null && cpu1 !== null) st.cpuMs += cpu1 - cpu0;
  st.ms += ms;
  st.requests += n;
  st.rounds.push({ p50: quantile(lat, 0.5), rps: Math.round(n / (ms / 1000)) });
}
/** The `p` quantile of `values` (ms), to 0.01. */
function quantile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 100) / 100;
}
function summary(st) {
  const spread = (key) => [Math.min(...st.rounds.map((r) => r[key])), Math.max(...st.rounds.map((r) => r[key]))];
  return {
    p50: quantile(st.lat, 0.5), p99: quantile(st.lat, 0.99), rps: Math.round(st.requests / (st.ms / 1000)),
    // Each request is made twice a round (the latency series, then the throughput series).
    cpu_ms: Math.round((st.cpuMs / (2 * st.requests)) * 1000) / 1000,
    errors: st.errors, p50_spread: spread("p50"), rps_spread: spread("rps"),
  };
}
// Each round starts with the next series (rotated): whichever runs first in a round measured
// slower on this machine, by up to 0.1 ms of CPU a request, so a fixed order favoured the last.
async function interleaved(list) {
  const per = Math.ceil(REQUESTS / ROUNDS);
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < list.length; i++) await round(list[(i + r) % list.length], per);
  }
  return list.map(summary);
}


// 50 browsers watching one onboarding for WATCH_S seconds, each the way @gatehouse/web's watch
// does it (If-None-Match + ?wait= long-poll); the sandbox counts the partner's status calls.
const WATCH_S = Number(process.env.BENCH_WATCH_S ?? 60);
async function watchers() {
  const { mint, claims } = await import("../tests/e2e/session.mjs");
  const session = mint(claims({ provider_org_id: `bench_${Date.now()}`, role: "owner" }));
  const headers = { authorization: `Bearer ${session}` };
  const started = await (await fetch(`${WORKER}/api/onboarding`, {
    method: "POST", headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ source: "square", type: "pos" }),
  })).json();
  const id = started.onboarding.id;
  const before = (await control("counters")).status_calls?.[id] ?? 0;
  const end = Date.now() + WATCH_S * 1000;
  let requests = 0;
  let errors = 0;
  let interval = null;
  await Promise.all(Array.from({ length: 50 }, async () => {
    let etag = null;
    while (Date.now() < end) {
      const wait = Math.max(0, Math.min(20, Math.floor((end - Date.now()) / 1000) - 1));
      const r = await fetch(`${WORKER}/api/onboarding/${id}${etag && wait ? `?wait=${wait}` : ""}`, {
        headers: { ...headers, ...(etag ? { "if-none-match": etag } : {}) },
      });
      requests++;
      if (r.status === 200) etag = r.headers.get("etag");
      else if (r.status !== 304) errors++;
      interval ??= Number(r.headers.get("x-poll-interval"));
      await r.arrayBuffer();
      if (!wait) await sleep(1000);
    }
  }));
  const calls = ((await control("counters")).status_calls?.[id] ?? 0) - before;
  return {
    status_upstream_calls_50_watchers: calls,
    status_poll_interval_s: interval,
    status_watch_duration_s: WATCH_S,
    status_watcher_requests: requests,
    status_watcher_errors: errors,
    status_calls_allowed: Math.ceil(WATCH_S / interval) + 1,
  };
}

// Load: LOAD_REQUESTS requests at LOAD_CONCURRENCY over the proxy (warm token, 5 s tokens so
// several expire during the run) and the onboarding status route; loopback, bounded.
const LOAD_REQUESTS = Number(process.env.LOAD_REQUESTS ?? 20000);
const LOAD_CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 200);
const LOAD_TOKEN_LIFETIME_S = 5;
async function load() {
  const { mint, claims } = await import("../tests/e2e/session.mjs");
  const session = mint(claims({ provider_org_id: `load_${Date.now()}`, role: "owner" }));
  const started = await (await fetch(`${WORKER}/api/onboarding`, {
    method: "POST", headers: { authorization: `Bearer ${session}`, "content-type": "application/json" },
    body: JSON.stringify({ source: "square", type: "pos" }),
  })).json();
  await control("settings", { token_lifetime_s: { streamdiver: LOAD_TOKEN_LIFETIME_S } });
  await resetCredential();
  const before = await tokenCalls();
  const targets = [
    [`${WORKER}/api/proxy/streamdiver-acme${PATH}`, proxyHeaders],
    [`${WORKER}/api/onboarding/${started.onboarding.id}`, { authorization: `Bearer ${session}` }],
  ];
  const lat = [];
  let errors = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, async () => {
    while (next < LOAD_REQUESTS) {
      const [url, headers] = targets[next++ % targets.length];
      const t = performance.now();
      try {
        const r = await fetch(url, { headers });
        await r.arrayBuffer();
        if (r.status !== 200) errors++;
      } catch {
        errors++;
      }
      lat.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const calls = (await tokenCalls()) - before;
  await control("reset", {});
  await resetCredential();
  const lifetimes = Math.max(1, Math.ceil(seconds / LOAD_TOKEN_LIFETIME_S));
  return {
    load_requests: lat.length,
    load_concurrency: LOAD_CONCURRENCY,
    load_seconds: Math.round(seconds * 10) / 10,
    load_errors: errors,
    load_p50_ms: quantile(lat, 0.5),
    load_p99_ms: quantile(lat, 0.99),
    load_token_lifetime_s: LOAD_TOKEN_LIFETIME_S,
    load_token_calls: calls,
    load_token_calls_per_expiry: Math.round((calls / lifetimes) * 100) / 100,
  };
}

// The same proxy and baseline series, and cold starts and 1,000 credentials, with each worker in
// its own workerd process and nothing in front (bench/workerd.mjs).
async function onWorkerd() {
  const w = await import("./workerd.mjs");
  const out = { workerd_rounds: ROUNDS };
  const gatehouse = await w.startGatehouse({ trackCpu: true });
  const baseline = await w.startBaseline({ token: process.env.BASELINE_TOKEN, upstream: `${SANDBOX}/streamdiver`, trackCpu: true });
  const floor = await w.startFloor({ token: process.env.BASELINE_TOKEN, upstream: `${SANDBOX}/streamdiver`, trackCpu: true });
  try {
    await fetch(`${gatehouse.url}/api/proxy/streamdiver-acme${PATH}`, { headers: proxyHeaders });
    // A server key made at runtime (docs/server.md), the way a partner's backend calls now;
    // the deprecated PROXY_API_KEY series stays for continuity.
    const made = await fetch(`${gatehouse.url}/api/admin/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${vars.ADMIN_API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "bench", scopes: ["proxy"], targets: ["streamdiver-acme"] }),
    });
    if (made.status !== 201) throw new Error(`making the bench's server key: ${made.status} ${await made.text()}`);
    const serverKey = { authorization: `Bearer ${(await made.json()).secret}` };
    const [proxy, keyed, base, least] = await interleaved([
      seriesState(`${gatehouse.url}/api/proxy/streamdiver-acme${PATH}`, proxyHeaders, () => w.cpuMs(gatehouse.pid)),
      seriesState(`${gatehouse.url}/api/proxy/streamdiver-acme${PATH}`, serverKey, () => w.cpuMs(gatehouse.pid)),
      seriesState(`${baseline.url}/api/proxy/streamdiver-acme${PATH}`, {}, () => w.cpuMs(baseline.pid)),
      seriesState(`${floor.url}/api/proxy/streamdiver-acme${PATH}`, {}, () => w.cpuMs(floor.pid)),
    ]);
    Object.assign(out, {
      workerd_proxy_p50_ms: proxy.p50, workerd_proxy_p99_ms: proxy.p99, workerd_proxy_rps: proxy.rps,
      workerd_proxy_errors: proxy.errors, workerd_proxy_p50_ms_spread: proxy.p50_spread, workerd_proxy_rps_spread: proxy.rps_spread,
      workerd_baseline_p50_ms: base.p50, workerd_baseline_p99_ms: base.p99, workerd_baseline_rps: base.rps,
      workerd_baseline_errors: base.errors, workerd_baseline_p50_ms_spread: base.p50_spread, workerd_baseline_rps_spread: base.rps_spread,
      workerd_proxy_added_p50_ms: Math.round((proxy.p50 - base.p50) * 100) / 100,
      workerd_proxy_throughput_vs_baseline: Math.round((proxy.rps / base.rps) * 1000) / 1000,
      workerd_proxy_cpu_ms_per_request: proxy.cpu_ms,
      workerd_baseline_cpu_ms_per_request: base.cpu_ms,
      workerd_proxy_server_key_p50_ms: keyed.p50, workerd_proxy_server_key_rps: keyed.rps,
      workerd_proxy_server_key_errors: keyed.errors, workerd_proxy_server_key_cpu_ms_per_request: keyed.cpu_ms,
      // The floor: the baseline's work in Rust (bench/floor), against the same baseline.
      workerd_floor_p50_ms: least.p50, workerd_floor_rps: least.rps, workerd_floor_errors: least.errors,
      workerd_floor_cpu_ms_per_request: least.cpu_ms,
      workerd_floor_added_p50_ms: Math.round((least.p50 - base.p50) * 100) / 100,
      workerd_floor_throughput_vs_baseline: Math.round((least.rps / base.rps) * 1000) / 1000,
    });
    // What every request costs, before any proxying: Gatehouse's `/api/health` against a
    // JavaScript Worker answering a constant, both behind the same static-assets routing.
    const answer = await w.startAnswer({ trackCpu: true });
    try {
      const [health, constant] = await interleaved([
        seriesState(`${gatehouse.url}/api/health`, {}, () => w.cpuMs(gatehouse.pid)),
        seriesState(`${answer.url}/api/health`, {}, () => w.cpuMs(answer.pid)),
      ]);
      Object.assign(out, {
        workerd_health_p50_ms: health.p50, workerd_health_cpu_ms_per_request: health.cpu_ms,
        workerd_answer_p50_ms: constant.p50, workerd_answer_cpu_ms_per_request: constant.cpu_ms,
      });
    } finally {
      await answer.stop();
    }
  } finally {
    await gatehouse.stop();
    await baseline.stop();
    await floor.stop();
  }
  Object.assign(out, await coldStarts(w), await manyCredentials(w), await manyConnections(w));
  return out;
}

/**
 * A fresh workerd process to its first answer of /api/health, COLD_RUNS times each: `ready` is
 * process start up to listening (workerd compiles and instantiates the modules before it listens),
 * `first` the first request after. Then a fresh process on a Durable Object storage that holds a
 * token already: its first proxied call (the object loads and opens the sealed token; no token
 * call).
 */
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 10);
async function coldStarts(w) {
  const measure = async (startOne, path, init) => {
    const total = [], ready = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      const t0 = performance.now();
      const s = await startOne();
      const t1 = performance.now();
      const r = await fetch(`${s.url}${path}`, init);
      await r.arrayBuffer();
      total.push(performance.now() - t0);
      ready.push(t1 - t0);
      await s.stop();
    }
    return { total: quantile(total, 0.5), ready: quantile(ready, 0.5) };
  };
  const g = await measure(() => w.startGatehouse(), "/api/health");
  const b = await measure(() => w.startBaseline({ token: "x", upstream: `${SANDBOX}/streamdiver` }), "/");
  const persist = (await import("node:fs")).mkdtempSync(`${(await import("node:os")).tmpdir()}/gh-cold-`);
  let warm = await w.startGatehouse({ persist });
  await fetch(`${warm.url}/api/proxy/streamdiver-acme${PATH}`, { headers: proxyHeaders });
  await warm.stop();
  const calls = await tokenCalls();
  warm = await w.startGatehouse({ persist });
  const t = performance.now();
  const r = await fetch(`${warm.url}/api/proxy/streamdiver-acme${PATH}`, { headers: proxyHeaders });
  await r.arrayBuffer();
  const firstProxy = performance.now() - t;
  await warm.stop();
  return {
    cold_start_ms: g.total, cold_start_ready_ms: g.ready, cold_start_first_request_ms: Math.round((g.total - g.ready) * 100) / 100,
    baseline_cold_start_ms: b.total, baseline_cold_start_ready_ms: b.ready,
    // Gatehouse's extra start-up over the baseline's: compiling and instantiating its wasm.
    cold_start_module_ms: Math.round((g.ready - b.ready) * 100) / 100,
    cold_isolate_first_proxy_ms: Math.round(firstProxy * 100) / 100,
    cold_isolate_first_proxy_status: r.status,
    cold_isolate_first_proxy_token_calls: (await tokenCalls()) - calls,
  };
}

/**
 * 1,000 credentials (copies of streamdiver-acme) in one deployment: the operators' list of all
 * of them (its objects asked 50 at a time), first (1,000 objects created) and warm (median of 5),
 * and the token path of the last credential (the isolate parses CREDENTIALS once).
 */
async function manyCredentials(w) {
  const one = w.testCredentials()["streamdiver-acme"];
  const many = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`many-${String(i).padStart(4, "0")}`, one]));
  const g = await w.startGatehouse({ extra: { CREDENTIALS: JSON.stringify(many) } });
  try {
    const list = async () => {
      const t = performance.now();
      const r = await fetch(`${g.url}/api/admin/credentials`, { headers: { authorization: `Bearer ${vars.ADMIN_API_KEY}` } });
      const n = (await r.json()).credentials?.length;
      if (r.status !== 200 || n !== 1000) throw new Error(`admin list: ${r.status}, ${n} credentials`);
      return performance.now() - t;
    };
    const first = await list();
    const warm = [];
    for (let i = 0; i < 5; i++) warm.push(await list());
    const last = `${g.url}/api/proxy/many-0999${PATH}`;
    const t = performance.now();
    await (await fetch(last, { headers: proxyHeaders })).arrayBuffer();
    const firstProxy = performance.now() - t;
    const lat = [];
    for (let i = 0; i < 50; i++) {
      const t1 = performance.now();
      await (await fetch(last, { headers: proxyHeaders })).arrayBuffer();
      lat.push(performance.now() - t1);
    }
    return {
      admin_list_1000_ms: quantile(warm, 0.5),
      admin_list_1000_first_ms: Math.round(first * 100) / 100,
      proxy_1000_credentials_first_ms: Math.round(firstProxy * 100) / 100,
      proxy_1000_credentials_p50_ms: quantile(lat, 0.5),
    };
  } finally {
    await g.stop();
  }
}

/**
 * Connections made at runtime (docs/connections.md): BENCH_CONNECTIONS (1,000) organizations,
 * new to the worker, each connect Streamdiver's acme tenant through POST /api/connections — each
 * verified by a real grant against the sandbox — 8 at a time, in one workerd process with no
 * restart. Then one proxied call through each (acting for its organization), and the list of an
 * organization with 10 connections (the verification limit is 10 a minute per organization, so
 * an organization holding more is not a one-minute bench).
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1000);
async function manyConnections(w) {
  const { claims, mint } = await import("../tests/e2e/session.mjs");
  const fields = { tenant: "acme", client_id: "streamdiver-acme", client_secret: vars.STREAMDIVER_ACME_CLIENT_SECRET };
  const g = await w.startGatehouse({ rateLimits: true });
  const pool = async (n, width, job) => {
    let next = 0;
    await Promise.all(Array.from({ length: width }, async () => {
      while (next < n) await job(next++);
    }));
  };
  const create = async (org) => {
    const t = performance.now();
    const r = await fetch(`${g.url}/api/connections`, {
      method: "POST",
      headers: { authorization: `Bearer ${mint(claims({ provider_org_id: org, role: "owner" }))}`, "content-type": "application/json" },
      body: JSON.stringify({ template: "streamdiver", fields }),
    });
    const body = await r.json();
    return { ok: r.status === 201, id: body.id, ms: performance.now() - t, status: r.status, code: body.code };
  };
  try {
    const made = new Array(CONNECTIONS);
    const t0 = performance.now();
    await pool(CONNECTIONS, 8, async (i) => { made[i] = { org: `org_bench_${i}`, ...(await create(`org_bench_${i}`)) }; });
    const totalS = (performance.now() - t0) / 1000;
    const created = made.filter((m) => m.ok);
    const failures = made.filter((m) => !m.ok).map((m) => `${m.status} ${m.code}`);
    let proxyErrors = 0;
    await pool(created.length, 16, async (i) => {
      const m = created[i];
      const r = await fetch(`${g.url}/api/proxy/${m.id}${PATH}`, { headers: { ...proxyHeaders, "gatehouse-organization": m.org } });
      await r.arrayBuffer();
      if (r.status !== 200) proxyErrors++;
    });
    // The operators' list: all of them, a page of 1,000 and in pages of 100.
    const adminPage = async (query) => {
      const r = await fetch(`${g.url}/api/admin/connections${query}`, { headers: { authorization: `Bearer ${vars.ADMIN_API_KEY}` } });
      if (r.status !== 200) throw new Error(`admin connections: ${r.status}`);
      return r.json();
    };
    const pageTimes = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const page = await adminPage("?limit=1000");
      if (page.connections.length < Math.min(1000, created.length)) throw new Error(`admin page: ${page.connections.length}`);
      pageTimes.push(performance.now() - t);
    }
    const tWalk = performance.now();
    let walked = 0;
    for (let cursor = ""; ;) {
      const page = await adminPage(`?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
      walked += page.connections.length;
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    const walkMs = performance.now() - tWalk;
    if (walked < created.length) throw new Error(`admin walk: ${walked} of ${created.length}`);
    const org = "org_bench_list";
    for (let i = 0; i < 10; i++) {
      const c = await create(org);
      if (!c.ok) throw new Error(`connection ${i} of ${org}: ${c.status} ${c.code}`);
    }
    const session = mint(claims({ provider_org_id: org, role: "team_member" }));
    const lists = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      const r = await fetch(`${g.url}/api/connections`, { headers: { authorization: `Bearer ${session}` } });
      const n = (await r.json()).connections?.length;
      if (n !== 10) throw new Error(`list: ${r.status}, ${n} connections`);
      lists.push(performance.now() - t);
    }
    return {
      connections_created: created.length,
      connections_failed: failures.length,
      ...(failures.length ? { connections_failures_sample: failures.slice(0, 5) } : {}),
      connections_create_p50_ms: quantile(created.map((m) => m.ms), 0.5),
      connections_create_p99_ms: quantile(created.map((m) => m.ms), 0.99),
      connections_create_per_s: Math.round((created.length / totalS) * 10) / 10,
      connections_proxy_errors: proxyErrors,
      connections_org_list_10_ms: quantile(lists, 0.5),
      connections_list_ms: quantile(pageTimes, 0.5),
      connections_list_walk_100s_ms: Math.round(walkMs * 100) / 100,
    };
  } finally {
    await g.stop();
  }
}

if (PHASE === "workerd") {
  const results = JSON.parse(readFileSync(OUT, "utf8"));
  Object.assign(results, await onWorkerd());
  writeFileSync(OUT, JSON.stringify(results, null, 2) + "\n");
  console.log(JSON.stringify(results, null, 2));
} else if (PHASE === "connections") {
  // Only the connections' figures (also part of the workerd phase): for iterating on them.
  const results = JSON.parse(readFileSync(OUT, "utf8"));
  Object.assign(results, await manyConnections(await import("./workerd.mjs")));
  writeFileSync(OUT, JSON.stringify(results, null, 2) + "\n");
  console.log(JSON.stringify(results, null, 2));
} else if (PHASE === "load") {
  const results = JSON.parse(readFileSync(OUT, "utf8"));
  Object.assign(results, await load());
  writeFileSync(OUT, JSON.stringify(results, null, 2) + "\n");
  console.log(JSON.stringify(results, null, 2));
} else if (PHASE === "fanin") {
  const results = { generated_at: new Date().toISOString(), requests_per_series: REQUESTS, rounds: ROUNDS, concurrency_for_rps: CONCURRENCY };
  Object.assign(results, await fanIn());
  Object.assign(results, await watchers());
  writeFileSync(OUT, JSON.stringify(results, null, 2) + "\n");
} else {
  const results = JSON.parse(readFileSync(OUT, "utf8"));
  // Warm the proxy's token, then the three series one after another on the same workerd.
  await fetch(`${WORKER}/api/proxy/streamdiver-acme${PATH}`, { headers: proxyHeaders });
  const [proxy, baseline, direct] = await interleaved([
    seriesState(`${WORKER}/api/proxy/streamdiver-acme${PATH}`, proxyHeaders),
    seriesState(`${BASELINE}/api/proxy/streamdiver-acme${PATH}`, {}),
    seriesState(`${SANDBOX}/streamdiver${PATH}`, { authorization: `Bearer ${process.env.BASELINE_TOKEN}` }),
  ]);
  Object.assign(results, {
    proxy_p50_ms: proxy.p50, proxy_p99_ms: proxy.p99, proxy_rps: proxy.rps, proxy_errors: proxy.errors,
    baseline_p50_ms: baseline.p50, baseline_p99_ms: baseline.p99, baseline_rps: baseline.rps, baseline_errors: baseline.errors,
    direct_p50_ms: direct.p50, direct_p99_ms: direct.p99, direct_rps: direct.rps,
    proxy_added_p50_ms: Math.round((proxy.p50 - baseline.p50) * 100) / 100,
    proxy_throughput_vs_baseline: Math.round((proxy.rps / baseline.rps) * 1000) / 1000,
    ...sizes(),
  });
  writeFileSync(OUT, JSON.stringify(results, null, 2) + "\n");
  console.log(JSON.stringify(results, null, 2));
}
