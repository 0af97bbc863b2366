// A merchant's browser in the onboarding flow, for node tests: it follows the start answer's
// `entry_url` (the worker's go link, which binds the flow to this browser with a `__Host-` cookie)
// to the partner's consent page, decides there, and comes back through the worker's return
// handler carrying its cookies, as Chromium does (docs/security.md item 25).
import assert from "node:assert/strict";
import { fetch } from "./env.mjs";

export class MerchantBrowser {
  /** `origin`: the worker's origin, the only one this jar sends cookies to. */
  constructor(origin) {
    this.origin = origin;
    this.jar = new Map();
  }

  /** What a browser would keep of an answer's `Set-Cookie`s (expired ones removed). */
  keep(resp) {
    for (const line of resp.headers.getSetCookie()) {
      const pair = line.split(";")[0];
      const name = pair.slice(0, pair.indexOf("=")).trim();
      const value = pair.slice(pair.indexOf("=") + 1).trim();
      if (!value || /;\s*max-age=0\b/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  /** A top-level GET with the jar's cookies for the worker's origin; redirects not followed. */
  async get(url, headers = {}) {
    const ours = new URL(url).origin === this.origin;
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const r = await fetch(url, { redirect: "manual", headers: { ...(ours && cookie ? { cookie } : {}), ...headers } });
    if (ours) this.keep(r);
    return r;
  }

  /** Follows the go link; answers the partner's consent URL it redirected to. */
  async go(entryUrl) {
    const r = await this.get(entryUrl);
    assert.equal(r.status, 303, `go link answered ${r.status}`);
    return r.headers.get("location");
  }

  /** At the partner's consent page: authorize or deny; answers the worker's return URL. */
  static async decide(consentUrl, decision) {
    const r = await fetch(consentUrl, {
      method: "POST", redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" }, body: `decision=${decision}`,
    });
    assert.equal(r.status, 303, `consent answered ${r.status}`);
    return r.headers.get("location");
  }

  /** Follows the return URL: the worker's 303 to the allowlisted page, as a URL. */
  async comeBack(returnUrl, headers = {}) {
    const r = await this.get(returnUrl, headers);
    assert.equal(r.status, 303);
    assert.equal(r.headers.get("cache-control"), "no-store");
    return new URL(r.headers.get("location"));
  }

  /** The whole round: go link → consent → return; answers the landing page's URL. */
  async onboard(entryUrl, decision = "authorize") {
    return this.comeBack(await MerchantBrowser.decide(await this.go(entryUrl), decision));
  }
}
