// panva's oidc-provider standing in for two partners in Gatehouse's end-to-end tests:
//   /realms/{acme,globex}/protocol/openid-connect/token  — Keycloak-style client credentials
//   /powerepos/authorisation/token                         — PowerEPOS-style password grant with
//       org_id, JWT access tokens carrying AuthServerClaims.Service, rotating refresh tokens
// plus protected resources to call with the issued tokens. Client authentication, error
// answers and JWT signing are oidc-provider's own. 127.0.0.1 only; stdout carries one ready line.
import http from "node:http";
import { randomBytes } from "node:crypto";
import Provider, { errors } from "oidc-provider";
import { jwtVerify, createLocalJWKSet } from "jose";

const PORT = Number(process.env.PORT ?? 18791);
const BASE = `http://127.0.0.1:${PORT}`;
const CC_TTL = Number(process.env.CC_TTL_S ?? 7200);
const PE_TTL = Number(process.env.PE_TTL_S ?? 28800);
console.warn = (...a) => process.stderr.write(a.join(" ") + "\n"); // keep stdout for the ready line
console.info = console.warn;

function realm(tenant, clientId, secret) {
  return new Provider(`${BASE}/realms/${tenant}`, {
    clients: [{
      client_id: clientId, client_secret: secret, grant_types: ["client_credentials"],
      redirect_uris: [], response_types: [], token_endpoint_auth_method: "client_secret_post",
    }],
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
    routes: { token: "/protocol/openid-connect/token" },
    ttl: { ClientCredentials: CC_TTL },
  });
}

const realms = { acme: realm("acme", "kc-acme", "kc-acme-secret"), globex: realm("globex", "kc-globex", "kc-globex-secret") };

// PowerEPOS: service accounts per organisation.
const ACCOUNTS = [
  { org: "ORG001", username: "svc-org001", password: "svc-pass-001" },
  { org: "ORG002", username: "svc-org002", password: "svc-pass-002" },
];
const service = (org) => `${BASE}/powerepos/services/${org}/`;
const refreshTokens = new Map(); // value → { org, username, scope }; rotated on use

const pe = new Provider(`${BASE}/powerepos`, {
  clients: [{
    client_id: "pe-client", client_secret: "pe-secret", grant_types: ["password", "refresh_token"],
    redirect_uris: [], response_types: [], token_endpoint_auth_method: "client_secret_post",
  }],
  features: { devInteractions: { enabled: false } },
  routes: { token: "/authorisation/token" },
  // The PowerEPOS claims, from the account id `ORG:username` the grant below sets.
  extraTokenClaims: async (ctx, token) => {
    const org = token.accountId?.split(":")[0];
    return org ? { org_id: org, AuthServerClaims: { Service: service(org) } } : undefined;
  },
});

async function issue(ctx, account, scope) {
  const at = new ctx.oidc.provider.AccessToken({ accountId: `${account.org}:${account.username}`, client: ctx.oidc.client, scope });
  at.resourceServer = new ctx.oidc.provider.ResourceServer("partnerservices", {
    scope: "partnerservices offline_access", accessTokenFormat: "jwt", accessTokenTTL: PE_TTL, audience: "partnerservices",
  });
  const body = { token_type: "Bearer", access_token: await at.save(), expires_in: at.expiration, scope, svc: service(account.org), org_id: account.org };
  if (scope.split(" ").includes("offline_access")) {
    const rt = randomBytes(32).toString("base64url");
    refreshTokens.set(rt, { ...account, scope });
    body.refresh_token = rt;
  }
  ctx.body = body;
}

pe.registerGrantType("password", async (ctx) => {
  const { username, password, org_id: org, scope = "" } = ctx.oidc.params;
  if (!scope.split(" ").includes("partnerservices")) throw new errors.InvalidScope("scope must include partnerservices", "partnerservices");
  const account = ACCOUNTS.find((a) => a.org === org && a.username === username && a.password === password);
  if (!account) throw new errors.InvalidGrant("invalid service account credentials or organisation");
  await issue(ctx, account, scope);
}, ["username", "password", "org_id", "scope"]);

pe.registerGrantType("refresh_token", async (ctx) => {
  const { refresh_token: value } = ctx.oidc.params;
  const held = value && refreshTokens.get(value);
  if (!held) throw new errors.InvalidGrant("refresh token invalid or already used");
  refreshTokens.delete(value); // rotation: single use
  await issue(ctx, held, held.scope);
}, ["refresh_token", "scope"]);

const json = (res, status, body) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};
const bearer = (req) => (req.headers.authorization ?? "").replace(/^Bearer /, "");

function mount(provider, prefix) {
  const cb = provider.callback();
  return (req, res) => {
    req.originalUrl = req.url;
    req.url = req.url.slice(prefix.length) || "/";
    return cb(req, res);
  };
}
const handlers = [
  ["/realms/acme", mount(realms.acme, "/realms/acme")],
  ["/realms/globex", mount(realms.globex, "/realms/globex")],
  ["/powerepos", mount(pe, "/powerepos")],
];

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, BASE);
    // Protected resources.
    let m = url.pathname.match(/^\/realms-api\/(acme|globex)\/settings$/);
    if (m) {
      const token = await realms[m[1]].ClientCredentials.find(bearer(req));
      return token && !token.isExpired ? json(res, 200, { tenant: m[1] }) : json(res, 401, { error: "invalid_token" });
    }
    m = url.pathname.match(/^\/powerepos\/services\/([A-Z0-9]+)\/ping$/);
    if (m) {
      // Verify the JWT with the provider's own keys (its JWKS), then check the organisation.
      const jwks = await (await fetch(`${BASE}/powerepos/jwks`)).json();
      try {
        const { payload } = await jwtVerify(bearer(req), createLocalJWKSet(jwks), { issuer: `${BASE}/powerepos` });
        return payload.org_id === m[1] ? json(res, 200, { ok: true, org_id: m[1] }) : json(res, 403, { error: "wrong_org" });
      } catch {
        return json(res, 401, { error: "invalid_token" });
      }
    }
    const h = handlers.find(([p]) => url.pathname === p || url.pathname.startsWith(`${p}/`));
    if (h) return h[1](req, res);
    json(res, 404, { error: "not_found" });
  } catch (e) {
    process.stderr.write(`${e.stack}\n`);
    json(res, 500, { error: "server_error" });
  }
});
server.listen(PORT, "127.0.0.1", () => console.log(`oidc-provider listening on ${BASE}`));
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => server.close(() => process.exit(0)));
