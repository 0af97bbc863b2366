// @gatehouse/server: Gatehouse for the partner platform's backend. Three things, no runtime
// dependency beyond the platform (WebCrypto, fetch) and `standardwebhooks`:
// - mintSession: the short-lived portal session the browser hands to Gatehouse (docs/sso.md);
// - verifyWebhook: a Standard Webhooks delivery from Gatehouse, checked (docs/webhooks.md);
// - createGatehouse: the worker's operator routes and the proxy, typed from www/openapi.json
//   (openapi-typescript at build time), errors as GatehouseError (docs/server.md).
import { Webhook } from "standardwebhooks";
import type { components } from "./generated/api.js";

export type Schemas = components["schemas"];
/** An event Gatehouse sends, discriminated by `type`. */
export type GatehouseEvent = Schemas["Event"];
/** The body of every Gatehouse error. */
export type ErrorBody = Schemas["ErrorBody"];

// ---- portal sessions ------------------------------------------------------------------------

/** Who the portal's signed-in user is; Gatehouse takes identity, organization and role from
 *  these claims only (never from a request body). */
export interface SessionClaims {
  /** The user's stable id. */
  sub: string;
  email: string;
  name: string;
  /** Required: Stream creates the organization's user with it. */
  phone_number: string;
  /** The portal organization the user acts for. */
  provider_org_id: string;
  role: "owner" | "admin" | "manager" | "team_member" | "custom";
  /** The organization's own Stream partner id, when it has one. */
  partner_id?: string;
}

/** The key the session is signed with: `SESSION_SECRET` (HS256), or the private half of a key in
 *  the worker's `SESSION_JWKS` (ES256 P-256, RS256), as a JWK. */
export type SessionKey =
  | { alg: "HS256"; secret: string }
  | { alg: "ES256" | "RS256"; privateKey: JsonWebKey; kid?: string };

export interface SessionOptions {
  /** `SESSION_ISSUER` of the worker. */
  issuer: string;
  /** `SESSION_AUDIENCE` of the worker (default `gatehouse`). */
  audience?: string;
  /** Lifetime in seconds (default 300; the worker refuses more than its SESSION_MAX_TTL_S). */
  ttlSeconds?: number;
  /** "Now", in Unix seconds (tests). */
  nowSeconds?: number;
}

type Bytes = Uint8Array<ArrayBuffer>;
const b64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const utf8 = (s: string): Bytes => new TextEncoder().encode(s) as Bytes;

async function signer(key: SessionKey): Promise<(input: Bytes) => Promise<Uint8Array>> {
  const subtle = globalThis.crypto.subtle;
  if (key.alg === "HS256") {
    if (utf8(key.secret).length < 32) throw new TypeError("SESSION_SECRET must be at least 32 bytes");
    const k = await subtle.importKey("raw", utf8(key.secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    return async (input) => new Uint8Array(await subtle.sign("HMAC", k, input));
  }
  const params = key.alg === "ES256"
    ? { import: { name: "ECDSA", namedCurve: "P-256" }, sign: { name: "ECDSA", hash: "SHA-256" } }
    : { import: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, sign: { name: "RSASSA-PKCS1-v1_5" } };
  const k = await subtle.importKey("jwk", key.privateKey, params.import, false, ["sign"]);
  return async (input) => new Uint8Array(await subtle.sign(params.sign, k, input));
}

/** A compact JWS for the portal session of `claims`, signed with `key`. */
export async function mintSession(claims: SessionClaims, key: SessionKey, options: SessionOptions): Promise<string> {
  const now = Math.floor(options.nowSeconds ?? Date.now() / 1000);
  const header = { alg: key.alg, typ: "JWT", ...(key.alg !== "HS256" && key.kid ? { kid: key.kid } : {}) };
  // The registered claims come last: a caller's object cannot set its own issuer or lifetime.
  const body = {
    ...claims,
    iss: options.issuer, aud: options.audience ?? "gatehouse",
    iat: now, nbf: now, exp: now + (options.ttlSeconds ?? 300),
  };
  const input = `${b64url(utf8(JSON.stringify(header)))}.${b64url(utf8(JSON.stringify(body)))}`;
  const signature = await (await signer(key))(utf8(input));
  return `${input}.${b64url(signature)}`;
}

// ---- webhooks -------------------------------------------------------------------------------

/** A delivery that no configured key verifies (or too old: five minutes). */
export class WebhookError extends Error {}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function headerRecord(headers: HeaderSource): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [k, v] of entries) if (typeof v === "string") out[k.toLowerCase()] = v;
  return out;
}

/** The event of a Gatehouse delivery, once one of `secrets` (`whsec_…`; two during a rotation)
 *  verifies it. `input` is the `Request`, or its raw body and headers (Node's `req.headers`).
 *  Act once per `event.id`: deliveries are at least once. */
export async function verifyWebhook(
  input: Request | { body: string; headers: HeaderSource },
  secrets: string | string[],
): Promise<GatehouseEvent> {
  const body = input instanceof Request ? await input.text() : input.body;
  const headers = headerRecord(input.headers);
  for (const secret of [secrets].flat()) {
    try {
      return new Webhook(secret).verify(body, headers) as GatehouseEvent;
    } catch {
      // not this key: try the next
    }
  }
  throw new WebhookError("no configured key verifies this delivery");
}

// ---- the worker's API -----------------------------------------------------------------------

/** An error answered by Gatehouse (a stable `code`, its `message`, whether a retry may work) or
 *  a partner failure passed through the proxy as Gatehouse's JSON. */
export class GatehouseError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly retryable: boolean,
    readonly requestId: string | null,
  ) {
    super(message);
    this.name = "GatehouseError";
  }
}

export interface GatehouseOptions {
  /** The worker's origin, e.g. `https://gatehouse.partner.example`. */
  baseUrl: string;
  /** The key for the routes called: a server key (`gh_live_…`, docs/server.md) with their
   *  scope, or `ADMIN_API_KEY` for the operators' routes (`PROXY_API_KEY`, deprecated, for the
   *  proxy). */
  key: string;
  fetch?: typeof fetch;
}

async function failure(resp: Response): Promise<GatehouseError> {
  const body = (await resp.json().catch(() => null)) as Partial<ErrorBody> | null;
  return new GatehouseError(
    body?.code ?? "unexpected_response",
    body?.message ?? `HTTP ${resp.status}`,
    resp.status,
    body?.retryable ?? (resp.status >= 500 || resp.status === 429),
    resp.headers.get("x-request-id"),
  );
}

/** A client of the worker for trusted server code. */
export function createGatehouse(options: GatehouseOptions) {
  const call = options.fetch ?? globalThis.fetch;
  const base = options.baseUrl.replace(/\/+$/, "");
  const auth = { authorization: `Bearer ${options.key}` };
  async function json<T>(path: string, method = "GET", body?: unknown): Promise<T> {
    const headers: Record<string, string> = { ...auth };
    if (body !== undefined) headers["content-type"] = "application/json";
    const resp = await call(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!resp.ok) throw await failure(resp);
    return (resp.status === 204 ? undefined : await resp.json()) as T;
  }
  const segment = encodeURIComponent;
  return {
    /** Every configured credential's health (operators; never a token or a secret). */
    credentials: () => json<Schemas["CredentialList"]>("/api/admin/credentials"),
    /** One credential's health. */
    credential: (id: string) => json<Schemas["CredentialStatus"]>(`/api/admin/credentials/${segment(id)}`),
    /** The webhook outboxes: pending deliveries and dead letters. */
    webhookOutboxes: () => json<Schemas["WebhookTargets"]>("/api/admin/webhooks"),
    /** Every server key (never its value or hash). */
    keys: () => json<Schemas["KeyList"]>("/api/admin/keys"),
    /** Makes a server key: the answer's `secret` is the key, shown this once. */
    createKey: (request: Schemas["NewKey"]) => json<Schemas["CreatedKey"]>("/api/admin/keys", "POST", request),
    /** Rotates a key: a new one with the same scopes; the old one works until `previous.expires_at`. */
    rotateKey: (id: string, request: Schemas["Rotate"] = {}) =>
      json<Schemas["CreatedKey"]>(`/api/admin/keys/${segment(id)}/rotate`, "POST", request),
    /** Revokes a key (at once through this worker's isolate, within 5 s everywhere). */
    revokeKey: (id: string) => json<void>(`/api/admin/keys/${segment(id)}`, "DELETE"),
    /** An organization's onboardings, a page at a time (a key with `onboarding:read`). */
    onboardings: (org: string, query: { status?: string; cursor?: string; limit?: number } = {}) => {
      const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
      const tail = q.size ? `?${q}` : "";
      return json<Schemas["OnboardingPage"]>(`/api/server/organizations/${segment(org)}/onboardings${tail}`);
    },
    /** One onboarding in full, every field Stream returns. */
    onboarding: (org: string, id: string) =>
      json<Record<string, unknown>>(`/api/server/organizations/${segment(org)}/onboardings/${segment(id)}`),
    /** Ingests POS locations into an onboarding (`onboarding:write`). */
    ingestLocations: (org: string, id: string, request: Schemas["IngestRequest"]) =>
      json<Schemas["LocationsResponse"]>(`/api/server/organizations/${segment(org)}/onboardings/${segment(id)}/locations/ingest`, "POST", request),
    /** Binds DSP locations to POS locations (`onboarding:write`). */
    bindLocations: (org: string, id: string, request: Schemas["BindRequest"]) =>
      json<Schemas["LocationsResponse"]>(`/api/server/organizations/${segment(org)}/onboardings/${segment(id)}/locations/bind`, "POST", request),
    /** Revokes an onboarding (`onboarding:write`; idempotent). */
    revokeOnboarding: (org: string, id: string) =>
      json<Schemas["OnboardingView"]>(`/api/server/organizations/${segment(org)}/onboardings/${segment(id)}/revoke`, "POST"),
    /** An organization's connections (`connections:read`; never a value). */
    connections: (org: string) => json<Schemas["ConnectionList"]>(`/api/server/organizations/${segment(org)}/connections`),
    /** Deletes a connection (`connections:write`). */
    deleteConnection: (org: string, id: string) =>
      json<void>(`/api/server/organizations/${segment(org)}/connections/${segment(id)}`, "DELETE"),
    /** Calls the partner through the proxy with `credential`'s token: `path` is the partner API
     *  path (slashes kept, each segment encoded). The partner's answer comes back as it is, a 2xx
     *  or not; Gatehouse's own refusals (and partner faults it reports) reject as GatehouseError. */
    async proxy(credential: string, path: string, init: RequestInit & { organization?: string } = {}): Promise<Response> {
      const { organization, headers, ...rest } = init;
      const h = new Headers(headers);
      h.set("authorization", auth.authorization);
      if (organization) h.set("gatehouse-organization", organization);
      const tail = path.replace(/^\/+/, "").split("/").map(segment).join("/");
      const resp = await call(`${base}/api/proxy/${segment(credential)}/${tail}`, { ...rest, headers: h });
      if (!resp.ok && resp.headers.get("content-type")?.startsWith("application/json") && resp.headers.get("server-timing") === null) {
        throw await failure(resp);
      }
      return resp;
    },
  };
}
