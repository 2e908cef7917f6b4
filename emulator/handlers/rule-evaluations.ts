/**
 * `GET /v3/grants/{id}/rule-evaluations` (Nylas API v3 rule evaluations): one record per inbound message,
 * SMTP envelope refused at RCPT time and outbound send evaluated by the rules engine, newest first.
 */
import { randomUUID } from "node:crypto";
import { App, publicFields } from "../app";
import { cursorPage } from "../paging";
import type { Router } from "../router";
import type { GrantRec } from "../types";
import { domainOf, now } from "../validate";
import { cursorPaging, DEFAULT_VARIANCE, type Variance } from "../variance";

export type EvaluationStage = "smtp_rcpt" | "inbox_processing" | "outbound_send";

/** Only applied actions appear (others are omitted, not `false`). */
export interface AppliedActions {
  blocked?: true;
  marked_as_spam?: true;
  marked_as_read?: true;
  marked_starred?: true;
  archived?: true;
  trashed?: true;
  folder_ids?: string[];
}

export interface RuleEvaluationRec {
  id: string;
  grant_id: string;
  message_id: string | null;
  evaluated_at: number;
  evaluation_stage: EvaluationStage;
  evaluation_input: Record<string, unknown>;
  applied_actions: AppliedActions;
  matched_rule_ids: string[];
  application_id: string;
  organization_id: string;
  created_at: number;
  updated_at: number;
  [k: string]: unknown;
}

const tldOf = (domain: string): string => domain.slice(domain.lastIndexOf(".") + 1);

/** The normalised data the rules matched on (recipient fields and `outbound_type` for sends only). */
export function evaluationInput(from: string, outbound?: { recipients: string[]; type: "compose" | "reply" }): Record<string, unknown> {
  const fromDomain = domainOf(from);
  const input: Record<string, unknown> = {
    from_address: from.toLowerCase(),
    from_domain: fromDomain,
    from_tld: tldOf(fromDomain),
  };
  if (outbound) {
    const recipients = [...new Set(outbound.recipients.map((r) => r.toLowerCase()))];
    const domains = [...new Set(recipients.map(domainOf))];
    input.recipient_addresses = recipients;
    input.recipient_domains = domains;
    input.recipient_tlds = [...new Set(domains.map(tldOf))];
    input.outbound_type = outbound.type;
  }
  return input;
}

export function recordEvaluation(
  app: App,
  g: GrantRec,
  e: {
    stage: EvaluationStage;
    messageId: string | null;
    input: Record<string, unknown>;
    applied: AppliedActions;
    matched: string[];
  },
): RuleEvaluationRec {
  const t = now();
  return app.store.put<RuleEvaluationRec>("rule_evaluations", {
    id: randomUUID(),
    grant_id: g.id,
    message_id: e.messageId,
    evaluated_at: t,
    evaluation_stage: e.stage,
    evaluation_input: e.input,
    applied_actions: e.applied,
    matched_rule_ids: e.matched,
    application_id: app.meta.application_id,
    organization_id: app.meta.organization_id,
    created_at: t,
    updated_at: t,
  });
}

export function publicRuleEvaluation(e: RuleEvaluationRec, v: Variance = DEFAULT_VARIANCE): Record<string, unknown> {
  const out = publicFields(e);
  if (e.message_id === null && v.ruleEvaluationNoMessage === "absent") delete out.message_id; // variance N8
  return out;
}

export function registerRuleEvaluations(r: Router, app: App): void {
  const col = app.store.col<RuleEvaluationRec>("rule_evaluations");
  r.get("/v3/grants/:grant/rule-evaluations", (ctx) => {
    const g = app.requireGrant(ctx.params.grant);
    const page = cursorPage(app.idx.grantIds("rule_evaluations", g.id), ctx.query, {
      get: (id) => col.get(id),
      reverse: true,
      ...cursorPaging(ctx.variance, "rule_evaluations"),
    });
    return { body: { data: page.data.map((e) => publicRuleEvaluation(e, ctx.variance)), next_cursor: page.next_cursor } };
  });
}
