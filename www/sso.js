// The demo portal: pick a demo user (development mode), then the <gatehouse-sso-button> from
// @gatehouse/web opens the white-label app. The page never sees a partner token.
import init from "/pkg/gatehouse_web.js";

const $ = (id) => document.getElementById(id);

async function signIn(user) {
  const r = await fetch("/api/dev/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user }),
  });
  const body = await r.json();
  if (!r.ok) throw new Error(body.code);
  const p = body.profile;
  $("signed-in").textContent = `Signed in as ${p.full_name} (${p.role}) of ${p.provider_org_id}.`;
  $("signed-in").dataset.user = p.user_id;
  $("open-dashboard").hidden = false;
}

try {
  await init(); // registers <gatehouse-sso-button>
  const users = await (await fetch("/api/dev/users")).json();
  for (const u of users) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.user = u.user_id;
    b.textContent = `${u.full_name} — ${u.role}, ${u.provider_org_id}`;
    b.addEventListener("click", () => signIn(u.user_id).catch((e) => { $("sso-error").textContent = String(e.message ?? e); }));
    $("users").append(b);
  }
  // Development sessions last 10 minutes; on another origin, set `sessionToken` or the
  // `session` attribute instead of relying on the cookie.
} catch (err) {
  $("sso-error").textContent = `error: ${err.message ?? err}`;
}
