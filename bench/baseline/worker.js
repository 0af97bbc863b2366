// The peer a user would otherwise write: a minimal JavaScript Worker that forwards the same
// request to the partner (the sandbox) with a fixed bearer token. Used only by `make bench`.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const upstream = env.UPSTREAM + url.pathname.replace(/^\/api\/proxy\/[^/]+/, "") + url.search;
    const resp = await fetch(upstream, {
      method: request.method,
      headers: { authorization: `Bearer ${env.TOKEN}`, accept: "application/json" },
    });
    return new Response(resp.body, {
      status: resp.status,
      headers: { "content-type": resp.headers.get("content-type") ?? "application/json", "cache-control": "no-store" },
    });
  },
};
