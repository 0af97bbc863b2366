// Verify a Gatehouse webhook in your backend (Node, no dependencies). Use the raw request body
// exactly as received (before any JSON parsing), and your WEBHOOK_SECRET. During a key rotation
// pass both keys: a delivery is genuine when any v1 signature matches any of your keys.
import { createHmac, timingSafeEqual } from "node:crypto";

/** True when `signatureHeader` (Gatehouse-Signature) signs `rawBody` with one of `secrets` and
 *  its timestamp is within `toleranceS` of now (refuses replays of old deliveries). */
export function verifyGatehouseWebhook(rawBody, signatureHeader, secrets, { toleranceS = 300, nowS = Date.now() / 1000 } = {}) {
  const parts = String(signatureHeader ?? "").split(",").map((p) => p.trim().split("="));
  const t = Number(parts.find(([k]) => k === "t")?.[1]);
  const v1 = parts.filter(([k, v]) => k === "v1" && /^[0-9a-f]{64}$/.test(v ?? "")).map(([, v]) => Buffer.from(v, "hex"));
  if (!Number.isInteger(t) || Math.abs(nowS - t) > toleranceS || v1.length === 0) return false;
  return [secrets].flat().some((secret) => {
    const expected = createHmac("sha256", secret).update(`${t}.${rawBody}`).digest();
    return v1.some((sig) => timingSafeEqual(sig, expected));
  });
}

// Then act once per event: `Gatehouse-Event-Id` (= the body's `id`) is the idempotency id; a
// retried delivery carries the same id, so store the ids you have handled and skip repeats.
//
//   http.createServer(async (req, res) => {
//     const raw = await text(req);
//     if (!verifyGatehouseWebhook(raw, req.headers["gatehouse-signature"], process.env.WEBHOOK_SECRET)) {
//       res.writeHead(400).end(); return;
//     }
//     const event = JSON.parse(raw);
//     if (!(await alreadyHandled(event.id))) await handle(event); // e.g. onboarding.status_changed
//     res.writeHead(204).end(); // any 2xx ends the retries
//   });
