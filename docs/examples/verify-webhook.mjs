// Verify a Gatehouse webhook in your backend (Node) with the Standard Webhooks library
// (`npm install standardwebhooks`): Gatehouse signs per the Standard Webhooks specification, so
// any of its maintained libraries verifies. Use the raw request body exactly as received (before
// any JSON parsing) and your WEBHOOK_SECRET (`whsec_…`). During a key rotation pass both keys:
// a delivery is genuine when one of them verifies it.
import { Webhook } from "standardwebhooks";

/** The event when `headers` (`webhook-id`, `webhook-timestamp`, `webhook-signature`) sign
 *  `rawBody` with one of `secrets` and the timestamp is within five minutes of now (no replays
 *  of old deliveries); `null` otherwise. */
export function verifyGatehouseWebhook(rawBody, headers, secrets) {
  for (const secret of [secrets].flat()) {
    try {
      return new Webhook(secret).verify(rawBody, headers);
    } catch {
      // not this key (or not genuine at all): try the next
    }
  }
  return null;
}

// Then act once per event: `webhook-id` (= the body's `id`) is the idempotency id; a retried
// delivery carries the same id, so store the ids you have handled and skip repeats.
//
//   http.createServer(async (req, res) => {
//     const raw = await text(req);
//     const event = verifyGatehouseWebhook(raw, req.headers, process.env.WEBHOOK_SECRET.split(","));
//     if (!event) { res.writeHead(400).end(); return; }
//     if (!(await alreadyHandled(event.id))) await handle(event); // e.g. onboarding.status_changed
//     res.writeHead(204).end(); // any 2xx ends the retries
//   });
