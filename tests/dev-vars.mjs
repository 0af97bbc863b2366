// The throwaway development secrets in .dev.vars.example, parsed once for every reader: the
// end-to-end tests (the stack under test runs `wrangler dev --env-file .dev.vars.example`), the
// leak scan and the bench. `NAME=value` lines; `#` comments and blank lines skipped.
import { readFileSync } from "node:fs";

export const DEV_VARS_FILE = new URL("../.dev.vars.example", import.meta.url);

/** name → value of every variable in .dev.vars.example. */
export const devVars = Object.freeze(Object.fromEntries(
  readFileSync(DEV_VARS_FILE, "utf8")
    .split("\n")
    .filter((l) => l.includes("=") && !l.trimStart().startsWith("#"))
    .map((l) => [l.slice(0, l.indexOf("=")).trim(), l.slice(l.indexOf("=") + 1).trim()]),
));

/** The value of `name`; throws when the file does not define it. */
export function devVar(name) {
  if (!(name in devVars)) throw new Error(`.dev.vars.example defines no ${name}`);
  return devVars[name];
}

/** Every value long enough to search for in the leak scan (8 characters or more). */
export const SECRET_VALUES = Object.values(devVars).filter((v) => v.length >= 8);
