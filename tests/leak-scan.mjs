// Leak scan (docs/security.md items 1, 3 and 4): after the end-to-end tiers, no configured secret may
// appear in any log line the servers wrote, in any worker answer a browser could receive
// (recorded during the run), in the built worker bundle or in the npm package.
// Issued tokens are checked too: the sandbox lists every token it issued during the run
// (passed in as a file by scripts/test.sh).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const vars = readFileSync(join(root, ".dev.vars.example"), "utf8")
  .split("\n")
  .filter((l) => l.includes("=") && !l.startsWith("#"))
  .map((l) => l.slice(l.indexOf("=") + 1).trim())
  .filter((v) => v.length >= 8);
const issued = existsSync(process.env.ISSUED_TOKENS_FILE ?? "")
  ? JSON.parse(readFileSync(process.env.ISSUED_TOKENS_FILE, "utf8"))
  : [];
// The portal session JWTs the tests minted (tests/e2e/session.mjs), whole and by signature: a
// session is a bearer credential like any token.
const mintedFile = join(root, "tests/.out/minted-sessions.txt");
const sessions = existsSync(mintedFile)
  ? [...new Set(readFileSync(mintedFile, "utf8").split("\n").filter(Boolean))]
  : [];
const sessionNeedles = sessions.flatMap((t) => [t, t.split(".")[2]]).filter((n) => n && n.length >= 20);

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

function scan(paths, needles) {
  const hits = [];
  for (const p of paths) {
    const text = readFileSync(p).toString("latin1");
    for (const n of needles) if (text.includes(n)) hits.push(`${p} contains ${n.slice(0, 6)}…`);
  }
  return hits;
}

test("no secret, issued token or minted session in any server log", () => {
  const logs = files(join(root, "tests/.out/logs")).filter((p) => p.endsWith(".log") && /worker|sandbox/.test(p));
  assert.ok(logs.length >= 2, `logs found: ${logs}`);
  assert.ok(sessions.length >= 50, `only ${sessions.length} minted sessions recorded`);
  assert.deepEqual(scan(logs, [...vars, ...issued, ...sessionNeedles]), []);
});

test("no issued token in the clear in the Durable Objects' storage folder", () => {
  // The main worker's state directory (scripts/test.sh keeps it until this scan): every
  // credential's token state is sealed (AES-256-GCM), so no token the partners issued may
  // appear in any of its files, SQLite pages and write-ahead logs included.
  const state = files(process.env.STATE_DIR ?? join(root, "tests/.out/state"));
  assert.ok(state.some((p) => /sqlite/.test(p)), `storage files found: ${state.length}`);
  assert.ok(issued.length >= 20, `only ${issued.length} issued tokens to look for`);
  assert.deepEqual(scan(state, issued), []);
});

test("no secret in the built worker bundle or the npm package", () => {
  const built = [...files(join(root, "crates/worker/build")), ...files(join(root, "crates/web/pkg"))];
  assert.ok(built.some((p) => p.endsWith(".wasm")));
  assert.deepEqual(scan(built, vars), []);
});

test("no secret or issued token in any answer a browser could receive", () => {
  // Recorded by tests/e2e/env.mjs (node tests) and page.test.mjs (Chromium) during the run.
  const answers = files(join(root, "tests/.out/responses")).filter((p) => p.endsWith(".log"));
  assert.ok(answers.length >= 2, `recorded answers: ${answers}`);
  const recorded = answers.reduce((n, p) => n + readFileSync(p, "utf8").split("\n----\n").length - 1, 0);
  assert.ok(recorded >= 200, `only ${recorded} answers recorded`);
  assert.deepEqual(scan(answers, [...vars, ...issued, ...sessionNeedles]), []);
});
