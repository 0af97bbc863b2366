// Debian's Chromium driven by playwright-core, for the browser tests (tests/e2e/browser/). Records
// which Chromium and which playwright-core ran (tests/.out/logs/browsers.log and the tier's log),
// refuses a Chromium too old for this playwright-core with a clear message, and records every
// answer a page receives for the leak scan (recordContext).
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { OUT, recordBrowserResponse } from "./env.mjs";

export const CHROMIUM = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";
export const CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
// playwright-core speaks the DevTools protocol of the Chromium it is built for (its
// browsers.json); in practice it drives a few major versions back (1.65.1, built for 159, drives
// Debian's 156). More than this many majors behind is refused before launching.
export const MAX_MAJORS_BEHIND = 5;

const require = createRequire(import.meta.url);
const major = (v) => Number(String(v).split(".")[0]);

/** { chromium, playwright, builtFor }: the installed Chromium, playwright-core, and the Chromium it is built for. */
export function chromiumVersions() {
  const pkgDir = require.resolve("playwright-core/package.json").replace(/package\.json$/, "");
  const playwright = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).version;
  const builtFor = JSON.parse(readFileSync(join(pkgDir, "browsers.json"), "utf8"))
    .browsers.find((b) => b.name === "chromium").browserVersion;
  let chromium = null;
  try {
    // Debian's wrapper script may print noise on stderr; the version is on stdout.
    const out = execFileSync(CHROMIUM, ["--version"], { stdio: ["ignore", "pipe", "ignore"] }).toString();
    chromium = out.match(/(\d+\.\d+\.\d+\.\d+)/)?.[1] ?? null;
  } catch { /* not installed: reported by tooOld */ }
  return { chromium, playwright, builtFor };
}

/** Why this Chromium cannot serve this playwright-core, or null. */
export function tooOld({ chromium, playwright, builtFor }) {
  if (!chromium) return `no Chromium at ${CHROMIUM} (playwright-core ${playwright} needs one, built for ${builtFor})`;
  if (major(chromium) < major(builtFor) - MAX_MAJORS_BEHIND) {
    return `Chromium ${chromium} is too old for playwright-core ${playwright} (built for Chromium ${builtFor}; `
      + `at most ${MAX_MAJORS_BEHIND} major versions behind, so ${major(builtFor) - MAX_MAJORS_BEHIND} or newer)`;
  }
  return null;
}

/**
 * Launches Chromium for the calling test file (`caller`: its import.meta.url), after checking its
 * version, and records the pair that ran.
 */
export async function launchChromium(caller) {
  const versions = chromiumVersions();
  const refusal = tooOld(versions);
  if (refusal) throw new Error(`${refusal}. Upgrade Chromium (apt-get install --only-upgrade chromium chromium-driver) or pin an older playwright-core in package.json.`);
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_ARGS });
  } catch (e) {
    throw new Error(`playwright-core ${versions.playwright} (built for Chromium ${versions.builtFor}) could not launch `
      + `${CHROMIUM} ${versions.chromium}: ${e.message}`);
  }
  const line = `${new Date().toISOString()} ${basename(new URL(caller).pathname)}: Chromium ${browser.version()} `
    + `(${CHROMIUM}) driven by playwright-core ${versions.playwright} (built for Chromium ${versions.builtFor})`;
  console.log(`# ${line}`);
  mkdirSync(join(OUT, "logs"), { recursive: true });
  appendFileSync(join(OUT, "logs", "browsers.log"), `${line}\n`);
  return browser;
}

/**
 * Records every answer any page of `context` receives (popups included) for the leak scan, as
 * the Node tests' `fetch` does. Answers the context.
 */
export function recordContext(context) {
  context.on("response", async (r) => {
    let body = "";
    try { body = r.status() >= 300 && r.status() < 400 ? "" : (await r.body()).toString("latin1"); } catch { /* navigated away */ }
    recordBrowserResponse(r.url(), r.request().method(), r.status(), r.headers(), body);
  });
  return context;
}
