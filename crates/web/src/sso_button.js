// <gatehouse-sso-button>: a button that opens the white-label app for the portal's signed-in
// user. Attributes: `gatehouse` (the worker's URL; empty = this origin), `session` (a portal
// session token, for pages on another origin; or set the `sessionToken` property), `target`
// (`_self` default, `_blank`). Style it from the host page with `gatehouse-sso-button::part(button)`.
// Events: `gatehouse-sso-start` (cancelable) before leaving, `gatehouse-sso-error` on failure.
export function defineSsoButton(start) {
  if (customElements.get("gatehouse-sso-button")) return;
  customElements.define("gatehouse-sso-button", class extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const button = document.createElement("button");
      button.type = "button";
      button.setAttribute("part", "button");
      button.append(document.createElement("slot"));
      this.attachShadow({ mode: "open" }).append(button);
      button.addEventListener("click", () => {
        const go = new CustomEvent("gatehouse-sso-start", { bubbles: true, composed: true, cancelable: true });
        if (!this.dispatchEvent(go)) return;
        try {
          start(this.getAttribute("gatehouse") ?? "", this.sessionToken ?? this.getAttribute("session") ?? "",
            this.getAttribute("target") ?? "_self");
        } catch (error) {
          this.dispatchEvent(new CustomEvent("gatehouse-sso-error", { bubbles: true, composed: true, detail: error }));
        }
      });
    }
  });
}
