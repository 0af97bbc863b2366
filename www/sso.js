// The demo portal: pick a demo user (development mode), then the <gatehouse-sso-button> from
// @gatehouse/web opens the white-label app. The page never sees a partner token.
import init from "/pkg/gatehouse_web.js";
import { demoSignIn } from "/demo-users.js";

const $ = (id) => document.getElementById(id);

try {
  await init(); // registers <gatehouse-sso-button>
  // Development sessions last 10 minutes; on another origin, set `sessionToken` or the
  // `session` attribute instead of relying on the cookie.
  await demoSignIn($("users"), $("signed-in"), () => { $("open-dashboard").hidden = false; });
} catch (err) {
  $("sso-error").textContent = `error: ${err.message ?? err}`;
}
