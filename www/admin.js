// Credential health for operators: GET /api/admin/credentials with the operator's key (kept in
// this module's memory only). The answer never contains a token or a secret.
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
}

$("key-form").addEventListener("submit", (e) => {
  e.preventDefault();
  key = $("key").value;
  $("key").value = "";
  refresh();
  setInterval(refresh, 10_000);
});
