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
      cell(c.last_error ?? "—"), cell(c.problem ?? "—"),
      cell(c.account ? `company ${c.account.company ?? "?"}, user ${c.account.user_id ?? "?"}` : "—"),
      cell(String(c.upstream_token_calls ?? 0)), cell(c.holds_refresh_token ? "held" : "—"));
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

// ---- Stream partner tokens (seed 000): list, create (value shown once), rename, delete ----
const admin = (path, init = {}) => fetch(path, {
  ...init, headers: { authorization: `Bearer ${key}`, ...(init.body ? { "content-type": "application/json" } : {}) },
});
const ptError = async (r) => {
  const body = await r.json().catch(() => ({}));
  $("pt-error").textContent = `${body.code ?? r.status}: ${body.message ?? ""}`;
};

async function listPartnerTokens() {
  $("pt-error").textContent = "";
  const r = await admin(`/api/admin/partner-tokens?org_id=${encodeURIComponent($("pt-org").value)}`);
  if (!r.ok) return ptError(r);
  const rows = (await r.json()).map((t) => {
    const tr = document.createElement("tr");
    tr.dataset.token = t._id;
    const actions = document.createElement("td");
    const rename = document.createElement("button");
    rename.type = "button";
    rename.textContent = "Rename";
    rename.addEventListener("click", async () => {
      const name = prompt("New name", t.token_name);
      if (!name) return;
      const a = await admin(`/api/admin/partner-tokens/${encodeURIComponent(t._id)}`, { method: "PATCH", body: JSON.stringify({ token_name: name }) });
      if (!a.ok) return ptError(a);
      listPartnerTokens();
    });
    const del = document.createElement("button");
    del.type = "button";
    del.textContent = "Delete";
    del.addEventListener("click", async () => {
      const a = await admin(`/api/admin/partner-tokens/${encodeURIComponent(t._id)}`, { method: "DELETE" });
      if (!a.ok) return ptError(a);
      listPartnerTokens();
    });
    actions.append(rename, " ", del);
    tr.append(cell(t.token_name), cell(t.scopes.join(" ")), cell(t.created_at ?? "—"), cell(t._id), actions);
    return tr;
  });
  $("partner-tokens").tBodies[0].replaceChildren(...rows);
}

$("pt-list-form").addEventListener("submit", (e) => { e.preventDefault(); listPartnerTokens(); });
$("pt-create-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const scopes = [...document.querySelectorAll('#pt-create-form input[name="scope"]:checked')].map((c) => c.value);
  const r = await admin("/api/admin/partner-tokens", { method: "POST", body: JSON.stringify({ org_id: $("pt-org").value, token_name: $("pt-name").value, scopes }) });
  if (!r.ok) return ptError(r);
  const created = await r.json();
  $("pt-value").textContent = created.token ?? "";
  $("pt-created").hidden = false;
  $("pt-name").value = "";
  listPartnerTokens();
});

$("key-form").addEventListener("submit", (e) => {
  e.preventDefault();
  key = $("key").value;
  $("key").value = "";
  refresh();
  setInterval(refresh, 10_000);
});
