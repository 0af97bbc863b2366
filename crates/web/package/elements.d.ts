// The custom elements `init()` registers, typed for TypeScript and for JSX: the DOM's tag-name map
// (`document.createElement("gatehouse-onboarding")` is a GatehouseOnboardingElement,
// `querySelector` too), event maps (`el.addEventListener("gatehouse-success", e =>
// e.detail.onboarding)`), and the global `JSX.IntrinsicElements` (Preact, Solid and other JSX
// runtimes that read the global namespace). React 19 keeps its JSX in the "react" module: see
// react.d.ts (`import type {} from "@gatehouse/web/react"`).
//
// Options are camelCase properties in script (`returnPage`, `sessionToken`, `fetchSession`) and
// kebab-case attributes in markup (`return-page`).
import type { ConnectionView, FieldProblem, OnboardingView } from "./gatehouse_web.js";

/** `redirect` (default): the page goes to the partner and comes back; `popup`: a popup, falling back to redirect when blocked. */
export type OnboardingMode = "redirect" | "popup";

/** An error as the elements report it: the worker's stable `code`, and what else is known. */
export interface GatehouseElementError {
  code: string;
  message?: string;
  status?: number;
  retryable?: boolean;
  requestId?: string | null;
}

/** `gatehouse-event`: one for every step of the flow. */
export type GatehouseStepDetail =
  | { name: "start"; source: string; type: string }
  | { name: "restart" | "authorize" | "popup_blocked"; onboarding: string }
  | { name: "popup_returned" }
  | { name: "returned"; onboarding: string | null; error: string | null }
  | { name: "status"; onboarding: OnboardingView }
  | { name: "error"; error: GatehouseElementError; retryInMs: number | null }
  | { name: "bound"; count: number };

/** `gatehouse-success`: the onboarding became active. */
export interface GatehouseSuccessDetail {
  onboarding: OnboardingView;
}

/** `gatehouse-exit`: the merchant is done, or the flow ended on an error. */
export type GatehouseExitDetail =
  | { reason: "done" }
  | { reason: "error"; error: GatehouseElementError; onboarding: string | null };

export interface GatehouseOnboardingEventMap extends HTMLElementEventMap {
  "gatehouse-event": CustomEvent<GatehouseStepDetail>;
  "gatehouse-success": CustomEvent<GatehouseSuccessDetail>;
  "gatehouse-exit": CustomEvent<GatehouseExitDetail>;
}

/** `<gatehouse-connect>`'s `gatehouse-event`: the form drawn, sent, refused by the partner (the fields it blamed), or another failure. */
export type GatehouseConnectStepDetail =
  | { name: "loaded"; template: string; connection: ConnectionView | null }
  | { name: "submit"; template: string; connection: string | null }
  | { name: "refused"; code: string; fields: string[] }
  | { name: "error"; error: GatehouseElementError & { fields?: FieldProblem[] } };

/** `<gatehouse-connect>`'s `gatehouse-success`: the partner accepted the values (created, or updated in update mode). */
export interface GatehouseConnectSuccessDetail {
  connection: ConnectionView;
}

/** `<gatehouse-connect>`'s `gatehouse-exit`: the form could not be drawn (no such template or connection, no session, …). */
export interface GatehouseConnectExitDetail {
  reason: "error";
  error: GatehouseElementError;
  connection: string | null;
}

/** `<gatehouse-connect>`'s events: the same names as `<gatehouse-onboarding>`'s, with its own details. */
export interface GatehouseConnectEventMap
  extends Omit<HTMLElementEventMap, "gatehouse-event" | "gatehouse-success" | "gatehouse-exit"> {
  "gatehouse-event": CustomEvent<GatehouseConnectStepDetail>;
  "gatehouse-success": CustomEvent<GatehouseConnectSuccessDetail>;
  "gatehouse-exit": CustomEvent<GatehouseConnectExitDetail>;
}

export interface GatehouseSsoButtonEventMap extends HTMLElementEventMap {
  /** Before the page leaves for the white-label app; `preventDefault()` cancels. */
  "gatehouse-sso-start": CustomEvent<null>;
  /** The form could not be submitted. */
  "gatehouse-sso-error": CustomEvent<GatehouseElementError>;
}

/** `{key: text}` overrides of the widget's visible strings; plurals as `{one, other, …}`. */
export type GatehouseStrings = Record<string, string | Partial<Record<"zero" | "one" | "two" | "few" | "many" | "other", string>>>;

/**
 * `<gatehouse-onboarding>`: connects a merchant's POS or delivery platform through the worker.
 * Every input is live: a new value takes effect when it is set. The attribute-backed properties
 * reflect (setting one sets its attribute; `null` removes it).
 */
export interface GatehouseOnboardingElement extends HTMLElement {
  /** The worker's URL (attribute `gatehouse`); empty on the worker's own origin. */
  get gatehouse(): string;
  set gatehouse(url: string | null | undefined);
  /** The portal session token your backend signed; a property keeps it out of the DOM (attribute `session` works too). */
  get session(): string;
  set session(token: string | null | undefined);
  /** The same as `session`. */
  get sessionToken(): string;
  set sessionToken(token: string | null | undefined);
  /** Asked for a fresh session (once per call) when the worker answers `session_expired`. */
  get fetchSession(): (() => Promise<string>) | null;
  set fetchSession(renew: (() => Promise<string>) | null | undefined);
  /** `id:type[:Label]` pairs, comma-separated (attribute `sources`). */
  get sources(): string;
  set sources(sources: string | null | undefined);
  /** Attribute `mode` (default `redirect`). */
  get mode(): OnboardingMode;
  set mode(mode: OnboardingMode | null | undefined);
  /** One of the worker's ONBOARDING_RETURN_PAGES (attribute `return-page`). */
  get returnPage(): string;
  set returnPage(page: string | null | undefined);
  /** `en` or `fr` (attribute `locale`; default: the nearest `lang`). */
  get locale(): string;
  set locale(locale: string | null | undefined);
  /** Overrides of any visible string. */
  get strings(): GatehouseStrings | null;
  set strings(strings: GatehouseStrings | null | undefined);
  addEventListener<K extends keyof GatehouseOnboardingEventMap>(type: K,
    listener: (this: GatehouseOnboardingElement, ev: GatehouseOnboardingEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof GatehouseOnboardingEventMap>(type: K,
    listener: (this: GatehouseOnboardingElement, ev: GatehouseOnboardingEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject,
    options?: boolean | EventListenerOptions): void;
}

/**
 * `<gatehouse-connect>`: a merchant connects its own partner account (a connection) with the
 * fields of the worker's template, or (with `connection`) enters them again in update mode.
 * Inputs are live, as `<gatehouse-onboarding>`'s; the attribute-backed properties reflect.
 */
export interface GatehouseConnectElement extends HTMLElement {
  /** The worker's URL (attribute `gatehouse`); empty on the worker's own origin. */
  get gatehouse(): string;
  set gatehouse(url: string | null | undefined);
  /** The portal session token (an owner's or an admin's to connect); attribute `session` works too. */
  get session(): string;
  set session(token: string | null | undefined);
  /** The same as `session`. */
  get sessionToken(): string;
  set sessionToken(token: string | null | undefined);
  /** Asked for a fresh session (once per call) when the worker answers `session_expired`. */
  get fetchSession(): (() => Promise<string>) | null;
  set fetchSession(renew: (() => Promise<string>) | null | undefined);
  /** The template's id (attribute `template`, one of `GET /api/connection-templates`). */
  get template(): string;
  set template(id: string | null | undefined);
  /** A connection's id (attribute `connection`): update mode. */
  get connection(): string;
  set connection(id: string | null | undefined);
  /** `en` or `fr` (attribute `locale`; default: the nearest `lang`). */
  get locale(): string;
  set locale(locale: string | null | undefined);
  /** Overrides of any visible string; a field's label and help as `label_<name>` / `help_<name>`. */
  get strings(): GatehouseStrings | null;
  set strings(strings: GatehouseStrings | null | undefined);
  addEventListener<K extends keyof GatehouseConnectEventMap>(type: K,
    listener: (this: GatehouseConnectElement, ev: GatehouseConnectEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof GatehouseConnectEventMap>(type: K,
    listener: (this: GatehouseConnectElement, ev: GatehouseConnectEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject,
    options?: boolean | EventListenerOptions): void;
}

/**
 * `<gatehouse-sso-button>`: opens the white-label app for the portal's signed-in user. The worker
 * and the target are the attributes `gatehouse` and `target`; the session is read at the click.
 */
export interface GatehouseSsoButtonElement extends HTMLElement {
  /** The portal session token (or the attribute `session`). */
  session?: string;
  /** The same as `session`. */
  sessionToken?: string;
  addEventListener<K extends keyof GatehouseSsoButtonEventMap>(type: K,
    listener: (this: GatehouseSsoButtonElement, ev: GatehouseSsoButtonEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof GatehouseSsoButtonEventMap>(type: K,
    listener: (this: GatehouseSsoButtonElement, ev: GatehouseSsoButtonEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject,
    options?: boolean | EventListenerOptions): void;
}

/** The attributes of `<gatehouse-onboarding>` in markup (kebab-case, strings). */
export interface GatehouseOnboardingAttributes {
  gatehouse?: string;
  session?: string;
  sources?: string;
  mode?: OnboardingMode;
  "return-page"?: string;
  locale?: string;
}

/** The attributes of `<gatehouse-connect>` in markup. */
export interface GatehouseConnectAttributes {
  gatehouse?: string;
  session?: string;
  template?: string;
  connection?: string;
  locale?: string;
}

/** The attributes of `<gatehouse-sso-button>` in markup. */
export interface GatehouseSsoButtonAttributes {
  gatehouse?: string;
  session?: string;
  target?: "_self" | "_blank";
}

declare global {
  interface HTMLElementTagNameMap {
    "gatehouse-onboarding": GatehouseOnboardingElement;
    "gatehouse-connect": GatehouseConnectElement;
    "gatehouse-sso-button": GatehouseSsoButtonElement;
  }
  // `gatehouse-event`, `-success` and `-exit` as `<gatehouse-onboarding>` sends them (the first
  // element, whose types these were): `<gatehouse-connect>`'s are on GatehouseConnectElement.
  interface HTMLElementEventMap {
    "gatehouse-event": CustomEvent<GatehouseStepDetail>;
    "gatehouse-success": CustomEvent<GatehouseSuccessDetail>;
    "gatehouse-exit": CustomEvent<GatehouseExitDetail>;
    "gatehouse-sso-start": CustomEvent<null>;
    "gatehouse-sso-error": CustomEvent<GatehouseElementError>;
  }
  namespace JSX {
    interface IntrinsicElements {
      "gatehouse-onboarding": GatehouseOnboardingAttributes & { [attribute: string]: unknown };
      "gatehouse-connect": GatehouseConnectAttributes & { [attribute: string]: unknown };
      "gatehouse-sso-button": GatehouseSsoButtonAttributes & { [attribute: string]: unknown };
    }
  }
}
