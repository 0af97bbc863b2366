// A typed client of the worker's API, as a partner's backend would write it: the types come
// from www/openapi.json through openapi-typescript (generated/api.d.ts, made by the test
// command's `openapi-typescript` tier), the calls through openapi-fetch. `tsc --noEmit` must
// accept it, and tests/e2e/openapi-client.test.mjs runs it against the worker (Node strips the
// types): paths, methods, parameters, bodies, answers, errors, the proxy's catch-all path and
// the webhook events' union.
import createClient, { defaultPathSerializer } from "openapi-fetch";
import type { components, paths } from "./generated/api";

type Schemas = components["schemas"];

/** The proxy's `{path}` is the rest of the URL, slashes included: it is sent as it is (the
 *  default serializer would percent-encode its slashes, which the proxy refuses). */
export function proxyPath(pathname: string, params: Record<string, unknown>): string {
  const { path, ...rest } = params;
  const out = defaultPathSerializer(pathname, rest);
  return typeof path === "string" ? out.replace("{path}", path.split("/").map(encodeURIComponent).join("/")) : out;
}

export async function operator(baseUrl: string, adminKey: string): Promise<string[]> {
  const client = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${adminKey}` } });
  const { data, error } = await client.GET("/api/admin/credentials");
  if (error) throw new Error(`${error.code}: ${error.message} (retryable: ${error.retryable})`);
  const one = await client.GET("/api/admin/credentials/{id}", { params: { path: { id: "stream" } } });
  // Each item is a credential's health, or the state of one whose object could not answer.
  return [...data.credentials.map((c) => c.credential), one.data?.state ?? "none"];
}

export async function portal(baseUrl: string, session: string): Promise<{ id: string; status: string }> {
  const client = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${session}` } });
  const started = await client.POST("/api/onboarding", { body: { source: "square", type: "pos" } });
  if (started.error) throw new Error(started.error.code);
  const id = started.data.onboarding.id;
  const status = await client.GET("/api/onboarding/{id}", { params: { path: { id } } });
  if (status.error) throw new Error(status.error.code);
  return { id, status: status.data.status };
}

export async function refused(baseUrl: string, session: string): Promise<Schemas["ErrorBody"] | undefined> {
  const client = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${session}` } });
  const r = await client.POST("/api/onboarding", { body: { source: "square", type: "pos", return_page: "https://elsewhere.example/" } });
  return r.error;
}

export async function proxied(baseUrl: string, proxyKey: string): Promise<{ status: number; settings: unknown; echo: unknown }> {
  const client = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${proxyKey}` }, pathSerializer: proxyPath });
  const got = await client.GET("/api/proxy/{credential}/{path}", {
    params: { path: { credential: "streamdiver-acme", path: "v2/tenants/current/settings" } },
    parseAs: "json",
  });
  const put = await client.PUT("/api/proxy/{credential}/{path}", {
    params: { path: { credential: "omniretain-company-1", path: "api/v1/member/echo" } },
    parseAs: "json",
  });
  return { status: got.response.status, settings: got.data, echo: put.data };
}

/** Webhook events are one union discriminated by `type`. */
export function describe(event: Schemas["Event"]): string {
  switch (event.type) {
    case "onboarding.status_changed":
      return `${event.data.onboarding_id} is ${event.data.status}`;
    case "credential.needs_reauth":
      return `${event.data.credential} needs an operator`;
    case "connection.created":
    case "connection.needs_reauth":
    case "connection.recovered":
    case "connection.deleted":
      return `${event.data.connection_id} of ${event.data.provider_org_id}: ${event.type}`;
  }
}
