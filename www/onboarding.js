// The demo portal embedding <gatehouse-onboarding> the way a partner would: one module import,
// one element, a few event listeners. Coming back from the partner's consent page, the widget
// picks up the onboarding from the URL and carries on.
import init from "/pkg/gatehouse_web.js";
import { demoSignIn } from "/demo-users.js";

const $ = (id) => document.getElementById(id);
const widget = $("widget");
const log = (name, detail) => {
  const li = document.createElement("li");
  li.textContent = `${name}${detail?.name ? `: ${detail.name}` : ""}${detail?.onboarding?.status ? ` (${detail.onboarding.status})` : ""}`;
  $("events").append(li);
};
for (const kind of ["gatehouse-event", "gatehouse-success", "gatehouse-exit"]) {
  widget.addEventListener(kind, (e) => log(kind, e.detail));
}
$("mode").addEventListener("change", () => widget.setAttribute("mode", $("mode").value));

const returning = new URLSearchParams(location.search).has("gatehouse_onboarding");
await init(); // registers <gatehouse-onboarding>
if (returning) {
  // Back from the partner: the session cookie is still there.
  widget.hidden = false;
  const r = await fetch("/api/session");
  if (r.ok) {
    const p = await r.json();
    $("signed-in").textContent = `Signed in as ${p.full_name} (${p.role}) of ${p.provider_org_id}.`;
  }
}
await demoSignIn($("users"), $("signed-in"), () => { widget.hidden = false; });
