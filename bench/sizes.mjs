// The built artifacts' sizes, gzip -9, and their budgets (KB = 1000 bytes): read by the bench
// (bench/run.mjs writes them to results.json) and checked by the test command's `size-budgets`
// tier, since sizes are deterministic (run with `node bench/sizes.mjs --check`).
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";

const ROOT = new URL("../", import.meta.url);
const gz = (path) => gzipSync(readFileSync(new URL(path, ROOT)), { level: 9 }).length;

/** The budgets the developers' guide sets. */
export const BUDGETS = { worker_wasm_gzip_bytes: 275_000, web_pkg_gzip_bytes: 45_000 };

/** Sizes of the built worker and npm package (run after scripts/build.sh). */
export function sizes() {
  return {
    worker_wasm_bytes: readFileSync(new URL("crates/worker/build/index_bg.wasm", ROOT)).length,
    worker_wasm_gzip_bytes: gz("crates/worker/build/index_bg.wasm"),
    // The package's wasm plus all its JavaScript (entry, glue and the elements' snippets), gzip -9 each.
    web_pkg_gzip_bytes: gz("crates/web/pkg/gatehouse_web_bg.wasm") + gz("crates/web/pkg/gatehouse_web.js")
      + gz("crates/web/pkg/index.js")
      + readdirSync(new URL("crates/web/pkg/snippets/", ROOT), { recursive: true })
        .filter((f) => f.endsWith(".js")).reduce((n, f) => n + gz(`crates/web/pkg/snippets/${f}`), 0),
  };
}

if (process.argv.includes("--check")) {
  const s = sizes();
  let over = 0;
  for (const [key, limit] of Object.entries(BUDGETS)) {
    const ok = s[key] <= limit;
    if (!ok) over += 1;
    console.log(`${ok ? "ok  " : "OVER"} ${key} ${s[key]} (budget ${limit}, ${ok ? `${limit - s[key]} left` : `${s[key] - limit} over`})`);
  }
  console.log(`${Object.keys(BUDGETS).length - over} passed, ${over} failed`);
  process.exit(over ? 1 : 0);
}
