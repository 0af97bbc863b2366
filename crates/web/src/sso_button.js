// <gatehouse-sso-button>: a button that opens the white-label app for the portal's signed-in
// user. Attributes: `gatehouse` (the worker's URL; empty = this origin), `session` (a portal
// session token, for pages on another origin; or set the `session` / `sessionToken` property,
// read at the click), `target` (`_self` default, `_blank`). Its label is the element's content
// ("Open dashboard" when it has none). Style it from the host page with
// `gatehouse-sso-button::part(button)`. While the form goes out the button is busy (`aria-busy`,
// `aria-disabled`) and ignores further clicks: one SSO link per click.
// Events: `gatehouse-sso-start` (cancelable) before leaving, `gatehouse-sso-error` on failure.
export function defineSsoButton(start) {
  if (customElements.get("gatehouse-sso-button")) return;
  customElements.define("gatehouse-sso-button", class extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const button = document.createElement("button");
      button.type = "button";
      button.setAttribute("part", "button");
      const label = document.createElement("slot");
      label.textContent = "Open dashboard"; // the accessible name when the page gives none
      button.append(label);
      this.attachShadow({ mode: "open" }).append(button);
      const busy = (on) => {
        for (const a of ["aria-busy", "aria-disabled"]) on ? button.setAttribute(a, "true") : button.removeAttribute(a);
      };
      // Back to this page (the back button, or a new tab took the app): clickable again.
      addEventListener("pageshow", () => busy(false));
      button.addEventListener("click", () => {
        if (button.hasAttribute("aria-busy")) return;
        const go = new CustomEvent("gatehouse-sso-start", { bubbles: true, composed: true, cancelable: true });
        if (!this.dispatchEvent(go)) return;
        busy(true);
        try {
          start(this.getAttribute("gatehouse") ?? "", this.session ?? this.sessionToken ?? this.getAttribute("session") ?? "",
            this.getAttribute("target") ?? "_self");
          if (this.getAttribute("target") === "_blank") setTimeout(() => busy(false), 3000);
        } catch (error) {
          busy(false);
          this.dispatchEvent(new CustomEvent("gatehouse-sso-error", { bubbles: true, composed: true, detail: error }));
        }
      });
    }
  });
}
