// The wrangler configuration for the ports in use. wrangler.toml, as committed, names the default
// ports (scripts/ports.sh) in its URLs: the sandbox in CREDENTIALS and WHITE_LABEL_DOMAIN, the
// worker and the test page origin in ALLOWED_ORIGINS and ONBOARDING_RETURN_PAGES, the real OAuth
// servers in [env.test]'s CREDENTIALS; www/_headers names the sandbox in its CSP (form-action).
// When every port of the mode is its default this prints wrangler.toml's own path. Otherwise it
// writes a copy with every `127.0.0.1:<default>` rewritten to `127.0.0.1:<port>` and with
// absolute paths (main, assets) to .wrangler/config-<mode>/wrangler.toml — and a copy of www/
// next to it when its CSP names a moved port — and prints that path. Files are rewritten only
// when their content changes, so a second call while wrangler serves the copy changes nothing.
//
// Usage: node scripts/render-config.mjs run|test
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PORT_DEFAULTS, port } from "./ports.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** `127.0.0.1:<default>` → `127.0.0.1:<port>` for every moved port of `mode`. */
function portMap(mode) {
  const moved = new Map();
  for (const [name, defaults] of Object.entries(PORT_DEFAULTS)) {
    const fallback = defaults[mode];
    if (fallback && port(name, mode) !== fallback) moved.set(String(fallback), String(port(name, mode)));
  }
  return moved;
}

const rewritePorts = (text, moved) =>
  text.replace(/127\.0\.0\.1:(\d+)(?!\d)/g, (all, p) => (moved.has(p) ? `127.0.0.1:${moved.get(p)}` : all));

function writeIfChanged(path, content) {
  const bytes = Buffer.from(content);
  if (existsSync(path) && readFileSync(path).equals(bytes)) return;
  writeFileSync(path, bytes);
}

/** Makes `dst` a copy of `src` (`edit(relative path, bytes)` may change a file), writing only what differs. */
function syncDir(src, dst, edit, rel = "") {
  mkdirSync(dst, { recursive: true });
  const names = new Set(readdirSync(src));
  for (const stale of readdirSync(dst)) if (!names.has(stale)) rmSync(join(dst, stale), { recursive: true, force: true });
  for (const name of names) {
    const from = join(src, name);
    if (statSync(from).isDirectory()) syncDir(from, join(dst, name), edit, `${rel}${name}/`);
    else writeIfChanged(join(dst, name), edit(`${rel}${name}`, readFileSync(from)));
  }
}

/** Answers the path of the wrangler configuration to start `wrangler dev` with for `mode`. */
export function renderConfig(mode) {
  const committed = join(ROOT, "wrangler.toml");
  const moved = portMap(mode);
  if (moved.size === 0) return committed;
  const source = readFileSync(committed, "utf8");
  const rendered = rewritePorts(source, moved);
  if (rendered === source) return committed; // none of the moved ports is named in it
  const dir = join(ROOT, ".wrangler", `config-${mode}`);
  mkdirSync(dir, { recursive: true });
  const headers = readFileSync(join(ROOT, "www", "_headers"), "utf8");
  const newHeaders = rewritePorts(headers, moved);
  let www = join(ROOT, "www");
  if (newHeaders !== headers) {
    www = join(dir, "www");
    syncDir(join(ROOT, "www"), www, (rel, bytes) => (rel === "_headers" ? newHeaders : bytes));
  }
  const absolute = rendered.replace(/^(main|directory)(\s*=\s*)"([^"]+)"/gm, (all, key, eq, p) => {
    if (key === "directory" && p === "www") return `${key}${eq}${JSON.stringify(www)}`;
    return isAbsolute(p) ? all : `${key}${eq}${JSON.stringify(resolve(ROOT, p))}`;
  });
  const header = `# Rendered by scripts/render-config.mjs from wrangler.toml for the ports in use (${mode}):\n`
    + [...moved].map(([from, to]) => `#   127.0.0.1:${from} → 127.0.0.1:${to}\n`).join("")
    + "# Do not edit: it is rewritten at every start.\n";
  const path = join(dir, "wrangler.toml");
  writeIfChanged(path, header + absolute);
  return path;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mode = process.argv[2];
  if (mode !== "run" && mode !== "test") {
    console.error("usage: node scripts/render-config.mjs run|test");
    process.exit(2);
  }
  console.log(renderConfig(mode));
}
