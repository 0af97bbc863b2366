// Credential health for operators: GET /api/admin/credentials and /api/admin/webhooks with the
// operator's key (kept in this module's memory only). Neither answer contains a token, a secret
// or an event body.
const $ = (id) => document.getElementById(id);
let key = "";

const ago = (ms) => (ms ? `${Math.round((Date.now() - ms) / 1000)} s ago` : "—");
const cell = (text) => { const td = document.createElement("td"); td.textContent = text; return td; };

async function refresh() {
  const r = await fetch("/api/admin/credentials", { headers: { authorization: `Bearer ${key}` } });
  const body = await r.json();
  if (!r.ok) {
    $("admin-error").textContent = `${body.code}: ${body.message}`;
    return;
  }
  $("admin-error").textContent = "";
  const rows = body.credentials.map((c) => {
    const tr = document.createElement("tr");
    tr.dataset.credential = c.credential;
    tr.dataset.state = c.state;
    tr.append(cell(c.credential), cell(c.provider ?? "—"), cell(c.state),
      cell(c.expires_in_s == null ? "—" : `${c.expires_in_s} s`), cell(ago(c.last_refresh_ms)),
      cell(c.last_error ?? "—"), cell(String(c.upstream_token_calls ?? 0)), cell(c.holds_refresh_token ? "held" : "—"));
    return tr;
  });
  $("credentials").tBodies[0].replaceChildren(...rows);
  await refreshWebhooks();
}

async function refreshWebhooks() {
  const r = await fetch("/api/admin/webhooks", { headers: { authorization: `Bearer ${key}` } });
  if (!r.ok) return;
  const { targets } = await r.json();
  const rows = targets.map(({ target, outbox }) => {
    const tr = document.createElement("tr");
    tr.dataset.target = target;
    const last = [...outbox.pending, ...outbox.dead].map((d) => d.last_error).filter(Boolean).pop();
    tr.append(cell(target), cell(String(outbox.pending.length)), cell(String(outbox.delivered)),
      cell(String(outbox.dead.length)), cell(last ?? "—"));
    return tr;
  });
  $("webhooks").tBodies[0].replaceChildren(...rows);
  $("webhooks-empty").hidden = targets.length > 0;
}

$("key-form").addEventListener("submit", (e) => {
  e.preventDefault();
  key = $("key").value;
  $("key").value = "";
  refresh();
  setInterval(refresh, 10_000);
});
