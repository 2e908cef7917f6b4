import * as pulumi from "@pulumi/pulumi";
import { NylasApi, type RuleEvaluationWire } from "./api";
import { NylasClient, type ClientOptions } from "./client";
import { settingsFrom } from "./settings";

/**
 * Why was that mail blocked, marked as spam or filed? Nylas records a rule evaluation for every inbound
 * message, SMTP envelope and outbound send of an account (Nylas API v3 rule evaluations); these helpers read
 * the newest ones, put names on the rule and folder ids, and say in one line what happened — from a Pulumi
 * program (`getRuleEvaluationsOutput`), a test or a script (`getRuleEvaluations`).
 */

/** One rule evaluation, in camelCase, with the ids resolved to names where asked. */
export interface RuleEvaluation {
  id: string;
  grantId: string;
  /** The stored message (inbound) or sent copy; absent when nothing was stored (refused at SMTP, blocked send). */
  messageId?: string;
  /** Unix seconds. */
  evaluatedAt?: number;
  /** `smtp_rcpt` (during RCPT TO, before acceptance), `inbox_processing` (after acceptance) or `outbound_send`. */
  stage: string;
  /** What the rules matched on, as Nylas normalised it. */
  input: {
    fromAddress?: string;
    fromDomain?: string;
    fromTld?: string;
    recipientAddresses?: string[];
    recipientDomains?: string[];
    recipientTlds?: string[];
    outboundType?: string;
  };
  /** Only what was applied (Nylas leaves the rest out). */
  applied: {
    blocked?: boolean;
    /** Blocked because evaluation itself failed (fail-closed), not because a rule matched. */
    blockedByEvaluationError?: boolean;
    markedAsSpam?: boolean;
    markedAsRead?: boolean;
    markedStarred?: boolean;
    archived?: boolean;
    trashed?: boolean;
    /** Custom folders the message was filed into. */
    folderIds?: string[];
  };
  matchedRuleIds: string[];
  /** The matched rules with their names (`name` absent for a rule deleted since). */
  matchedRules: { id: string; name?: string }[];
  /** The folders filed into, with their paths (`path` absent for a folder deleted since). */
  folders: { id: string; path?: string }[];
  /** One line saying what happened and why, e.g. `from ceo@acme.example: filed into "Clients/Acme" by rule "file Acme mail"`. */
  summary: string;
}

export interface GetRuleEvaluationsOptions {
  /** How many of the newest evaluations, 1–1000. @default 20 */
  limit?: number;
  /** Only the evaluation of this message. */
  messageId?: string;
  /** Only evaluations of this stage. */
  stage?: "smtp_rcpt" | "inbox_processing" | "outbound_send";
  /** Look up rule names and folder paths (one rules listing and one folders listing). @default true */
  resolveNames?: boolean;
  /**
   * Connection settings. Unset keys come from the stack config (`nylas:apiKey`, `nylas:apiUri`,
   * `nylas:region`, …) when run by a Pulumi program, else from the environment (`NYLAS_API_KEY`, …).
   */
  connection?: ClientOptions;
}

const MAX_LIMIT = 1000;

/**
 * The newest rule evaluations of an Agent Account (newest first), each with a one-line `summary`.
 * Read-only: one paged listing, plus one rules and one folders listing when `resolveNames`.
 *
 * @example
 * const [last] = await getRuleEvaluations(grantId, { limit: 1 });
 * console.log(last.summary); // from ceo@acme.example: filed into "Clients/Acme" by rule "file Acme mail"
 */
export async function getRuleEvaluations(grantId: string, opts: GetRuleEvaluationsOptions = {}): Promise<RuleEvaluation[]> {
  const limit = opts.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new Error(`getRuleEvaluations: limit = ${limit}: must be a whole number from 1 to ${MAX_LIMIT}`);
  if (typeof grantId !== "string" || grantId.trim() === "") throw new Error("getRuleEvaluations: grantId must be an Agent Account's grant id");
  const client = new NylasClient(connectionFrom(opts.connection));
  try {
    const api = new NylasApi(client);
    // A filter means reading further back than `limit` records: read the most Nylas allows.
    const filtered = opts.messageId !== undefined || opts.stage !== undefined;
    const raw = await api.ruleEvaluations.newest(grantId, filtered ? MAX_LIMIT : limit);
    if (!raw) throw new Error(`getRuleEvaluations: Nylas has no account ${grantId} (deleted, or not a grant of this application)`);
    const wanted = raw.filter((e) => (opts.messageId === undefined || e.message_id === opts.messageId) && (opts.stage === undefined || e.evaluation_stage === opts.stage)).slice(0, limit);
    const names = opts.resolveNames === false || wanted.length === 0 ? undefined : await lookUpNames(api, grantId, wanted);
    return wanted.map((e) => toEvaluation(e, names));
  } finally {
    await client.close();
  }
}

/** {@link getRuleEvaluations} for a Pulumi program: waits for `grantId` (e.g. `account.grantId`); unknown at preview → unknown. */
export function getRuleEvaluationsOutput(grantId: pulumi.Input<string>, opts: GetRuleEvaluationsOptions = {}): pulumi.Output<RuleEvaluation[]> {
  return pulumi.output(grantId).apply((id) => getRuleEvaluations(id, opts));
}

function connectionFrom(given: ClientOptions | undefined): ClientOptions {
  // In a Pulumi program the stack config is there; elsewhere getConfig finds nothing and the environment counts.
  const fromConfig = settingsFrom((key) => pulumi.runtime.getConfig(key));
  const set = Object.fromEntries(Object.entries(given ?? {}).filter(([, v]) => v !== undefined));
  return { ...fromConfig, ...set };
}

interface Names {
  rules: Map<string, string>;
  folders: Map<string, string>;
}

async function lookUpNames(api: NylasApi, grantId: string, evaluations: RuleEvaluationWire[]): Promise<Names> {
  const needFolders = evaluations.some((e) => Array.isArray(e.applied_actions?.folder_ids) && (e.applied_actions!.folder_ids as unknown[]).length);
  const folders = api.folders(grantId);
  const [rules, all] = await Promise.all([api.rules.list(), needFolders ? folders.list() : Promise.resolve([])]);
  return {
    rules: new Map(rules.map((r) => [r.id, r.name])),
    folders: new Map(all.map((f) => [f.id, folders.pathOf(f, all)])),
  };
}

const bool = (v: unknown) => (v === true ? true : undefined);
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined);
const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

function toEvaluation(e: RuleEvaluationWire, names: Names | undefined): RuleEvaluation {
  const i = e.evaluation_input ?? {};
  const a = e.applied_actions ?? {};
  const input = dropUndefined({
    fromAddress: str(i.from_address),
    fromDomain: str(i.from_domain),
    fromTld: str(i.from_tld),
    recipientAddresses: strings(i.recipient_addresses),
    recipientDomains: strings(i.recipient_domains),
    recipientTlds: strings(i.recipient_tlds),
    outboundType: str(i.outbound_type),
  });
  const applied = dropUndefined({
    blocked: bool(a.blocked),
    blockedByEvaluationError: bool(a.blocked_by_evaluation_error),
    markedAsSpam: bool(a.marked_as_spam),
    markedAsRead: bool(a.marked_as_read),
    markedStarred: bool(a.marked_starred),
    archived: bool(a.archived),
    trashed: bool(a.trashed),
    folderIds: strings(a.folder_ids)?.length ? strings(a.folder_ids) : undefined,
  });
  const matchedRuleIds = e.matched_rule_ids ?? [];
  const matchedRules = matchedRuleIds.map((id) => dropUndefined({ id, name: names?.rules.get(id) }));
  const folders = (applied.folderIds ?? []).map((id) => dropUndefined({ id, path: names?.folders.get(id) }));
  const stage = e.evaluation_stage ?? "unknown";
  const evaluation = {
    id: e.id,
    grantId: e.grant_id ?? "",
    ...(str(e.message_id) ? { messageId: e.message_id! } : {}),
    ...(typeof e.evaluated_at === "number" ? { evaluatedAt: e.evaluated_at } : {}),
    stage,
    input,
    applied,
    matchedRuleIds,
    matchedRules,
    folders,
  };
  return { ...evaluation, summary: summarize(evaluation) };
}

/** One line: who, what was done, by which rules. */
function summarize(e: Omit<RuleEvaluation, "summary">): string {
  const who =
    e.stage === "outbound_send"
      ? `send to ${(e.input.recipientAddresses ?? []).join(", ") || "(no recipients)"}${e.input.outboundType ? ` (${e.input.outboundType})` : ""}`
      : `from ${e.input.fromAddress ?? "(unknown sender)"}`;
  const rules = e.matchedRules.map((r) => (r.name !== undefined ? `"${r.name}"` : r.id));
  const by = rules.length ? ` by rule${rules.length > 1 ? "s" : ""} ${rules.join(", ")}` : "";
  if (e.applied.blockedByEvaluationError) {
    return `${who}: blocked because rule evaluation failed (fail-closed: ${e.stage === "outbound_send" ? "the send answered 503, retry it" : "SMTP 451, the sender retries"})`;
  }
  if (e.applied.blocked) {
    return `${who}: blocked${e.stage === "smtp_rcpt" ? " at SMTP (RCPT TO), nothing stored" : e.stage === "outbound_send" ? " (the send answered 403, nothing delivered)" : ""}${by}`;
  }
  const done = [
    ...e.folders.map((f) => `filed into "${f.path ?? f.id}"`),
    ...(e.applied.markedAsSpam ? ["marked as spam (junk)"] : []),
    ...(e.applied.archived ? ["archived"] : []),
    ...(e.applied.trashed ? ["trashed"] : []),
    ...(e.applied.markedAsRead ? ["marked as read"] : []),
    ...(e.applied.markedStarred ? ["starred"] : []),
  ];
  if (done.length) return `${who}: ${done.join(", ")}${by}`;
  if (rules.length) return `${who}: matched${by}, but no action applied (a folder it names may not exist in the account)`;
  return `${who}: no rule matched`;
}

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
