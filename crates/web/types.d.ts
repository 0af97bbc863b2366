// Generated from the Rust API types in gatehouse-core (ts-rs). Do not edit:
// `UPDATE_TS=1 cargo test -p gatehouse-core --features ts` rewrites it.
export type IntegrationType = "pos" | "dsp" | (string & {});
export type OnboardingStatus = "pending" | "active" | "revoked" | "failed" | (string & {});
export type Role = "owner" | "admin" | "manager" | "team_member" | "custom" | (string & {});
export type ConnectionStatus = "active" | "needs_reauth" | "disabled" | (string & {});
export type FieldKind = "text" | "secret" | (string & {});
/** Every code the worker answers (`ErrorBody.code`, `GatehouseError.code`). */
export type ErrorCode = "not_found" | "method_not_allowed" | "unauthorized" | "origin_not_allowed" | "unknown_credential" | "misconfigured" | "partner_unavailable" | "partner_rejected" | "partner_redirected" | "needs_reauth" | "storage_unavailable" | "browser_not_allowed" | "proxy_path_not_allowed" | "partner_rejected_token" | "payload_too_large" | "internal" | "invalid_request" | "session_required" | "session_expired" | "invalid_session" | "forbidden_role" | "forbidden_org" | "forbidden_user" | "rate_limited" | "invalid_id" | "invalid_token_name" | "invalid_scopes" | "invalid_source" | "invalid_type" | "return_page_not_allowed" | "invalid_location" | "location_org_mismatch" | "invalid_code" | "invalid_state" | "onboarding_not_found" | "location_not_found" | "org_not_found" | "token_not_found" | "conflict" | "onboarding_not_restartable" | "unsupported_media_type" | "unknown_template" | "unknown_connection" | "invalid_fields" | "invalid_credentials" | "invalid_tenant" | "organization_required" | "insufficient_scope" | "forbidden_target" | "unknown_key" | "invalid_key";
export type Health = { 
/**
 * Always `"ok"` when the worker answers.
 */
status: string, 
/**
 * The service name, `"gatehouse"`.
 */
service: string, 
/**
 * The crate version of the worker build.
 */
version: string, 
/**
 * The deployment mode from configuration (`development`, `staging`, `production`).
 */
mode: string, };
export type ErrorBody = { 
/**
 * Stable error code, e.g. `not_found`, `unauthorized`, `partner_unavailable`.
 */
code: string, 
/**
 * Human-readable explanation, safe to show.
 */
message: string, 
/**
 * Whether retrying the same request later may succeed (partner faults, rate limits).
 */
retryable: boolean, 
/**
 * The fields a refusal is about (`invalid_fields`, `invalid_credentials`, `invalid_tenant`),
 * each with its own code and sentence; absent otherwise.
 */
fields: Array<FieldProblem>, };
export type FieldProblem = { 
/**
 * The field's name (`org_id`, `password`, ...).
 */
field: string, 
/**
 * `required`, `invalid`, `too_long`, `unknown_field`, or the partner's refusal
 * (`invalid_credentials`, `invalid_tenant`).
 */
code: string, 
/**
 * A sentence for the form.
 */
message: string, };
export type OnboardingView = { 
/**
 * Onboarding id.
 */
id: string, 
/**
 * `pos` or `dsp` (unknown values kept).
 */
type: IntegrationType, 
/**
 * The platform connected, when known.
 */
source?: string, 
/**
 * `pending`, `active`, `revoked`, `failed` (unknown values kept).
 */
status: OnboardingStatus, 
/**
 * The merchant at the source platform, once active.
 */
merchant_id?: string, 
/**
 * The integration created on completion.
 */
integration_id?: string, };
export type StartResponse = { 
/**
 * The new onboarding (`pending`).
 */
onboarding: OnboardingView, 
/**
 * Where to send the merchant to authorize at the partner.
 */
entry_url: string, };
export type Location = { 
/**
 * Location id.
 */
_id: string, 
/**
 * Display name, when the partner gives one.
 */
name?: string, 
/**
 * Postal address, when known.
 */
address?: string, 
/**
 * `pos` or `dsp`, when the partner says.
 */
type?: IntegrationType, 
/**
 * The location's id at the source platform.
 */
external_id?: string, 
/**
 * The onboarding that provisioned it.
 */
onboarding_id?: string, 
/**
 * For a DSP location, the POS location it is bound to.
 */
bound_pos_location_id?: string, };
export type LocationsResponse = { 
/**
 * The locations.
 */
locations: Array<Location>, };
export type IngestOnboardingLocation = { 
/**
 * The location's id at the POS.
 */
external_id: string, 
/**
 * Display name.
 */
name: string, 
/**
 * Postal address.
 */
address?: string, };
export type BindOnboardingLocation = { 
/**
 * A location of the DSP onboarding.
 */
dsp_location_id: string, 
/**
 * A POS location of the same organization.
 */
pos_location_id: string, };
export type TemplateView = { 
/**
 * The template's id.
 */
id: string, 
/**
 * Its label.
 */
label: string, 
/**
 * Its provider.
 */
provider: string, 
/**
 * The form's fields.
 */
fields: Array<FieldView>, };
export type FieldView = { 
/**
 * Its name in the request body.
 */
name: string, 
/**
 * Its label.
 */
label: string, 
/**
 * Its help line.
 */
help: string, 
/**
 * `text` or `secret`.
 */
kind: FieldKind, };
export type TemplateList = { 
/**
 * The loadable templates (one that does not load is left out and logged).
 */
templates: Array<TemplateView>, };
export type ConnectionView = { 
/**
 * The connection's id.
 */
id: string, 
/**
 * The template it was made from.
 */
template: string, 
/**
 * The template's provider (`powerepos`, ...).
 */
provider: string, 
/**
 * The portal organization that owns it.
 */
provider_org_id: string, 
/**
 * The non-secret field values (an organisation code, a client id, a service account).
 */
fields: { [key in string]?: string }, 
/**
 * Whether it serves.
 */
status: ConnectionStatus, 
/**
 * When it was created (Unix ms).
 */
created_at_ms: number, 
/**
 * When its values were last changed (update mode; Unix ms).
 */
updated_at_ms: number, 
/**
 * When a token was last obtained with it (Unix ms).
 */
last_refreshed_at_ms?: number, 
/**
 * The class of its last failure (`needs_reauth`, `partner_unavailable`, ...).
 */
last_error?: string, };
export type ConnectionList = { 
/**
 * Newest first.
 */
connections: Array<ConnectionView>, };
