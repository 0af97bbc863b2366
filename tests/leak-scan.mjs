// Leak scan (docs/security.md items 1, 3 and 4): after the end-to-end tiers, no configured secret may
// appear in any log line the servers wrote, in any worker answer a browser could receive
// (recorded during the run), in the built worker bundle or in the npm package.
// Issued tokens are checked too: the sandbox lists every token it issued during the run
// (passed in as a file by scripts/test.sh).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";

import { SECRET_VALUES as vars } from "./dev-vars.mjs";

const root = new URL("..", import.meta.url).pathname;
const issued = existsSync(process.env.ISSUED_TOKENS_FILE ?? "")
  ? JSON.parse(readFileSync(process.env.ISSUED_TOKENS_FILE, "utf8"))
  : [];
// The portal session JWTs the tests minted (tests/e2e/session.mjs), whole and by signature: a
// session is a bearer credential like any token.
const mintedFile = join(root, "tests/.out/minted-sessions.txt");
const sessions = existsSync(mintedFile)
  ? [...new Set(readFileSync(mintedFile, "utf8").split("\n").filter(Boolean))]
  : [];
// Every secret value the tests typed into a connection's form (tests/e2e/env.mjs enteredSecret):
// merchants' passwords and client secrets, right and wrong.
const enteredFile = join(root, "tests/.out/entered-secrets.txt");
const entered = existsSync(enteredFile)
  ? [...new Set(readFileSync(enteredFile, "utf8").split("\n").filter((s) => s.length >= 8))]
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
  assert.ok(entered.length >= 6, `only ${entered.length} entered secrets recorded`);
  assert.deepEqual(scan(logs, [...vars, ...issued, ...sessionNeedles, ...entered]), []);
});

// A server key (docs/server.md), whoever made it: the tests (recorded in `entered` too) or the
// schemathesis runs, which make keys with the operators' key. Only its hash may be stored.
const SERVER_KEY = /gh_(live|test)_[a-z2-7]{16}_[a-z2-7]{52}/;

test("no server key in any server log or in the storage folder, whoever made it", () => {
  assert.ok(entered.filter((s) => SERVER_KEY.test(s)).length >= 8, "too few server keys recorded");
  const logs = files(join(root, "tests/.out/logs")).filter((p) => p.endsWith(".log") && /worker|sandbox/.test(p));
  const state = files(process.env.STATE_DIR ?? join(root, "tests/.out/state"));
  const hits = [...logs, ...state].filter((p) => SERVER_KEY.test(readFileSync(p).toString("latin1")));
  assert.deepEqual(hits, []);
});

test("no issued token in the clear in the Durable Objects' storage folder", () => {
  // The main worker's state directory (scripts/test.sh keeps it until this scan): every
  // credential's token state is sealed (AES-256-GCM), so no token the partners issued may
  // appear in any of its files, SQLite pages and write-ahead logs included.
  const state = files(process.env.STATE_DIR ?? join(root, "tests/.out/state"));
  assert.ok(state.some((p) => /sqlite/.test(p)), `storage files found: ${state.length}`);
  assert.ok(issued.length >= 20, `only ${issued.length} issued tokens to look for`);
  // Nor any value a merchant typed as a secret: a connection's values are sealed too.
  assert.deepEqual(scan(state, [...issued, ...entered]), []);
});

test("no secret in the built worker bundle or the npm package", () => {
  const built = [...files(join(root, "crates/worker/build")), ...files(join(root, "crates/web/pkg"))];
  assert.ok(built.some((p) => p.endsWith(".wasm")));
  assert.deepEqual(scan(built, [...vars, ...entered]), []);
});

test("no secret or issued token in any answer a browser could receive", () => {
  // Recorded by tests/e2e/env.mjs's fetch (node tests) and tests/e2e/chromium.mjs (Chromium) during the run.
  const answers = files(join(root, "tests/.out/responses")).filter((p) => p.endsWith(".log"));
  assert.ok(answers.length >= 2, `recorded answers: ${answers}`);
  const recorded = answers.reduce((n, p) => n + readFileSync(p, "utf8").split("\n----\n").length - 1, 0);
  assert.ok(recorded >= 200, `only ${recorded} answers recorded`);
  assert.deepEqual(scan(answers, [...vars, ...issued, ...sessionNeedles, ...entered]), []);
});

test("the record covers every end-to-end test: node tests use the recording fetch, browser tests record every context", () => {
  // What the answers' scan above relies on (tests/e2e/env.mjs): no file replaces the global fetch;
  // every node test module that calls fetch imports the recording one from env.mjs; every
  // browser context a Chromium test opens goes through recordContext (tests/e2e/chromium.mjs).
  const e2e = join(root, "tests/e2e");
  const modules = files(e2e).filter((p) => p.endsWith(".mjs") && !p.endsWith("/env.mjs"));
  assert.ok(modules.length >= 15, `modules found: ${modules.length}`);
  const problems = [];
  for (const p of modules) {
    const text = readFileSync(p, "utf8");
    const name = p.slice(e2e.length + 1);
    if (/globalThis\.fetch\s*=/.test(text)) problems.push(`${name} replaces globalThis.fetch`);
    if (name.startsWith("browser/")) {
      const opened = (text.match(/browser\.new(Context|Page)\(/g) ?? []).length;
      const recorded = (text.match(/recordContext\(/g) ?? []).length;
      if (recorded < opened) problems.push(`${name} opens ${opened} browser contexts but records ${recorded}`);
    } else if (/(^|[^.\w])fetch\(/m.test(text) && !/import \{[^}]*\bfetch\b[^}]*\} from "\.\/env\.mjs"/.test(text)) {
      problems.push(`${name} calls fetch without importing the recording fetch from ./env.mjs`);
    }
  }
  assert.deepEqual(problems, []);
});
