// <gatehouse-onboarding>: walks a merchant through connecting a POS or delivery platform:
// choose the source → authorize at the partner (full-page redirect, or a popup with
// blocked-popup fallback) → connecting → active → locations (bind DSP locations to POS ones).
// It talks only to the Gatehouse worker through the wasm client; no credential or token ever
// reaches it. Attributes: `gatehouse` (worker URL; empty = this origin), `session` (portal
// session token for pages on another origin; or the `sessionToken` property), `sources`
// (`square:pos,ubereats:dsp` — id:type[:Label] pairs), `mode` (`redirect` default, or `popup`),
// `return-page` (one of the worker's ONBOARDING_RETURN_PAGES). Events (bubbling, composed):
// `gatehouse-event` {name, ...} for every step, `gatehouse-success` {onboarding},
// `gatehouse-exit` {reason, error?}. Theme with CSS custom properties on the element:
// --gatehouse-accent, --gatehouse-bg, --gatehouse-fg, --gatehouse-muted, --gatehouse-error,
// --gatehouse-radius, --gatehouse-font; or style its parts (`::part(button)`, `::part(panel)`).
const CSS = `
:host { display: block; font: var(--gatehouse-font, inherit); color: var(--gatehouse-fg, #1d2433); }
[part=panel] { background: var(--gatehouse-bg, #fff); border-radius: var(--gatehouse-radius, 10px);
  padding: 1rem 1.2rem; box-shadow: 0 1px 3px #0002; }
h3 { margin: 0 0 .6rem; font-size: 1.1em; }
p { margin: .4rem 0; }
.muted { color: var(--gatehouse-muted, #5b6478); }
.error { color: var(--gatehouse-error, #b3261e); }
.steps { display: flex; gap: .4rem; margin-bottom: .8rem; padding: 0; list-style: none; font-size: .85em; }
.steps li { padding: .15rem .5rem; border-radius: 999px; background: #eef; }
.steps li[aria-current=step] { background: var(--gatehouse-accent, #1f5fbf); color: #fff; }
.sources { display: flex; flex-wrap: wrap; gap: .5rem; }
button { font: inherit; padding: .5em 1em; border: 0; border-radius: calc(var(--gatehouse-radius, 10px) / 1.6);
  background: var(--gatehouse-accent, #1f5fbf); color: #fff; cursor: pointer; }
button.secondary { background: transparent; color: var(--gatehouse-accent, #1f5fbf); border: 1px solid currentColor; }
button:disabled { opacity: .6; cursor: default; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
td, th { text-align: left; padding: .3rem .4rem; border-bottom: 1px solid #eee; }
.spinner { display: inline-block; width: .9em; height: .9em; border: 2px solid currentColor; border-right-color: transparent;
  border-radius: 50%; animation: spin 1s linear infinite; vertical-align: -2px; }
@keyframes spin { to { transform: rotate(360deg); } }
`;
const STEPS = ["Choose", "Authorize", "Connect", "Locations"];
const MESSAGE = "gatehouse-onboarding";

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "on") for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
    else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

export function defineOnboardingWidget(makeClient) {
  // The page the merchant comes back to in popup mode: tell the opener (same origin only) and close.
  const params = new URLSearchParams(location.search);
  if (window.opener && params.has("onboarding")) {
    window.opener.postMessage({ type: MESSAGE, onboarding: params.get("onboarding"), status: params.get("status"), error: params.get("error") }, location.origin);
    window.close();
  }
  if (customElements.get("gatehouse-onboarding")) return;

  customElements.define("gatehouse-onboarding", class extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const root = this.attachShadow({ mode: "open" });
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
      this.panel = el("div", { part: "panel", role: "region", "aria-live": "polite" });
      root.append(this.panel);
      this.client = makeClient(this.getAttribute("gatehouse") ?? "", this.sessionToken ?? this.getAttribute("session") ?? "");
      this.onMessage = (e) => {
        if (e.origin !== location.origin || e.source !== this.popup || e.data?.type !== MESSAGE) return;
        this.emit("event", { name: "popup_returned" });
        this.watcher?.refresh();
      };
      window.addEventListener("message", this.onMessage);
      // Back from a full-page redirect: the worker sent only the onboarding id and an outcome.
      const p = new URLSearchParams(location.search);
      if (p.has("onboarding") || p.has("error")) {
        const id = p.get("onboarding");
        const error = p.get("error");
        history.replaceState(null, "", location.pathname);
        this.emit("event", { name: "returned", onboarding: id, error });
        if (error && error !== "access_denied") return this.fail({ code: error }, id);
        if (id) return this.connecting(id);
      }
      this.choose();
    }

    disconnectedCallback() {
      this.watcher?.stop();
      window.removeEventListener("message", this.onMessage);
    }

    emit(kind, detail) {
      this.dispatchEvent(new CustomEvent(`gatehouse-${kind}`, { bubbles: true, composed: true, detail }));
    }

    render(step, ...body) {
      this.dataset.state = step;
      const steps = el("ol", { class: "steps", "aria-label": "Progress" },
        ...STEPS.map((s, i) => el("li", { "aria-current": i === this.stepIndex ? "step" : null }, s)));
      this.panel.replaceChildren(steps, ...body);
    }

    sourceList() {
      return (this.getAttribute("sources") ?? "square:pos,ubereats:dsp").split(",").map((s) => s.trim()).filter(Boolean)
        .map((s) => { const [id, type, label] = s.split(":"); return { id, type: type ?? "pos", label: label ?? id }; });
    }

    choose() {
      this.stepIndex = 0;
      this.render("choose", el("h3", {}, "Connect a platform"),
        el("p", { class: "muted" }, "Choose the system you use. You will authorize the connection at its site."),
        el("div", { class: "sources" }, ...this.sourceList().map((s) => el("button", {
          part: "button", type: "button", "data-source": s.id, on: { click: () => this.start(s) },
        }, `${s.label} (${s.type.toUpperCase()})`))));
    }

    async start(source) {
      this.stepIndex = 1;
      this.render("authorizing", el("p", {}, el("span", { class: "spinner" }), " Preparing the authorization…"));
      this.emit("event", { name: "start", source: source.id, type: source.type });
      let started;
      try {
        started = await this.client.startOnboarding(source.id, source.type, this.getAttribute("return-page") ?? undefined);
      } catch (error) {
        return this.fail(error);
      }
      this.begin(started);
    }

    // An authorization link that expired before the merchant came back: the same platform and
    // type again, in one click (what Stripe's account links do with refresh_url).
    async restart(previousId) {
      this.stepIndex = 1;
      this.render("authorizing", el("p", {}, el("span", { class: "spinner" }), " Preparing a new authorization…"));
      this.emit("event", { name: "restart", onboarding: previousId });
      let started;
      try {
        started = await this.client.restartOnboarding(previousId, this.getAttribute("return-page") ?? undefined);
      } catch (error) {
        return this.fail(error);
      }
      this.begin(started);
    }

    begin(started) {
      const id = started.onboarding.id;
      this.emit("event", { name: "authorize", onboarding: id });
      if (this.getAttribute("mode") === "popup") {
        this.popup = window.open(started.entry_url, MESSAGE, "popup,width=520,height=680");
        if (!this.popup) {
          this.emit("event", { name: "popup_blocked", onboarding: id });
        } else {
          return this.connecting(id, true);
        }
      }
      this.render("redirecting", el("p", {}, el("span", { class: "spinner" }), " Taking you to authorize…"));
      location.assign(started.entry_url);
    }

    connecting(id, inPopup = false) {
      this.stepIndex = 2;
      this.render("connecting", el("h3", {}, "Connecting"),
        el("p", {}, el("span", { class: "spinner" }), inPopup ? " Finish the authorization in the window that opened…" : " Waiting for the platform…"));
      this.watcher?.stop();
      this.watcher = this.client.watchOnboarding(id, (u) => {
        if (u.type === "error") {
          this.emit("event", { name: "error", error: u.error, retryInMs: u.retryInMs });
          if (u.retryInMs === null) this.fail(u.error, id);
          return;
        }
        const o = u.onboarding;
        this.emit("event", { name: "status", onboarding: o });
        if (!u.terminal) return; // still pending: the watch goes on
        if (o.status === "active") this.active(o);
        else if (o.status === "revoked") this.fail({ code: "revoked", message: "This connection was revoked." }, id);
        else this.fail({ code: "authorization_failed", message: "The authorization was declined or failed." }, id);
      });
    }

    async active(onboarding) {
      this.emit("success", { onboarding });
      this.stepIndex = 3;
      this.render("active", el("h3", {}, "Connected"), el("p", {}, el("span", { class: "spinner" }), " Loading locations…"));
      try {
        const all = (await this.client.organizationLocations()).locations;
        this.locations(onboarding, all);
      } catch (error) {
        this.fail(error, onboarding.id);
      }
    }

    locations(onboarding, all) {
      // A partner may leave out a location's type or name: the type then comes from the
      // onboarding that provisioned it, the label from its external id or id.
      const kind = (l) => l.type ?? (l.onboarding_id === onboarding.id ? onboarding.type : undefined);
      const label = (l) => l.name ?? l.external_id ?? l._id;
      const pos = all.filter((l) => kind(l) === "pos");
      const dsp = all.filter((l) => kind(l) === "dsp");
      const rows = dsp.map((d) => {
        const select = el("select", { "data-dsp": d._id, "aria-label": `POS location for ${label(d)}` },
          el("option", { value: "" }, "— not bound —"),
          ...pos.map((p) => el("option", { value: p._id, selected: d.bound_pos_location_id === p._id ? "" : null }, label(p))));
        return el("tr", {}, el("td", {}, label(d)), el("td", {}, select));
      });
      const bind = el("button", { part: "button", type: "button", on: { click: async () => {
        const byOnboarding = new Map();
        for (const s of this.panel.querySelectorAll("select[data-dsp]")) {
          if (!s.value) continue;
          const d = dsp.find((x) => x._id === s.dataset.dsp);
          const list = byOnboarding.get(d.onboarding_id) ?? [];
          list.push({ dsp_location_id: d._id, pos_location_id: s.value });
          byOnboarding.set(d.onboarding_id, list);
        }
        bind.disabled = true;
        try {
          for (const [id, bindings] of byOnboarding) await this.client.bindLocations(id, bindings);
          this.emit("event", { name: "bound", count: [...byOnboarding.values()].flat().length });
          this.locations(onboarding, (await this.client.organizationLocations()).locations);
        } catch (error) {
          this.fail(error, onboarding.id);
        }
      } } }, "Save bindings");
      const done = el("button", { class: "secondary", type: "button", on: { click: () => { this.emit("exit", { reason: "done" }); this.choose(); } } }, "Connect another");
      this.render("locations", el("h3", {}, `Connected: ${onboarding.source ?? onboarding.type}`),
        el("p", { class: "muted" }, `${pos.length} POS and ${dsp.length} delivery locations.`),
        dsp.length && pos.length
          ? el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Delivery location"), el("th", {}, "POS location"))), el("tbody", {}, ...rows))
          : el("p", { class: "muted" }, "Connect both a POS and a delivery platform to bind their locations."),
        el("div", { class: "sources" }, ...(dsp.length && pos.length ? [bind] : []), done));
    }

    fail(error, id) {
      this.watcher?.stop();
      this.emit("exit", { reason: "error", error, onboarding: id ?? null });
      const retry = el("button", { part: "button", type: "button", on: { click: () => this.choose() } }, "Try again");
      const expired = id && (error?.code === "state_expired" || error?.code === "invalid_ticket");
      const again = expired
        ? el("button", { part: "button", type: "button", "data-action": "restart", on: { click: () => this.restart(id) } }, "Start again")
        : null;
      this.render("error", el("h3", { class: "error" }, expired ? "The authorization link expired" : "Could not connect"),
        el("p", {}, error?.message ?? (expired ? "Start again to get a new link for the same platform." : "Something went wrong.")),
        el("p", { class: "muted" }, "Code: ", el("code", { "data-code": error?.code ?? "unknown" }, error?.code ?? "unknown")),
        el("div", { class: "sources" }, ...(again ? [again, retry] : [retry])));
    }
  });
}
