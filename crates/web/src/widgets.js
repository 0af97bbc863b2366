// The widgets: <gatehouse-onboarding> and, below it, <gatehouse-connect>. One module, so they share
// the styles, the helpers, the error sentences and one gzip dictionary (the package's size budget).
//
// <gatehouse-onboarding>: walks a merchant through connecting a POS or delivery platform:
// choose the source → authorize at the partner (full-page redirect, or a popup with
// blocked-popup fallback) → connecting → active → locations (bind DSP locations to POS ones).
// It talks only to the Gatehouse worker through the wasm client; no credential or token ever
// reaches it.
//
// Inputs, each an attribute and a property, live (a change takes effect at once, before or
// after the element is connected, even before it upgrades): `gatehouse` (worker URL; empty = this
// origin), `session` (portal session token for pages on another origin; property also
// `sessionToken`, never reflected into the DOM), `sources` (`square:pos,ubereats:dsp` —
// id:type[:Label] pairs), `mode` (`redirect` default, or `popup`), `return-page` / `returnPage`
// (one of the worker's ONBOARDING_RETURN_PAGES), `locale`. Properties only: `fetchSession`
// (called for a fresh session when the worker answers session_expired; the call is retried
// once) and `strings` (overrides of any visible string).
//
// Events (bubbling, composed): `gatehouse-event` {name, ...} for every step, `gatehouse-success`
// {onboarding}, `gatehouse-exit` {reason, error?}. Theme with CSS custom properties on the
// element: --gatehouse-accent, --gatehouse-bg, --gatehouse-fg, --gatehouse-muted,
// --gatehouse-error, --gatehouse-radius, --gatehouse-font; or style its parts (`::part(button)`,
// `::part(panel)`, …).
const CSS = `
:host { display: block; font: var(--gatehouse-font, inherit); color: var(--gatehouse-fg, #1d2433); }
[part=panel] { background: var(--gatehouse-bg, #fff); border-radius: var(--gatehouse-radius, 10px);
  padding-block: 1rem; padding-inline: 1.2rem; box-shadow: 0 1px 3px #0002; }
h3 { margin-block: 0 .6rem; margin-inline: 0; font-size: 1.1em; }
h3:focus { outline: none; }
p { margin-block: .4rem; margin-inline: 0; }
.muted { color: var(--gatehouse-muted, #5b6478); }
.error { color: var(--gatehouse-error, #b3261e); }
.steps { display: flex; gap: .4rem; margin-block: 0 .8rem; padding: 0; list-style: none; font-size: .85em; }
.steps li { padding-block: .15rem; padding-inline: .5rem; border-radius: 999px; background: #eef; }
.steps li[aria-current=step] { background: var(--gatehouse-accent, #1f5fbf); color: #fff; }
.sources { display: flex; flex-wrap: wrap; gap: .5rem; }
button { font: inherit; padding-block: .5em; padding-inline: 1em; border: 0; border-radius: calc(var(--gatehouse-radius, 10px) / 1.6);
  background: var(--gatehouse-accent, #1f5fbf); color: #fff; cursor: pointer; }
button.secondary { background: transparent; color: var(--gatehouse-accent, #1f5fbf); border: 1px solid currentColor; }
button:disabled { opacity: .6; cursor: default; }
table { border-collapse: collapse; inline-size: 100%; margin-block: .5rem; }
td, th { text-align: start; padding-block: .3rem; padding-inline: .4rem; border-block-end: 1px solid #eee; }
.spinner { display: inline-block; inline-size: .9em; block-size: .9em; border: 2px solid currentColor; border-inline-end-color: transparent;
  border-radius: 50%; animation: spin 1s linear infinite; vertical-align: -2px; margin-inline-end: .3em; }
@media (prefers-reduced-motion: reduce) { .spinner { animation: none; border-style: dotted; } }
@keyframes spin { to { transform: rotate(360deg); } }
[role=status]:empty { display: none; }
`;
const MESSAGE = "gatehouse-onboarding";
// The return page's parameters (core's return_location): the widget reads and removes only these.
const PARAMS = ["gatehouse_onboarding", "gatehouse_status", "gatehouse_error"];
// Inputs that are attributes too; `session` is never written back into the DOM.
const ATTRS = { gatehouse: "gatehouse", sources: "sources", mode: "mode", returnPage: "return-page", locale: "locale" };

// Every visible string, per language; `strings` overrides any of them. `{x}` is filled in;
// plurals are objects keyed by Intl.PluralRules categories. The `e_*` sentences are what a
// merchant reads for an error code (WHY maps each code to one); the code is shown beside it.
const EN = {
  region: "Connect a platform", progress: "Progress", steps: ["Choose", "Authorize", "Connect", "Locations"],
  choose: "Connect a platform", chooseHint: "Choose the system you use. You will authorize the connection at its site.",
  source: "{label} ({type})", preparing: "Preparing the authorization…", preparingAgain: "Preparing a new authorization…",
  redirecting: "Taking you to authorize…", connecting: "Connecting", inPopup: "Finish the authorization in the window that opened…",
  waiting: "Waiting for the platform…", connected: "Connected", loading: "Loading locations…", connectedTo: "Connected: {name}",
  pos: { one: "{n} POS location", other: "{n} POS locations" }, dsp: { one: "{n} delivery location", other: "{n} delivery locations" },
  counts: "{pos} and {dsp}.", bindHint: "Connect both a POS and a delivery platform to bind their locations.",
  dspColumn: "Delivery location", posColumn: "POS location", notBound: "— not bound —", bindLabel: "POS location for {name}",
  save: "Save bindings", saved: "Bindings saved.", another: "Connect another", failed: "Could not connect",
  expired: "The authorization link expired", retry: "Try again", restart: "Start again", code: "Code:", reference: "Reference:",
  e_session: "Your session has ended. Reload the page to sign in again.",
  e_role: "Your account may not connect platforms. Ask an owner or an admin of your organization.",
  e_busy: "The platform is not answering right now. Please try again in a moment.",
  e_later: "Too many attempts. Please wait a minute, then try again.",
  e_setup: "This page is not set up to connect platforms yet. Please contact support.",
  e_partner: "The platform refused the connection. Please try again, or contact support if it keeps happening.",
  e_gone: "This connection no longer exists. Start again to connect the platform.",
  e_state: "This connection cannot be changed right now. Reload the page and try again.",
  e_location: "That location cannot be used here. Reload the locations and try again.",
  e_expired: "Start again to get a new link for the same platform.",
  e_denied: "The authorization was declined or did not finish.",
  e_browser: "The authorization was finished in another browser or by another user. Start again here.",
  e_revoked: "This connection was revoked.",
  e_network: "Could not reach the connection service. Check your internet connection and try again.",
  e_other: "Something went wrong. Please try again.",
  // <gatehouse-connect>
  c_region: "Connect an account", c_loading: "Loading…",
  c_create: "Connect {label}", c_update: "Update {label}",
  c_createHint: "Enter the details {label} gave you. {label} checks them before they are saved.",
  c_updateHint: "Enter the details again. The current ones work until {label} accepts the new ones.",
  c_reauth: "{label} no longer accepts the saved details. Enter them again.",
  c_connect: "Connect", c_save: "Save", c_verifying: "Checking with {label}…",
  c_connected: "{label} connected", c_updated: "{label} updated", c_active: "The connection is active.",
  c_change: "Change details", c_failed: "Could not load the form",
  c_refused: "{label} refused these details. Check the marked fields and type the password again.",
  c_fix: "Some fields need attention.",
  f_required: "Required.", f_invalid: "This value is not valid.", f_too_long: "This value is too long.",
  f_invalid_credentials: "Not accepted by {label}.", f_invalid_tenant: "{label} does not know this one.",
};
const FR = {
  region: "Connecter une plateforme", progress: "Progression", steps: ["Choisir", "Autoriser", "Connecter", "Emplacements"],
  choose: "Connecter une plateforme", chooseHint: "Choisissez le système que vous utilisez. Vous autoriserez la connexion sur son site.",
  source: "{label} ({type})", preparing: "Préparation de l’autorisation…", preparingAgain: "Préparation d’une nouvelle autorisation…",
  redirecting: "Redirection vers l’autorisation…", connecting: "Connexion", inPopup: "Terminez l’autorisation dans la fenêtre ouverte…",
  waiting: "En attente de la plateforme…", connected: "Connecté", loading: "Chargement des emplacements…", connectedTo: "Connecté : {name}",
  pos: { one: "{n} emplacement de caisse", other: "{n} emplacements de caisse" }, dsp: { one: "{n} emplacement de livraison", other: "{n} emplacements de livraison" },
  counts: "{pos} et {dsp}.", bindHint: "Connectez une caisse et une plateforme de livraison pour associer leurs emplacements.",
  dspColumn: "Emplacement de livraison", posColumn: "Emplacement de caisse", notBound: "— non associé —", bindLabel: "Emplacement de caisse pour {name}",
  save: "Enregistrer les associations", saved: "Associations enregistrées.", another: "Connecter une autre plateforme", failed: "Connexion impossible",
  expired: "Le lien d’autorisation a expiré", retry: "Réessayer", restart: "Recommencer", code: "Code :", reference: "Référence :",
  e_session: "Votre session a pris fin. Rechargez la page pour vous reconnecter.",
  e_role: "Votre compte ne peut pas connecter de plateformes. Demandez à un propriétaire ou à un administrateur de votre organisation.",
  e_busy: "La plateforme ne répond pas pour le moment. Réessayez dans un instant.",
  e_later: "Trop de tentatives. Patientez une minute, puis réessayez.",
  e_setup: "Cette page n’est pas encore configurée pour connecter des plateformes. Contactez le support.",
  e_partner: "La plateforme a refusé la connexion. Réessayez, ou contactez le support si cela se reproduit.",
  e_gone: "Cette connexion n’existe plus. Recommencez pour connecter la plateforme.",
  e_state: "Cette connexion ne peut pas être modifiée pour le moment. Rechargez la page et réessayez.",
  e_location: "Cet emplacement ne peut pas être utilisé ici. Rechargez les emplacements et réessayez.",
  e_expired: "Recommencez pour obtenir un nouveau lien pour la même plateforme.",
  e_denied: "L’autorisation a été refusée ou n’a pas abouti.",
  e_browser: "L’autorisation a été terminée dans un autre navigateur ou par un autre utilisateur. Recommencez ici.",
  e_revoked: "Cette connexion a été révoquée.",
  e_network: "Impossible de joindre le service de connexion. Vérifiez votre connexion internet et réessayez.",
  e_other: "Une erreur s’est produite. Réessayez.",
  // <gatehouse-connect>
  c_region: "Connecter un compte", c_loading: "Chargement…",
  c_create: "Connecter {label}", c_update: "Mettre à jour {label}",
  c_createHint: "Saisissez les informations fournies par {label}. {label} les vérifie avant leur enregistrement.",
  c_updateHint: "Saisissez de nouveau les informations. Les actuelles servent tant que {label} n’a pas accepté les nouvelles.",
  c_reauth: "{label} n’accepte plus les informations enregistrées. Saisissez-les de nouveau.",
  c_connect: "Connecter", c_save: "Enregistrer", c_verifying: "Vérification auprès de {label}…",
  c_connected: "{label} connecté", c_updated: "{label} mis à jour", c_active: "La connexion est active.",
  c_change: "Modifier les informations", c_failed: "Impossible de charger le formulaire",
  c_refused: "{label} a refusé ces informations. Vérifiez les champs signalés et saisissez de nouveau le mot de passe.",
  c_fix: "Certains champs sont à corriger.",
  f_required: "Obligatoire.", f_invalid: "Cette valeur n’est pas valide.", f_too_long: "Cette valeur est trop longue.",
  f_invalid_credentials: "Refusé par {label}.", f_invalid_tenant: "{label} ne connaît pas cette valeur.",
};
const BUNDLES = { en: EN, fr: FR };
// Every code the widget may meet — the worker's ErrorCode table (types.d.ts), the return page's
// `gatehouse_error` values, the client's and its own — mapped to one of the sentences above
// (<gatehouse-connect> uses them too).
const WHY = Object.fromEntries(Object.entries({
  session: "session_required session_expired invalid_session unauthorized",
  role: "forbidden_role forbidden_org forbidden_user",
  busy: "partner_unavailable storage_unavailable internal complete_failed",
  later: "rate_limited",
  setup: "unknown_template organization_required invalid_fields misconfigured origin_not_allowed return_page_not_allowed browser_not_allowed proxy_path_not_allowed unknown_credential not_found method_not_allowed invalid_request invalid_id invalid_source invalid_type invalid_token_name invalid_scopes payload_too_large unsupported_media_type unexpected_response token_not_found insufficient_scope forbidden_target unknown_key invalid_key",
  partner: "partner_rejected partner_redirected partner_rejected_token needs_reauth conflict org_not_found invalid_credentials invalid_tenant",
  gone: "onboarding_not_found onboarding_not_restartable unknown_connection",
  state: "invalid_state",
  location: "invalid_location location_org_mismatch location_not_found",
  expired: "state_expired invalid_ticket",
  denied: "access_denied authorization_failed invalid_code missing_code",
  browser: "flow_not_started_here flow_of_another_user foreign_state state_already_used",
  revoked: "revoked",
  network: "network_error",
}).flatMap(([why, codes]) => codes.split(" ").map((c) => [c, why])));
const SESSION_CODES = ["session_required", "session_expired", "invalid_session"];

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "on") for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}
const spinner = () => el("span", { class: "spinner", "aria-hidden": "true" });
// For support: an error's code and, when the worker answered, its request id, in `host`'s language.
const support = (host, code, requestId) => el("p", { class: "muted" }, host.t("code"), " ", el("code", { "data-code": code }, code),
  ...(requestId ? [" · ", host.t("reference"), " ", el("code", { "data-request-id": "" }, requestId)] : []));

// What both widgets take from the page, in one place: the session (renewed through
// `fetchSession`), `strings`, the client made from them and the worker's URL; their events; the
// properties set before the upgrade. Made when the elements are defined (there is no HTMLElement
// to extend off the browser). Subclasses have `gatehouse` and `locale` properties (reflect()),
// and `changed()` (an input arrived: carry on with what waited for it).
function inputs(makeClient) {
  return class extends HTMLElement {
    #session = "";
    #fetchSession = null;
    #strings = null;
    #client = null;
    #view = null; // re-draws the current state (after a change of language or strings)

    get session() { return this.#session; }
    set session(v) {
      this.#session = v ?? "";
      if (this.#client) this.#client.session = this.#session;
      this.changed();
    }
    get sessionToken() { return this.session; }
    set sessionToken(v) { this.session = v; }
    get fetchSession() { return this.#fetchSession; }
    set fetchSession(f) {
      this.#fetchSession = typeof f === "function" ? f : null;
      if (this.#client) this.#client.fetchSession = this.#renew();
    }
    get strings() { return this.#strings; }
    set strings(s) { this.#strings = s ?? null; this.redraw(); }

    // A worker on another origin is reached with a session only (its cookie is not sent).
    needsSession() {
      const base = this.gatehouse;
      return !this.#session && !!base && new URL(base, location.href).origin !== location.origin;
    }

    #renew() {
      const f = this.#fetchSession;
      return f ? async () => (this.#session = await f()) : null;
    }

    client() {
      if (!this.#client) {
        this.#client = makeClient(this.gatehouse, this.#session);
        this.#client.fetchSession = this.#renew();
      }
      return this.#client;
    }

    // Another worker: the next call makes a new client.
    dropClient() {
      this.#client?.free();
      this.#client = null;
    }

    // A visible string in the element's language (`strings` first): `{x}` filled in from
    // `vars`, plurals (objects keyed by Intl.PluralRules categories) chosen by `vars.n`.
    t(key, vars = {}) {
      const lang = (this.locale || this.closest("[lang]")?.lang || "en").toLowerCase().split("-")[0];
      const bundle = BUNDLES[lang] ?? EN;
      let s = this.strings?.[key] ?? bundle[key] ?? EN[key];
      if (typeof s === "object" && !Array.isArray(s)) {
        let rules;
        try { rules = new Intl.PluralRules(this.locale || lang); } catch { rules = new Intl.PluralRules("en"); }
        s = s[rules.select(vars.n)] ?? s.other;
      }
      return typeof s === "string" ? s.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? "") : s;
    }

    emit(kind, detail) {
      this.dispatchEvent(new CustomEvent(`gatehouse-${kind}`, { bubbles: true, composed: true, detail }));
    }

    // Shows a state: `view` draws it (again on a change of language or strings); the heading gets
    // the focus unless `focus` is false (drawn without the merchant doing anything) or a
    // function answering the element to focus instead.
    show(view, focus = true) {
      this.#view = view;
      view();
      if (focus && this.isConnected) (focus === true ? this.panel.querySelector("h3") : focus())?.focus();
    }

    redraw() { this.#view?.(); }

    announce(text) { this.status.textContent = text; }

    // The shadow tree: `css` as a constructable stylesheet, the panel (a named region) and the
    // one status line.
    mount(css) {
      const root = this.attachShadow({ mode: "open" });
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
      this.panel = el("div", { part: "panel", role: "region" });
      this.status = el("p", { part: "status", role: "status", class: "muted" });
      root.append(this.panel);
    }

    // Properties set before the element upgraded are own properties hiding the accessors.
    upgrade(attrs) {
      for (const p of ["session", "sessionToken", "fetchSession", "strings", ...Object.keys(attrs)]) {
        if (Object.hasOwn(this, p)) {
          const v = this[p];
          delete this[p];
          this[p] = v;
        }
      }
    }
  };
}

// The inputs that are attributes, as properties: read from the attribute (`defaults` when it is
// absent, else ""), reflected (setting the property sets the attribute; null removes it).
function reflect(cls, attrs, defaults = {}) {
  for (const [prop, attr] of Object.entries(attrs)) {
    Object.defineProperty(cls.prototype, prop, {
      configurable: true,
      get() { return this.getAttribute(attr) ?? defaults[prop] ?? ""; },
      set(v) { v === null || v === undefined ? this.removeAttribute(attr) : this.setAttribute(attr, v); },
    });
  }
}

function defineOnboardingWidget(Inputs) {
  // The page the merchant comes back to in popup mode: tell the opener (same origin only) and close.
  const params = new URLSearchParams(location.search);
  if (window.opener && params.has("gatehouse_onboarding")) {
    window.opener.postMessage({ type: MESSAGE, onboarding: params.get("gatehouse_onboarding"), status: params.get("gatehouse_status"), error: params.get("gatehouse_error") }, location.origin);
    window.close();
  }
  if (customElements.get("gatehouse-onboarding")) return;

  class GatehouseOnboarding extends Inputs {
    static observedAttributes = ["session", ...Object.values(ATTRS)];
    #pending = null; // what to do once the inputs change (a session arrives)
    #watching = null; // the onboarding id being watched

    // ---- inputs (the session, fetchSession and strings: Inputs) ----
    attributeChangedCallback(name, old, value) {
      if (old === value) return;
      if (name === "session") return void (this.session = value);
      if (name === "gatehouse") {
        // Another worker: a new client, and the watch (if any) carries on against it.
        this.dropClient();
        if (this.#watching && this.isConnected) this.#watch(this.#watching);
      }
      if (name === "sources" && this.dataset.state === "choose") this.choose();
      else if (name === "locale") this.redraw();
      this.changed();
    }

    // A session (or another input) arrived: carry on with what waited for it.
    changed() {
      const pending = this.#pending;
      if (pending && this.isConnected && !this.needsSession()) {
        this.#pending = null;
        pending();
      }
    }


    // ---- lifecycle ----
    connectedCallback() {
      this.upgrade(ATTRS);
      this.onMessage ??= (e) => {
        if (e.origin !== location.origin || e.source !== this.popup || e.data?.type !== MESSAGE) return;
        this.emit("event", { name: "popup_returned" });
        this.watcher?.refresh();
      };
      window.addEventListener("message", this.onMessage);
      if (this.shadowRoot) {
        // Moved (disconnected, then connected again): carry on where it was.
        if (this.#watching) this.#watch(this.#watching);
        this.changed();
        return;
      }
      this.mount(CSS);
      // Back from a full-page redirect: the worker sent only the onboarding id and an outcome.
      const url = new URL(location.href);
      const p = url.searchParams;
      if (PARAMS.some((k) => p.has(k))) {
        const id = p.get("gatehouse_onboarding");
        const error = p.get("gatehouse_error");
        // Only the widget's own parameters go; the page's query and hash stay.
        for (const k of PARAMS) p.delete(k);
        history.replaceState(history.state, "", url);
        this.emit("event", { name: "returned", onboarding: id, error });
        if (error && error !== "access_denied") return this.fail({ code: error }, id);
        if (id) return this.#when(() => this.connecting(id));
      }
      this.choose(false);
    }

    disconnectedCallback() {
      this.watcher?.stop();
      this.watcher = null;
      window.removeEventListener("message", this.onMessage);
    }

    // Runs `go` now, or once a session arrives when the worker can only be reached with one.
    #when(go) {
      if (this.needsSession()) {
        this.#pending = go;
        this.show(() => this.render(2, "connecting", this.t("connecting"), el("p", {}, spinner(), this.t("waiting"))));
      } else go();
    }

    render(step, state, title, ...body) {
      this.dataset.state = state;
      this.panel.setAttribute("aria-label", this.t("region"));
      const steps = el("ol", { class: "steps", part: "steps", "aria-label": this.t("progress") },
        ...this.t("steps").map((s, i) => el("li", { "aria-current": i === step ? "step" : null }, s)));
      const heading = el("h3", { part: "heading", tabindex: "-1", class: state === "error" ? "error" : null }, title);
      this.panel.replaceChildren(steps, heading, ...body, this.status);
    }


    choose(focus = true) {
      this.#pending = null;
      const sources = this.sources.split(",").map((s) => s.trim()).filter(Boolean)
        .map((s) => { const [id, type, label] = s.split(":"); return { id, type: type ?? "pos", label: label ?? id }; });
      this.announce("");
      this.show(() => this.render(0, "choose", this.t("choose"),
        el("p", { class: "muted" }, this.t("chooseHint")),
        el("div", { class: "sources" }, ...sources.map((s) => el("button", {
          part: "button", type: "button", "data-source": s.id, on: { click: () => this.start(s) },
        }, this.t("source", { label: s.label, type: s.type.toUpperCase() }))))), focus);
    }

    // In the click itself: a popup opens now (browsers block one opened after an await) on a
    // blank page, and goes to the authorization once the worker answered with its link.
    start(source) {
      const popup = this.mode === "popup" ? window.open("", MESSAGE, "popup,width=520,height=680") : null;
      this.emit("event", { name: "start", source: source.id, type: source.type });
      this.authorize(this.t("preparing"), popup,
        () => this.client().startOnboarding(source.id, source.type, this.returnPage || undefined));
    }

    // An authorization link that expired before the merchant came back: the same platform and
    // type again, in one click (what Stripe's account links do with refresh_url).
    restart(previousId) {
      const popup = this.mode === "popup" ? window.open("", MESSAGE, "popup,width=520,height=680") : null;
      this.emit("event", { name: "restart", onboarding: previousId });
      this.authorize(this.t("preparingAgain"), popup,
        () => this.client().restartOnboarding(previousId, this.returnPage || undefined));
    }

    async authorize(text, popup, call) {
      this.show(() => this.render(1, "authorizing", this.t("steps")[1], el("p", {}, spinner(), text)));
      this.announce(text);
      let started;
      try {
        started = await call();
      } catch (error) {
        popup?.close();
        return this.fail(error);
      }
      const id = started.onboarding.id;
      this.emit("event", { name: "authorize", onboarding: id });
      if (this.mode === "popup") {
        if (popup && !popup.closed) {
          this.popup = popup;
          popup.location.href = started.entry_url;
          return this.connecting(id, true);
        }
        this.emit("event", { name: "popup_blocked", onboarding: id });
      }
      this.show(() => this.render(1, "redirecting", this.t("steps")[1], el("p", {}, spinner(), this.t("redirecting"))));
      location.assign(started.entry_url);
    }

    connecting(id, inPopup = false) {
      const text = () => this.t(inPopup ? "inPopup" : "waiting");
      this.show(() => this.render(2, "connecting", this.t("connecting"), el("p", {}, spinner(), text())));
      this.announce(text());
      this.#watch(id);
    }

    #watch(id) {
      this.watcher?.stop();
      this.#watching = id;
      this.watcher = this.client().watchOnboarding(id, (u) => {
        if (u.type === "error") {
          this.emit("event", { name: "error", error: u.error, retryInMs: u.retryInMs });
          if (u.retryInMs === null) this.fail(u.error, id, () => this.connecting(id));
          return;
        }
        const o = u.onboarding;
        this.emit("event", { name: "status", onboarding: o });
        if (!u.terminal) return; // still pending: the watch goes on
        this.#watching = null;
        if (o.status === "active") this.active(o);
        else this.fail({ code: o.status === "revoked" ? "revoked" : "authorization_failed" }, id);
      });
    }

    async active(onboarding) {
      this.emit("success", { onboarding });
      this.show(() => this.render(3, "active", this.t("connected"), el("p", {}, spinner(), this.t("loading"))));
      this.announce(this.t("loading"));
      try {
        const all = (await this.client().organizationLocations()).locations;
        this.locations(onboarding, all);
      } catch (error) {
        this.fail(error, onboarding.id, () => this.active(onboarding));
      }
    }

    locations(onboarding, all, focus = true) {
      // A partner may leave out a location's type or name: the type then comes from the
      // onboarding that provisioned it, the label from its external id or id.
      const kind = (l) => l.type ?? (l.onboarding_id === onboarding.id ? onboarding.type : undefined);
      const label = (l) => l.name ?? l.external_id ?? l._id;
      const pos = all.filter((l) => kind(l) === "pos");
      const dsp = all.filter((l) => kind(l) === "dsp");
      const save = async (bind) => {
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
          for (const [id, bindings] of byOnboarding) await this.client().bindLocations(id, bindings);
          this.emit("event", { name: "bound", count: [...byOnboarding.values()].flat().length });
          this.locations(onboarding, (await this.client().organizationLocations()).locations, false);
          this.announce(this.t("saved"));
        } catch (error) {
          this.fail(error, onboarding.id);
        }
      };
      this.show(() => {
        const rows = dsp.map((d) => {
          const select = el("select", { part: "select", "data-dsp": d._id, "aria-label": this.t("bindLabel", { name: label(d) }) },
            el("option", { value: "" }, this.t("notBound")),
            ...pos.map((p) => el("option", { value: p._id, selected: d.bound_pos_location_id === p._id ? "" : null }, label(p))));
          return el("tr", {}, el("td", {}, label(d)), el("td", {}, select));
        });
        const bind = el("button", { part: "button", type: "button", on: { click: () => save(bind) } }, this.t("save"));
        const done = el("button", { part: "button secondary", class: "secondary", type: "button",
          on: { click: () => { this.emit("exit", { reason: "done" }); this.choose(); } } }, this.t("another"));
        const both = dsp.length && pos.length;
        this.render(3, "locations", this.t("connectedTo", { name: onboarding.source ?? onboarding.type }),
          el("p", { class: "muted" }, this.t("counts", { pos: this.t("pos", { n: pos.length }), dsp: this.t("dsp", { n: dsp.length }) })),
          both
            ? el("table", { part: "table" }, el("thead", {}, el("tr", {}, el("th", {}, this.t("dspColumn")), el("th", {}, this.t("posColumn")))), el("tbody", {}, ...rows))
            : el("p", { class: "muted" }, this.t("bindHint")),
          el("div", { class: "sources" }, ...(both ? [bind] : []), done));
      }, focus);
    }

    // An error: a sentence for the merchant per code (never the worker's developer message),
    // the code and request id for support. `retry`: what to do again once the session changes,
    // when the error was the session's.
    fail(error, id, retry) {
      this.watcher?.stop();
      this.#watching = null;
      this.#pending = retry && SESSION_CODES.includes(error?.code) ? retry : null;
      this.emit("exit", { reason: "error", error, onboarding: id ?? null });
      const code = error?.code ?? "unknown";
      const expired = id && (code === "state_expired" || code === "invalid_ticket");
      this.announce("");
      this.show(() => {
        const retryButton = el("button", { part: "button", type: "button", on: { click: () => this.choose() } }, this.t("retry"));
        const again = expired
          ? el("button", { part: "button", type: "button", "data-action": "restart", on: { click: () => this.restart(id) } }, this.t("restart"))
          : null;
        this.render(0, "error", this.t(expired ? "expired" : "failed"),
          el("p", { "data-sentence": WHY[code] ?? "other" }, this.t(`e_${WHY[code] ?? "other"}`)),
          support(this, code, error?.requestId),
          el("div", { class: "sources" }, ...(again ? [again, retryButton] : [retryButton])));
      });
    }
  }
  reflect(GatehouseOnboarding, ATTRS, { sources: "square:pos,ubereats:dsp", mode: "redirect" });
  customElements.define("gatehouse-onboarding", GatehouseOnboarding);
}

// <gatehouse-connect>: a merchant connects its own partner account (a *connection*,
// docs/connections.md) by typing what the partner gave it — an organisation code, a service
// account, a password. The form is drawn from the worker's template (GET /api/connection-templates),
// so a new template needs no new package; the values go straight to the worker, which checks
// them with the partner before it keeps anything. With `connection="con_…"` it is in update mode
// (PUT: every field again, the old values serving until the partner accepted the new ones).
//
// Values never persist in the page: nothing is written to storage, the inputs are emptied when
// the form is sent and when the element leaves the page. After a refusal the secret fields stay
// empty and the text ones (an organisation code, a user name) are given back, so a typo is fixed
// without typing everything again; after a success the form is gone.
//
// Inputs, as <gatehouse-onboarding>'s (live, attribute and property): `gatehouse`, `session` /
// `sessionToken` (property only for the latter; never reflected), `template`, `connection`,
// `locale`; properties `fetchSession` and `strings` (the `c_*`, `f_*` and `e_*` keys of `EN`; a field's label and help by `label_<name>` / `help_<name>`).
// Events (bubbling, composed): `gatehouse-event` {name: loaded | submit | refused | error, …},
// `gatehouse-success` {connection}, `gatehouse-exit` {reason: "error", error, connection}.

const CONNECT_CSS = `
label { display: block; font-weight: 600; margin-block: .8rem .2rem; }
input { font: inherit; box-sizing: border-box; inline-size: 100%; padding-block: .45em; padding-inline: .6em;
  border: 1px solid #7a8399; border-radius: calc(var(--gatehouse-radius, 10px) / 1.6); }
input[aria-invalid=true] { border-color: var(--gatehouse-error, #b3261e); border-width: 2px; }
.small { margin-block: .25rem 0; font-size: .9em; }
form button { margin-block-start: 1rem; }
`;
const CONNECT_ATTRS = { gatehouse: "gatehouse", template: "template", connection: "connection", locale: "locale" };

function defineConnectWidget(Inputs) {
  if (customElements.get("gatehouse-connect")) return;

  class GatehouseConnect extends Inputs {
    static observedAttributes = ["session", ...Object.values(CONNECT_ATTRS)];
    #pending = false; // loading waits for a session
    #loading = null; // the load in flight (a later one wins)
    #template = null;

    // The session, fetchSession and strings: Inputs. A session arrived: load what waited for it.
    changed() {
      if (this.#pending && this.isConnected && !this.needsSession()) this.load(false);
    }

    attributeChangedCallback(name, old, value) {
      if (old === value) return;
      if (name === "session") return void (this.session = value);
      if (name === "locale") return void this.redraw();
      if (name === "gatehouse") this.dropClient();
      // The focus moves with the new form only when it was in the element (a click in it).
      if (this.panel && this.isConnected) this.load(!!this.shadowRoot.activeElement);
    }

    // `{label}`: the template's.
    t(key, vars) { return super.t(key, { label: this.#template?.label, ...vars }); }

    connectedCallback() {
      this.upgrade(CONNECT_ATTRS);
      if (this.panel) return void (this.#pending && this.load(false));
      this.mount(CSS + CONNECT_CSS);
      this.load(false);
    }

    // Leaving the page: whatever was typed goes with nothing kept.
    disconnectedCallback() {
      for (const i of this.panel?.querySelectorAll("input") ?? []) i.value = "";
    }

    render(state, title, ...body) {
      this.dataset.state = state;
      this.dataset.mode = this.connection ? "update" : "create";
      this.panel.setAttribute("aria-label", this.#template ? title : this.t("c_region"));
      const heading = el("h3", { part: "heading", tabindex: "-1", class: state === "error" ? "error" : null }, title);
      this.status.className = "muted";
      this.panel.replaceChildren(heading, ...body, this.status);
    }

    // The connection (update mode) and the template's fields, from the worker.
    async load(focus = true) {
      const token = (this.#loading = {});
      this.#pending = false;
      this.#template = null;
      this.announce("");
      this.show(() => this.render("loading", this.t("c_region"), el("p", {}, spinner(), this.t("c_loading"))), focus);
      if (this.needsSession()) return void (this.#pending = true);
      try {
        const client = this.client();
        const current = this.connection ? await client.getConnection(this.connection) : null;
        const id = current?.template ?? this.template;
        const template = (await client.connectionTemplates()).templates.find((t) => t.id === id);
        if (this.#loading !== token) return;
        if (!template) throw { code: "unknown_template" };
        this.#template = template;
        this.emit("event", { name: "loaded", template: id, connection: current });
        this.form({ keep: current?.fields ?? {}, reauth: current?.status === "needs_reauth" }, focus);
      } catch (error) {
        if (this.#loading === token) this.fail(error);
      }
    }

    // The form; `keep`: text values to put back; `error`: the refusal or failure of the last send,
    // said in the status line above the fields (each refused field marked and described too).
    form({ keep = {}, error = null, reauth = false }, focus = true) {
      const update = !!this.connection;
      const problems = new Map((error?.fields ?? []).map((p) => [p.field, p]));
      const code = error?.code;
      let values = null; // the first drawing puts back `keep`; a re-drawing keeps what is typed
      this.show(() => {
        values = values ? Object.fromEntries([...this.panel.querySelectorAll("input")].map((i) => [i.name, i.value])) : keep;
        const rows = this.#template.fields.map((f, n) => {
          const id = `f${n}`;
          const problem = problems.get(f.name);
          const help = this.t(`help_${f.name}`) ?? f.help;
          const input = el("input", {
            id, name: f.name, part: "input", type: f.kind === "secret" ? "password" : "text", autocomplete: "off",
            spellcheck: "false", autocapitalize: "off", required: "", "aria-invalid": problem ? "true" : null,
            "aria-describedby": [problem && `${id}-error`, help && `${id}-help`].filter(Boolean).join(" ") || null,
          });
          input.value = values[f.name] ?? "";
          return el("div", { part: "field", "data-field": f.name },
            el("label", { for: id, part: "label" }, this.t(`label_${f.name}`) ?? f.label), input,
            problem ? el("p", { id: `${id}-error`, part: "field-error", class: "error small" },
              this.t(`f_${problem.code}`) ?? problem.message) : "",
            help ? el("p", { id: `${id}-help`, part: "help", class: "muted small" }, help) : "");
        });
        const form = el("form", { part: "form", novalidate: "", on: { submit: (e) => { e.preventDefault(); this.submit(); } } },
          ...rows, el("button", { part: "button", type: "submit" }, this.t(update ? "c_save" : "c_connect")));
        this.render(problems.size ? "refused" : "form", this.t(update ? "c_update" : "c_create"),
          el("p", { class: "muted" }, this.t(reauth ? "c_reauth" : update ? "c_updateHint" : "c_createHint")), form);
        // The status line above the fields; when the failure is not the fields' fault (the partner
        // is down, a session ended), the code and request id for support beside it.
        form.before(this.status, ...(!code || problems.size ? [] : [support(this, code, error.requestId)]));
        if (!code) return;
        this.status.className = "error";
        this.announce(problems.size ? this.t(code === "invalid_fields" ? "c_fix" : "c_refused") : this.t(`e_${WHY[code] ?? "other"}`));
      }, problems.size ? () => this.panel.querySelector("[aria-invalid]") : focus);
    }

    async submit() {
      if (this.dataset.state === "verifying") return;
      const template = this.#template;
      const id = this.connection;
      const fields = {};
      const keep = {};
      for (const i of this.panel.querySelectorAll("input")) {
        fields[i.name] = i.value;
        if (i.type !== "password") keep[i.name] = i.value;
        i.value = ""; // nothing typed stays in the page while the worker checks it
        i.disabled = true;
      }
      this.panel.querySelector("button").disabled = true;
      this.dataset.state = "verifying";
      this.announce(this.t("c_verifying"));
      this.emit("event", { name: "submit", template: template.id, connection: id || null });
      try {
        const client = this.client();
        const view = await (id ? client.updateConnection(id, fields) : client.createConnection(template.id, fields));
        this.emit("success", { connection: view });
        this.active(view, !!id);
      } catch (error) {
        this.emit("event", error?.fields?.length
          ? { name: "refused", code: error.code, fields: error.fields.map((p) => p.field) }
          : { name: "error", error });
        this.form({ keep, error });
      }
    }

    active(view, updated) {
      this.announce("");
      const title = () => this.t(updated ? "c_updated" : "c_connected");
      this.show(() => this.render("active", title(),
        el("p", {}, this.t("c_active")),
        el("button", { part: "button secondary", class: "secondary", type: "button", on: {
          click: () => (this.connection === view.id ? this.load() : (this.connection = view.id)),
        } }, this.t("c_change"))));
    }

    // The form could not be drawn: a sentence for the merchant, the code and request id for support.
    fail(error) {
      const code = error?.code ?? "unknown";
      this.emit("exit", { reason: "error", error, connection: this.connection || null });
      this.announce("");
      this.show(() => this.render("error", this.t("c_failed"),
        el("p", { "data-sentence": WHY[code] ?? "other" }, this.t(`e_${WHY[code] ?? "other"}`)),
        support(this, code, error?.requestId),
        el("button", { part: "button", type: "button", on: { click: () => this.load() } }, this.t("retry"))));
    }
  }
  reflect(GatehouseConnect, CONNECT_ATTRS);
  customElements.define("gatehouse-connect", GatehouseConnect);
}

/** Registers <gatehouse-onboarding> and <gatehouse-connect> (idempotent). */
export function defineWidgets(makeClient) {
  const Inputs = inputs(makeClient);
  defineOnboardingWidget(Inputs);
  defineConnectWidget(Inputs);
}
