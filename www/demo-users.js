// Demo portal sign-in for the pages in www/ (development mode only): lists the worker's demo
// users and mints a session cookie for the one picked. In production the partner's own portal
// backend signs sessions (README, docs/sso.md).
export async function demoSignIn(container, status, onSignedIn) {
  const users = await (await fetch("/api/dev/users")).json();
  for (const u of users) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.user = u.user_id;
    b.textContent = `${u.full_name} — ${u.role}, ${u.provider_org_id}`;
    b.addEventListener("click", async () => {
      const r = await fetch("/api/dev/session", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ user: u.user_id }),
      });
      const body = await r.json();
      if (!r.ok) {
        status.textContent = `error: ${body.code}`;
        return;
      }
      const p = body.profile;
      status.textContent = `Signed in as ${p.full_name} (${p.role}) of ${p.provider_org_id}.`;
      status.dataset.user = p.user_id;
      onSignedIn(p);
    });
    container.append(b);
  }
}
