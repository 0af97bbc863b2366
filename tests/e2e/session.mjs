// Mints portal session tokens the way a partner's portal backend would (node:crypto only), for
// the SSO tests: HS256 with the deployment's SESSION_SECRET, ES256/RS256 with the throwaway test
// keys whose public halves are SESSION_JWKS in wrangler.toml [env.test].
import { createHmac, createPrivateKey, createPublicKey, sign } from "node:crypto";
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { devVar } from "../dev-vars.mjs";

const keys = JSON.parse(readFileSync(new URL("./fixtures/session-keys.json", import.meta.url), "utf8"));
export const SESSION_SECRET = devVar("SESSION_SECRET");

const b64 = (x) => Buffer.from(typeof x === "string" ? x : JSON.stringify(x)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

let counter = 0;
/** Claims of a valid session for a fresh user (unique id) unless overridden. */
export function claims(over = {}) {
  counter += 1;
  return {
    iss: "https://portal.example", aud: "gatehouse", iat: now(), nbf: now(), exp: now() + 300,
    sub: `user-${process.pid}-${counter}`, email: `user${counter}@portal.example`, name: `Test User ${counter}`,
    phone_number: "+1-555-010-0000", provider_org_id: "org_alpha_001", role: "manager",
    ...over,
  };
}

/** A compact JWS. `alg`: HS256 (secret), ES256, RS256, or "none"; `header` overrides fields. */
export function mint(body = claims(), { alg = "HS256", secret = SESSION_SECRET, header = {} } = {}) {
  const kid = alg === "ES256" ? keys.es256.kid : alg === "RS256" ? keys.rs256.kid : undefined;
  const h = { alg, typ: "JWT", ...(kid ? { kid } : {}), ...header };
  const input = `${b64(h)}.${b64(body)}`;
  let sig;
  if (alg === "none") sig = Buffer.alloc(0);
  else if (alg === "HS256") sig = createHmac("sha256", secret).update(input).digest();
  else if (alg === "ES256") sig = sign("sha256", Buffer.from(input), { key: createPrivateKey({ key: keys.es256, format: "jwk" }), dsaEncoding: "ieee-p1363" });
  else if (alg === "RS256") sig = sign("sha256", Buffer.from(input), createPrivateKey({ key: keys.rs256, format: "jwk" }));
  const token = `${input}.${sig.toString("base64url")}`;
  remember(token);
  return token;
}

/** Every session minted in this run, for the leak scan (tests/leak-scan.mjs): one per line. */
const OUT = process.env.TEST_OUT ?? fileURLToPath(new URL("../.out", import.meta.url));
function remember(token) {
  try {
    mkdirSync(OUT, { recursive: true });
    appendFileSync(join(OUT, "minted-sessions.txt"), `${token}\n`);
  } catch { /* the scan then finds fewer needles, and says so */ }
}

/** The RSA test key's public half as PEM (for the HS/RS confusion attack). */
export function rsaPublicPem() {
  const { d, p, q, dp, dq, qi, ...pub } = keys.rs256;
  return createPublicKey({ key: pub, format: "jwk" }).export({ format: "pem", type: "spki" });
}
