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
/** Shows a refused answer in the alert line `id`: its code, and the fields it names or its
 *  sentence. Returns the answer's body. */
const showError = async (id, r) => {
  const body = await r.json().catch(() => ({}));
  const fields = (body.fields ?? []).map((f) => `${f.field}: ${f.message}`).join("; ");
  $(id).textContent = `${body.code ?? r.status}: ${fields || body.message || ""}`;
  return body;
};
/** A button reading `text`, named `label` for assistive technology, doing `onClick`. */
const button = (text, label, onClick) => {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
};
const ptError = (r) => showError("pt-error", r);

async function listPartnerTokens() {
  $("pt-error").textContent = "";
  const r = await admin(`/api/admin/partner-tokens?org_id=${encodeURIComponent($("pt-org").value)}`);
  if (!r.ok) return ptError(r);
  const rows = (await r.json()).map((t) => {
    const tr = document.createElement("tr");
    tr.dataset.token = t._id;
    const actions = document.createElement("td");
    const nameCell = cell(t.token_name);
    // Renaming edits the name in its cell (no browser prompt): Enter or "Save", or "Cancel".
    const rename = button("Rename", `Rename ${t.token_name}`, () => {
      const form = document.createElement("form");
      const input = document.createElement("input");
      input.value = t.token_name;
      input.required = true;
      input.maxLength = 100;
      input.setAttribute("aria-label", `New name for ${t.token_name}`);
      const save = document.createElement("button");
      save.textContent = "Save";
      const cancel = button("Cancel", `Keep the name ${t.token_name}`, () => {
        nameCell.replaceChildren(t.token_name);
        rename.focus();
      });
      form.append(input, " ", save, " ", cancel);
      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        const a = await admin(`/api/admin/partner-tokens/${encodeURIComponent(t._id)}`, { method: "PATCH", body: JSON.stringify({ token_name: input.value }) });
        if (!a.ok) return ptError(a);
        listPartnerTokens();
      });
      nameCell.replaceChildren(form);
      input.select();
    });
    const del = button("Delete", `Delete ${t.token_name}`, async () => {
      const a = await admin(`/api/admin/partner-tokens/${encodeURIComponent(t._id)}`, { method: "DELETE" });
      if (!a.ok) return ptError(a);
      listPartnerTokens();
    });
    actions.append(rename, " ", del);
    tr.append(nameCell, cell(t.scopes.join(" ")), cell(t.created_at ?? "—"), cell(t._id), actions);
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

// ---- Server keys (docs/server.md): list, make (value shown once), rotate, revoke ----
const when = (s) => (s ? new Date(s * 1000).toISOString().replace("T", " ").slice(0, 16) : "—");
const list = (a) => (a && a.length ? a.join(", ") : "any");
const keyError = (r) => showError("key-create-error", r);
/** The key form's inputs for each field core's `fields` name (`invalid_key`). */
const keyInputs = {
  name: () => [$("key-name")],
  scopes: () => [...document.querySelectorAll('#key-create-form input[name="key-scope"]')],
  organizations: () => [$("key-orgs")],
  targets: () => [$("key-targets")],
};
/** Marks the fields a refusal names (`aria-invalid`, the problem next to the field) and clears
 *  the others. */
const markKeyFields = (problems = []) => {
  for (const [field, inputs] of Object.entries(keyInputs)) {
    const problem = problems.find((p) => p.field === field);
    $(`key-${field}-problem`).textContent = problem?.message ?? "";
    for (const input of inputs()) {
      if (problem) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  }
};
/** Shows a key's value once; it is cleared when another is made, and never stored. */
const showKey = (secret) => {
  $("key-value").textContent = secret;
  $("key-made").hidden = false;
};

async function listKeys() {
  const r = await admin("/api/admin/keys");
  if (!r.ok) return keyError(r);
  const rows = (await r.json()).keys.map((k) => {
    const tr = document.createElement("tr");
    tr.dataset.key = k.id;
    const actions = document.createElement("td");
    const named = `${k.name} (${k.prefix})`;
    const rotate = button("Rotate", `Rotate ${named}`, async () => {
      const a = await admin(`/api/admin/keys/${encodeURIComponent(k.id)}/rotate`, { method: "POST", body: "{}" });
      if (!a.ok) return keyError(a);
      showKey((await a.json()).secret);
      listKeys();
    });
    // Revoking asks first, in the row (no browser dialog): "Revoke now" or "Keep".
    const revoke = button("Revoke", `Revoke ${named}`, () => {
      const ask = document.createElement("span");
      ask.textContent = "Calls with it stop within 5 seconds. ";
      const now = button("Revoke now", `Revoke ${named} now`, async () => {
        const a = await admin(`/api/admin/keys/${encodeURIComponent(k.id)}`, { method: "DELETE" });
        if (!a.ok) return keyError(a);
        listKeys();
      });
      const keep = button("Keep", `Keep ${named}`, () => {
        actions.replaceChildren(rotate, " ", revoke);
        revoke.focus();
      });
      actions.replaceChildren(ask, now, " ", keep);
      now.focus();
    });
    actions.append(rotate, " ", revoke);
    tr.append(cell(k.name), cell(k.prefix), cell(k.scopes.join(" ")), cell(list(k.organizations)),
      cell(list(k.targets)), cell(when(k.created_at)), cell(when(k.expires_at)), cell(when(k.last_used_at)), actions);
    return tr;
  });
  $("server-keys").tBodies[0].replaceChildren(...rows);
}

const split = (s) => s.split(",").map((x) => x.trim()).filter(Boolean);
$("key-create-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("key-create-error").textContent = "";
  markKeyFields();
  $("key-made").hidden = true;
  $("key-value").textContent = "";
  const scopes = [...document.querySelectorAll('#key-create-form input[name="key-scope"]:checked')].map((c) => c.value);
  const body = { name: $("key-name").value, scopes, organizations: split($("key-orgs").value), targets: split($("key-targets").value) };
  const r = await admin("/api/admin/keys", { method: "POST", body: JSON.stringify(body) });
  if (!r.ok) return markKeyFields((await keyError(r)).fields);
  showKey((await r.json()).secret);
  $("key-name").value = "";
  listKeys();
});

$("key-form").addEventListener("submit", (e) => {
  e.preventDefault();
  key = $("key").value;
  $("key").value = "";
  refresh();
  listKeys();
  setInterval(refresh, 10_000);
});
