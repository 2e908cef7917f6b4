/**
 * Variance: every behaviour where Nylas's sources disagree or are silent is one named switch
 * (emulator/README.md "Variance" lists each with its sources). The default profile gives each switch the
 * value the README names as default; the harsh profile gives each switch its harshest plausible value (the
 * one a client reading Nylas too narrowly trips over). Handlers read the switches from `ctx.variance`, never
 * from anywhere else, so one request can be answered under the default profile (the test harness's
 * out-of-band view) while the client under test meets harsh Nylas.
 */
import { badRequest } from "./errors";
import { isObject } from "./validate";

export interface SwitchSpec<V> {
  /** Its id in emulator/README.md's variance table (E1, W5, …). */
  id: string;
  /** Allowed values (enumerated switches) — or a validator for numeric ones. */
  values?: readonly V[];
  check?: (v: unknown) => v is V;
  default: V;
  harsh: V;
  /** What each value means and where it comes from (short; emulator/README.md has the full citation). */
  doc: string;
}

const nonNegative = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;
const pageSize = (v: unknown): v is number | null => v === null || (typeof v === "number" && Number.isInteger(v) && v >= 1);

const spec = <const V>(s: SwitchSpec<V>): SwitchSpec<V> => s;

/** The switch catalogue. Adding a switch = one entry here + its use in a handler + a README row + a test. */
export const SWITCHES = {
  // ------------------------------------------------------------------ envelopes and pagination
  rulesEnvelope: spec({
    id: "E1",
    values: ["nested", "nested-top-cursor", "flat", "rotate"] as const,
    default: "nested",
    harsh: "rotate",
    doc: "GET /v3/rules: data:{items,next_cursor} [sdk:ruby][cli fixtures] | data:{items} + top-level cursor [cli parsing] | flat data[] [spec] | rotate through the three, one list answer after another",
  }),
  emptyRulesItems: spec({
    id: "E2",
    values: ["null", "empty"] as const,
    default: "null",
    harsh: "null",
    doc: "a rules page with no rules: items:null (Go nil slice) [sdk:ruby] | items:[]",
  }),
  lastPageCursor: spec({
    id: "E3",
    values: ["absent", "empty", "null", "trailing-empty-page", "mixed"] as const,
    default: "absent",
    harsh: "mixed",
    doc: 'last page of a cursor list: next_cursor absent [spec] | "" | null [spec: folders] | a cursor on every non-empty page, then an empty page [sdk:ruby policies] | mixed = a different one per collection (see MIXED_LAST_PAGE)',
  }),
  cursorPageSize: spec<number | null>({
    id: "E4",
    check: pageSize,
    default: null,
    harsh: 2,
    doc: "cursor lists: null = honour limit (default 50, max 200) [spec] | N = never more than N per page, whatever limit asks",
  }),
  offsetPageSize: spec<number | null>({
    id: "E4",
    check: pageSize,
    default: null,
    harsh: 2,
    doc: "GET /v3/grants: null = honour limit (default 10, no max) [spec] | N = at most N per page; the answer's limit says so",
  }),
  deleteAnswer: spec({
    id: "E6",
    values: ["200", "204"] as const,
    default: "200",
    harsh: "204",
    doc: "DELETE answers: 200 {request_id} [spec] | 204 with no body [cli accepts]",
  }),
  grantFilterLagSeconds: spec<number>({
    id: "E7",
    check: nonNegative,
    default: 0,
    harsh: 75,
    doc: "GET /v3/grants with any filter leaves out grants created in the last N seconds (>70 s observed for provider= [cli])",
  }),
  // ------------------------------------------------------------------ write answers
  domainUpdateAnswer: spec({
    id: "W1",
    values: ["sparse", "full"] as const,
    default: "sparse",
    harsh: "sparse",
    doc: "PUT domains: only {name, updated_at} [sdk:node][sdk:ruby] | the full Domain [spec]",
  }),
  updateAnswers: spec({
    id: "W2",
    values: ["full", "sparse"] as const,
    default: "full",
    harsh: "sparse",
    doc: "PUT rules/lists/policies and list-items POST/DELETE: full object [spec] | only the fields sent (+ updated_at), no id; list items {items_count} [cli]",
  }),
  rotateSecretAnswer: spec({
    id: "W3",
    values: ["full", "minimal", "top-level"] as const,
    default: "full",
    harsh: "minimal",
    doc: "rotate-secret: full destination + secret [spec] | data:{webhook_secret} only | webhook_secret at the top level [cli fallbacks]",
  }),
  manualAssignUnchanged: spec({
    id: "W4",
    values: ["null", "empty"] as const,
    default: "null",
    harsh: "null",
    doc: "manual-assign grants_assigned/grants_removed when nothing changed: null [sdk] | []",
  }),
  policyNestedUpdate: spec({
    id: "W5",
    values: ["replace", "merge"] as const,
    default: "replace",
    harsh: "merge",
    doc: "policy PUT limits/spam_detection/options: replaced wholesale [spec] | merged field by field [sdk:ruby]",
  }),
  settingsWithoutAppPassword: spec({
    id: "W6",
    values: ["keep", "clear"] as const,
    default: "keep",
    harsh: "clear",
    doc: "grant PATCH settings without app_password: password kept [cli] | cleared, settings replaced wholesale [spec]",
  }),
  applicationPatchAnswer: spec({
    id: "W7",
    values: ["success", "plain"] as const,
    default: "success",
    harsh: "plain",
    doc: "PATCH /v3/applications: {success: true, data} [spec] (request_id beside it) | the usual {request_id, data} [sdk]",
  }),
  sendAnswer: spec({
    id: "W8",
    values: ["200", "202-under-burst", "202"] as const,
    default: "200",
    harsh: "202",
    doc: "Agent Account send: 200 [spec] | 202 queued (no headers) above 5 sends/s [changelog 2026-10-09] | every send queued (202)",
  }),
  // ------------------------------------------------------------------ not found, identity
  webhookGoneOnWrite: spec({
    id: "N1",
    values: ["400", "404"] as const,
    default: "400",
    harsh: "400",
    doc: 'PUT/DELETE/rotate of a gone webhook: 400 {type:"70000", "destination.id.not.found : record not found"} [spec] | 404 not_found_error [cli]',
  }),
  webhookGoneOnRead: spec({
    id: "N2",
    values: ["404", "400"] as const,
    default: "404",
    harsh: "400",
    doc: "GET of a gone webhook: 404 [cli] | 400 70000 record not found [spec shows only 400s]",
  }),
  grantByEmailPath: spec({
    id: "N4",
    values: ["404", "400", "grant"] as const,
    default: "404",
    harsh: "404",
    doc: "GET/PATCH/DELETE /v3/grants/{email or email:/grant: form}: 404 | 400 invalid id | the grant (Grant-ID patterns) — undocumented [spec]",
  }),
  channelGone: spec({
    id: "N3",
    values: ["400", "404"] as const,
    default: "400",
    harsh: "400",
    doc: 'an unknown Pub/Sub or SNS channel id: 400 {type:"70001" on GET, "70000" on PUT/DELETE, "destination.id.not.found : record not found"} [spec] | 404 not_found_error',
  }),
  ruleEvaluationNoMessage: spec({
    id: "N8",
    values: ["null", "absent"] as const,
    default: "null",
    harsh: "absent",
    doc: "message_id of a rule evaluation without a message (smtp_rcpt, blocked send): null [spec] | field left out [sdk:node 8.2.0]",
  }),
  connectExistingEmail: spec({
    id: "N5",
    values: ["existing", "conflict"] as const,
    default: "existing",
    harsh: "existing",
    doc: "POST /v3/connect/custom for an email that has an Agent Account: the existing grant (re-auth, 200) [spec BYO text] | 409",
  }),
  workspaceByDomain: spec({
    id: "N6",
    values: ["accepted", "refused"] as const,
    default: "accepted",
    harsh: "refused",
    doc: "GET/DELETE/manual-assign /v3/workspaces/{domain}: accepted [sdk] | UUID only, 404 [spec]",
  }),
  domainByAddress: spec({
    id: "N7",
    values: ["accepted", "refused"] as const,
    default: "accepted",
    harsh: "refused",
    doc: "/v3/domains/{address}: accepted [sdk][changelog 2026-11-09] | UUID only, 404 [spec]",
  }),
  // ------------------------------------------------------------------ workspaces and assignment
  autoGroupDefault: spec({
    id: "A1",
    values: ["false", "true", "if-domain"] as const,
    default: "false",
    harsh: "if-domain",
    doc: "auto_group when a create omits it: false [changelog 2026-09-24] | true [spec 2026-08] | true when a domain is given [sdk]",
  }),
  domainlessWorkspaceDomain: spec({
    id: "A2",
    values: ["null", "empty", "absent"] as const,
    default: "null",
    harsh: "absent",
    doc: 'domain of a domain-less workspace: null [changelog] | "" [sdk] | field left out',
  }),
  workspaceWithoutDomain: spec({
    id: "A3",
    values: ["allowed", "refused"] as const,
    default: "allowed",
    harsh: "allowed",
    doc: "workspace create without domain: allowed [changelog][sdk] | 400 domain required [spec 2026-08] (removes a capability: harsh keeps it)",
  }),
  manualAssignIntoAutoGroup: spec({
    id: "A4",
    values: ["rejected", "allowed"] as const,
    default: "rejected",
    harsh: "rejected",
    doc: "manual-assign into an auto_group:true workspace: 400 [spec tag][skills] | allowed",
  }),
  grantMoveIntoAutoGroup: spec({
    id: "A5",
    values: ["allowed", "rejected"] as const,
    default: "allowed",
    harsh: "rejected",
    doc: "grant PATCH workspace_id into an auto_group:true workspace: allowed | 400 — undocumented",
  }),
  ruleIdsNull: spec({
    id: "A6",
    values: ["detach", "keep"] as const,
    default: "detach",
    harsh: "keep",
    doc: "workspace PATCH rule_ids:null: detaches [spec] | keeps [sdk:node][sdk:python]",
  }),
  // ------------------------------------------------------------------ rules and policies
  outboundRuleScope: spec({
    id: "R1",
    values: ["application", "workspace"] as const,
    default: "application",
    harsh: "application",
    doc: "outbound rules evaluated on a send: every enabled outbound rule of the application [spec] | only the sender workspace's rule_ids [blog][skills]",
  }),
  unlimitedFields: spec({
    id: "R3",
    values: ["five", "daily-counts", "storage"] as const,
    default: "five",
    harsh: "five",
    doc: "policy limits accepting -1: storage + both daily counts + both retentions [sdk:ruby][skills] | the daily counts only [sdk:node] | storage only (older Ruby docs) (the others remove a capability: harsh keeps five)",
  }),
  // ------------------------------------------------------------------ limits, rate limiting, domains
  rateLimitErrorType: spec({
    id: "L1",
    values: ["rate_limit_error", "nylas_rate_limit_exceeded"] as const,
    default: "rate_limit_error",
    harsh: "nylas_rate_limit_exceeded",
    doc: "error.type of the emulator's own 429s: rate_limit_error [spec] | nylas_rate_limit_exceeded [docs]",
  }),
  retryAfterOn429: spec({
    id: "L2",
    values: [true, false] as const,
    default: true,
    harsh: false,
    doc: "Retry-After on the emulator's own 429s (rate limit): present | absent [docs: not promised]",
  }),
  verificationTypes: spec({
    id: "L6",
    values: ["seven", "five", "five-on-legacy-route"] as const,
    default: "seven",
    harsh: "five-on-legacy-route",
    doc: "info/verify type: ownership, mx, spf, dkim, feedback + dmarc, arc [changelog 2026-11-09] | the five [spec][sdk request types] | five on /v3/admin/domains, seven on /v3/domains",
  }),
  verificationAnswer: spec({
    id: "L7",
    values: ["nested", "flat"] as const,
    default: "nested",
    harsh: "flat",
    doc: "info/verify answer: attempt.options.{host,type,value} + top-level status [spec][sdk:node] | flat attempt.{host,value,status}, no options, no top-level status [sdk:python]",
  }),
  snsVerificationFailure: spec({
    id: "L8",
    values: ["400", "created-failing"] as const,
    default: "400",
    harsh: "created-failing",
    doc: "SNS create whose connector.verification publish fails: 400 70005 on create | channel created with status failing — undocumented [docs: verification on create]",
  }),
  junkNotification: spec({
    id: "L10",
    values: ["fires", "silent"] as const,
    default: "fires",
    harsh: "fires",
    doc: "message.created for inbound mail filed in junk (policy spam detection or mark_as_spam): fires | not sent — undocumented [inferred]; harsh keeps fires, which trips an agent that takes every message.created for inbox mail",
  }),
  pubsubListStatus: spec({
    id: "L9",
    values: ["pause", "paused"] as const,
    default: "pause",
    harsh: "paused",
    doc: 'status of a paused channel in GET /v3/channels/pubsub (list): "pause" (get/update schema) | "paused" (list schema) [spec]',
  }),
  unknownTriggerTypes: spec({
    id: "L11",
    values: ["rejected", "accepted"] as const,
    default: "rejected",
    harsh: "rejected",
    doc: "webhook trigger_types outside the spec's 47-name create enum: 400 | accepted (contact.created, .truncated, message.intelligence.*)",
  }),
  legacyDomainsRoute: spec({
    id: "L12",
    values: ["served", "removed"] as const,
    default: "served",
    harsh: "removed",
    doc: "/v3/admin/domains (service-account signed) after 2026-11-09: still served | removed, 404 [changelog says 'moved']",
  }),
  // ------------------------------------------------------------------ IAM
  iamCreateStatus: spec({
    id: "I2",
    values: ["201", "200"] as const,
    default: "201",
    harsh: "200",
    doc: "POST /v3/iam/principals and …/credentials: 201 (inferred) | 200 — not captured [docs]",
  }),
  iamSecretMember: spec({
    id: "I4",
    values: ["secret", "api_key", "top-level"] as const,
    default: "secret",
    harsh: "api_key",
    doc: "where the one-time secret sits in the credential-create answer: data.secret (inferred) | data.api_key | a top-level secret beside data — member name UNCONFIRMED",
  }),
  iamOrgBindingId: spec({
    id: "I7",
    values: ["filled", "omitted"] as const,
    default: "filled",
    harsh: "omitted",
    doc: "resource_binding of an Organization-bound principal on read: {type, id: <organization id>} | {type} only — UNCONFIRMED",
  }),
  iamKeyOnAdminEndpoints: spec({
    id: "I8",
    values: ["accepted", "refused"] as const,
    default: "accepted",
    harsh: "refused",
    doc: "an Application-bound IAM key holding the permission on application-scoped admin endpoints (webhooks, channels, policies, rules, lists, workspaces, applications, grants list): accepted | 403, application key only [docs: cookbook keeps the application key]",
  }),
  iamPatchAnswer: spec({
    id: "I13",
    values: ["full", "sparse"] as const,
    default: "full",
    harsh: "sparse",
    doc: "PATCH principal / credential answer: the full object | only the fields sent (+ updated_at) — UNCONFIRMED",
  }),
} as const;

type Catalogue = typeof SWITCHES;
export type SwitchName = keyof Catalogue;
export type Variance = { -readonly [K in SwitchName]: Catalogue[K] extends SwitchSpec<infer V> ? V : never };

export type Profile = "default" | "harsh";
export const PROFILES: readonly Profile[] = ["default", "harsh"];

const NAMES = Object.keys(SWITCHES) as SwitchName[];

function profileValues(p: Profile): Variance {
  const out: Record<string, unknown> = {};
  for (const n of NAMES) out[n] = SWITCHES[n][p === "harsh" ? "harsh" : "default"];
  return out as Variance;
}

export const DEFAULT_VARIANCE: Readonly<Variance> = Object.freeze(profileValues("default"));
export const HARSH_VARIANCE: Readonly<Variance> = Object.freeze(profileValues("harsh"));

export function profileVariance(p: Profile): Variance {
  return { ...(p === "harsh" ? HARSH_VARIANCE : DEFAULT_VARIANCE) };
}

/** The profile the switches amount to, or "custom". */
export function profileOf(v: Variance): Profile | "custom" {
  for (const p of PROFILES) {
    const base = p === "harsh" ? HARSH_VARIANCE : DEFAULT_VARIANCE;
    if (NAMES.every((n) => v[n] === base[n])) return p;
  }
  return "custom";
}

/** Validate `{switchName: value}` overrides (control API, startEmulator). One clear 400 per bad entry. */
export function parseSwitches(raw: unknown): Partial<Variance> {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw badRequest("switches must be an object of {switchName: value}");
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!(k in SWITCHES)) throw badRequest(`unknown variance switch ${k}; known switches: ${NAMES.join(", ")}`);
    const s = SWITCHES[k as SwitchName] as SwitchSpec<unknown>;
    const ok = s.values ? s.values.includes(v as never) : s.check!(v);
    if (!ok)
      throw badRequest(
        `variance switch ${k} (${s.id}) = ${JSON.stringify(v)}: must be ${s.values ? `one of ${s.values.map((x) => JSON.stringify(x)).join(", ")}` : "a whole number" + (s.default === null ? " ≥ 1 or null" : " ≥ 0")}`,
      );
    out[k] = v;
  }
  return out as Partial<Variance>;
}

export function parseProfile(raw: unknown): Profile {
  if (raw !== "default" && raw !== "harsh") throw badRequest(`variance profile must be "default" or "harsh", got ${JSON.stringify(raw)}`);
  return raw;
}

/** Per-run counters some switches need (the E1 rotation, the W8 burst window). Reset with the emulator. */
export class VarianceState {
  rulesListAnswers = 0;
  private sends: number[] = [];

  /** Another rules list answer: which envelope it gets under `rulesEnvelope: "rotate"`. */
  nextRulesEnvelope(): "nested" | "nested-top-cursor" | "flat" {
    const order = ["nested", "nested-top-cursor", "flat"] as const;
    return order[this.rulesListAnswers++ % order.length];
  }

  /** Count a send; true when more than `perSecond` sends happened within the last second. */
  sendBurst(perSecond: number, nowMs = Date.now()): boolean {
    this.sends = this.sends.filter((t) => nowMs - t < 1000);
    this.sends.push(nowMs);
    return this.sends.length > perSecond;
  }

  reset(): void {
    this.rulesListAnswers = 0;
    this.sends = [];
  }
}

// ---------------------------------------------------------------------------- helpers the handlers share

export type LastPage = "absent" | "empty" | "null" | "trailing-empty-page";

/** E3 "mixed": each cursor collection ends its pages its own way (Ruby documents the trailing page for policies). */
export const MIXED_LAST_PAGE: Record<string, LastPage> = {
  policies: "trailing-empty-page",
  rules: "empty",
  lists: "null",
  list_items: "trailing-empty-page",
  domains: "empty",
  folders: "null",
  signatures: "null",
  rule_evaluations: "absent",
  principals: "absent",
  credentials: "absent",
};

/** The paging options (E3, E4) a cursor-list handler passes to `cursorPage` for one collection. */
export function cursorPaging(v: Variance, collection: string): { lastPage: LastPage; maxPageSize?: number } {
  const lastPage = v.lastPageCursor === "mixed" ? (MIXED_LAST_PAGE[collection] ?? "null") : v.lastPageCursor;
  return { lastPage, maxPageSize: v.cursorPageSize ?? undefined };
}

/** W2 "sparse": the answer to an update carries only the top-level fields that were sent (and updated_at), no id. */
export function sparseUpdate(full: Record<string, unknown>, sent: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(sent)) if (k !== "id" && full[k] !== undefined) out[k] = full[k];
  if (full.updated_at !== undefined) out.updated_at = full.updated_at;
  return out;
}
