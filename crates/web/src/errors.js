// How every call of @gatehouse/web rejects: an Error with the worker's stable `code` (or
// `network_error` / `unexpected_response`), the worker's `message`, the HTTP `status` (0 when no
// answer arrived), whether a retry may succeed, and the worker's `X-Request-Id` (its log lines
// carry it), and the fields a refusal is about (`[{field, code, message}]`, empty otherwise) —
// `instanceof GatehouseError` tells it from any other failure.
export class GatehouseError extends Error {
  constructor(code, message, status, retryable, requestId, fields) {
    super(message);
    this.name = "GatehouseError";
    this.code = code;
    this.status = status;
    this.retryable = retryable;
    this.requestId = requestId ?? null;
    // `fields` comes flat from the wasm (field, code, message, field, …).
    this.fields = [];
    for (let i = 0; i + 2 < (fields?.length ?? 0); i += 3) {
      this.fields.push({ field: fields[i], code: fields[i + 1], message: fields[i + 2] });
    }
  }
}
