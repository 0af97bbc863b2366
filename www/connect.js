// The demo portal embedding <gatehouse-connect> the way a partner would, and listing the
// organization's connections with the client (listConnections, deleteConnection). On the
// worker's own origin the session is the cookie the demo sign-in set.
import init, { GatehouseClient } from "/pkg/gatehouse_web.js";
import { demoSignIn } from "/demo-users.js";

const $ = (id) => document.getElementById(id);
let element = null;
let client = null; // after init(): the wasm module is loaded then
const cell = (...children) => { const td = document.createElement("td"); td.append(...children); return td; };
const button = (text, onClick) => {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
};

async function list() {
  let connections = [];
  try {
    ({ connections } = await client.listConnections());
  } catch (e) {
    $("connections").replaceChildren(Object.assign(document.createElement("tr"), { textContent: `error: ${e.code}` }));
    return;
  }
  $("connections").replaceChildren(...connections.map((c) => {
    const tr = document.createElement("tr");
    tr.dataset.connection = c.id;
    tr.append(cell(`${c.template} (${c.id})`), cell(c.status), cell(Object.entries(c.fields).map(([k, v]) => `${k}: ${v}`).join(", ")),
      cell(button("Update", () => { element.connection = c.id; }), " ",
        button("Delete", async () => { await client.deleteConnection(c.id); if (element.connection === c.id) element.connection = null; list(); })));
    return tr;
  }));
}

// A fresh element for each sign-in (its session is the new cookie).
function mount() {
  element = document.createElement("gatehouse-connect");
  element.template = "powerepos";
  for (const kind of ["gatehouse-event", "gatehouse-success", "gatehouse-exit"]) {
    element.addEventListener(kind, (e) => {
      const li = document.createElement("li");
      const d = e.detail ?? {};
      li.textContent = `${kind}${d.name ? `: ${d.name}` : ""}${d.connection?.status ? ` (${d.connection.status})` : ""}${d.error?.code ? ` ${d.error.code}` : ""}`;
      $("events").append(li);
      if (kind === "gatehouse-success") list();
    });
  }
  $("connect").replaceChildren(element);
}

await init(); // registers <gatehouse-connect>
client = new GatehouseClient(""); // the worker's own origin: its session cookie
await demoSignIn($("users"), $("signed-in"), () => { mount(); list(); });
