// The least a Worker can do per request: answer a constant, as Gatehouse's `/api/health` answers
// a small JSON document. With Gatehouse's `/api/health` it splits the proxy's cost into what
// every request pays (entry, routing, headers) and what the proxy itself adds. `make bench` only.
export default {
  async fetch() {
    return new Response('{"status":"ok","service":"baseline"}', {
      headers: { "content-type": "application/json", "cache-control": "no-store" },
    });
  },
};
