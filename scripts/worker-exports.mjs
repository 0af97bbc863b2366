// The worker's wasm exports that nothing can call, removed by scripts/build.sh (docs/size.md).
//
// wasm-bindgen exports every `#[wasm_bindgen]` item of every crate in the build, so the worker's
// wasm carries the classes of its dependencies that it never uses: wasm-streams' stream adapters
// (IntoUnderlyingSource, -Sink, -ByteSource) and the worker crate's R2Range, MinifyConfig and
// ContainerStartupOptions, with all the Rust code behind their methods. The JavaScript glue that
// worker-build writes (crates/worker/build/index.js) still defines a class for each, but no
// instance of them can exist: they have no constructor export, and the glue never wraps a Rust
// value of them (no `__wrap`, which wasm-bindgen emits only for a class Rust hands to JavaScript).
//
//   node scripts/worker-exports.mjs trim <index.js> <in.wasm> <out.wasm>
//     writes <in.wasm> with only these exports left (the rest of the file byte for byte; the
//     wasm-opt -Oz that follows removes the code nothing reaches any more):
//       - every export the JavaScript names (`.name` or `["name"]`), so an export a new feature
//         calls from the glue is kept without editing anything here;
//       - every export that is not a function (memory, tables, globals: workerd itself reads
//         `__instance_terminated` / `__instance_signal`, which no JavaScript names);
//     except the exports of the classes in UNUSED_CLASSES (their methods, getters, setters and
//     `free`). It fails, naming the problem, when an entry of UNUSED_CLASSES is not in the wasm
//     (stale), has a constructor, is wrapped by the glue, or is a Durable Object of wrangler.toml.
//   node scripts/worker-exports.mjs check <index.js> <before.wasm> <after.wasm>
//     fails, naming them, when an export of <before.wasm> that the glue names (outside
//     UNUSED_CLASSES) is missing from <after.wasm>.
import { readFileSync, writeFileSync } from "node:fs";

/** Dependency classes the worker never uses, by wasm-bindgen's name (the Rust name, lower case). */
const UNUSED_CLASSES = [
  "intounderlyingsource", // wasm-streams: a Rust Stream as a JS ReadableStream source
  "intounderlyingsink", // wasm-streams: a Rust Sink as a JS WritableStream sink
  "intounderlyingbytesource", // wasm-streams: the byte-stream source
  "r2range", // worker: R2 (no R2 binding here)
  "minifyconfig", // worker: the deprecated `cf.minify` request option
  "containerstartupoptions", // worker: Containers
];

const fail = (msg) => {
  console.error(`scripts/worker-exports.mjs: ${msg}`);
  process.exit(1);
};
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function load(jsPath, wasmPath) {
  const js = readFileSync(jsPath, "utf8");
  let exports;
  try {
    exports = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(wasmPath)));
  } catch (e) {
    fail(`cannot read ${wasmPath}: ${e.message}`);
  }
  return { js, exports };
}

/** Whether the JavaScript names `name` as a property: `x.name` or `x["name"]`. */
function named(js, name) {
  const n = escape(name);
  return new RegExp(`\\.\\s*${n}(?![\\w$])|\\[\\s*(["'\`])${n}\\1\\s*\\]`).test(js);
}

/** The class of UNUSED_CLASSES an export belongs to, if any. */
function unusedClassOf(name) {
  return UNUSED_CLASSES.find((c) =>
    name === `__wbg_${c}_free` || name.startsWith(`__wbg_get_${c}_`) || name.startsWith(`__wbg_set_${c}_`)
      || name.startsWith(`${c}_`));
}

/** Checks that each class of UNUSED_CLASSES is in the wasm and can have no instance. */
function checkUnused(js, exports) {
  const names = new Set(exports.map((e) => e.name));
  const durableObjects = [...readFileSync(new URL("../wrangler.toml", import.meta.url), "utf8")
    .matchAll(/^\s*class_name\s*=\s*"([^"]+)"/gm)].map((m) => m[1].toLowerCase());
  const classStarts = [...js.matchAll(/\bclass(?:\s+[\w$]+)?(?:\s+extends\s+[\w$.]+)?\s*\{/g)].map((m) => m.index);
  for (const c of UNUSED_CLASSES) {
    const free = `__wbg_${c}_free`;
    if (!names.has(free)) {
      fail(`UNUSED_CLASSES names '${c}', but the wasm has no such class (no ${free} export): remove the entry`);
    }
    if (names.has(`${c}_new`)) {
      fail(`'${c}' has a constructor (${c}_new): JavaScript can create one, so its exports stay; remove it from UNUSED_CLASSES`);
    }
    if (durableObjects.includes(c)) fail(`'${c}' is a Durable Object class in wrangler.toml`);
    // The glue's class for it: from its `class … {` to its free() (wasm-bindgen puts a static
    // __wrap, when there is one, before free()).
    const at = js.indexOf(`${free}(`);
    if (at < 0) fail(`the glue has no class calling ${free}: cannot tell whether Rust hands '${c}' to JavaScript`);
    const start = classStarts.filter((i) => i < at).pop() ?? 0;
    if (js.slice(start, at).includes("__wrap")) {
      fail(`the glue wraps Rust values of '${c}' (__wrap): the worker hands them to JavaScript; remove it from UNUSED_CLASSES`);
    }
  }
}

/** The module with the export section's entries named in `drop` left out, all else byte for byte. */
function withoutExports(wasm, drop) {
  let p = 8;
  const leb = () => {
    let r = 0, shift = 0, x;
    do { x = wasm[p++]; r |= (x & 0x7f) << shift; shift += 7; } while (x & 0x80);
    return r >>> 0;
  };
  const uleb = (n) => {
    const o = [];
    do { let x = n & 0x7f; n >>>= 7; if (n) x |= 0x80; o.push(x); } while (n);
    return Buffer.from(o);
  };
  const parts = [wasm.subarray(0, 8)];
  let removed = 0;
  while (p < wasm.length) {
    const sectionStart = p, id = wasm[p++], size = leb(), bodyStart = p;
    if (id === 7) { // export: vec(name, kind byte, index)
      const entries = [];
      for (let n = leb(); n > 0; n -= 1) {
        const entryStart = p, len = leb(), name = wasm.subarray(p, p + len).toString();
        p += len + 1;
        leb();
        if (drop.has(name)) removed += 1; else entries.push(wasm.subarray(entryStart, p));
      }
      if (p !== bodyStart + size) fail("cannot read the wasm's export section");
      const body = Buffer.concat([uleb(entries.length), ...entries]);
      parts.push(Buffer.from([7]), uleb(body.length), body);
    } else {
      parts.push(wasm.subarray(sectionStart, bodyStart + size));
    }
    p = bodyStart + size;
  }
  if (removed !== drop.size) fail(`removed ${removed} of the ${drop.size} exports`);
  return Buffer.concat(parts);
}

const [mode, jsPath, wasmPath, out] = process.argv.slice(2);
if (!["trim", "check"].includes(mode) || !jsPath || !wasmPath || !out) {
  fail("usage: trim <index.js> <in.wasm> <out.wasm> | check <index.js> <before.wasm> <after.wasm>");
}
const { js, exports } = load(jsPath, wasmPath);
/** Whether an export stays: see the top of this file. */
const kept = (e) => !unusedClassOf(e.name) && (e.kind !== "function" || named(js, e.name));

if (mode === "trim") {
  checkUnused(js, exports);
  const dropped = exports.filter((e) => !kept(e)).map((e) => e.name);
  writeFileSync(out, withoutExports(readFileSync(wasmPath), new Set(dropped)));
  console.log(`${dropped.length} of ${exports.length} exports unused, removed: ${dropped.join(" ")}`);
} else {
  // Every export of the wasm as worker-build wrote it that trim kept must still be there.
  const now = new Set(load(jsPath, out).exports.map((e) => e.name));
  const missing = exports.filter((e) => kept(e) && !now.has(e.name)).map((e) => e.name);
  if (missing.length) fail(`the glue (${jsPath}) names exports that ${out} lacks: ${missing.join(", ")}`);
  console.log(`every export the glue names is in ${out} (${now.size} of ${exports.length} exports kept)`);
}
