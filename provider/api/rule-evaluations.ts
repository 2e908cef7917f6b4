import { z } from "zod";
import { NylasNotFoundError, type NylasClient } from "../client";
import { makePath } from "./base";

/**
 * `GET /v3/grants/{grant_id}/rule-evaluations` (Nylas API v3 Rules, rule evaluations): read-only, newest
 * first, one record per inbound message, SMTP envelope and outbound send the rules engine evaluated. Cursor
 * pages (Ruby reads no cursor: one page then). `message_id` is `null` or absent when no message was stored;
 * only applied actions appear in `applied_actions`.
 */

export const ruleEvaluationWire = z.looseObject({
  id: z.string(),
  grant_id: z.string().nullish(),
  message_id: z.string().nullish(),
  evaluated_at: z.number().nullish(),
  evaluation_stage: z.string().nullish(),
  evaluation_input: z.record(z.string(), z.unknown()).nullish(),
  applied_actions: z.record(z.string(), z.unknown()).nullish(),
  matched_rule_ids: z.array(z.string()).nullish(),
});
export type RuleEvaluationWire = z.infer<typeof ruleEvaluationWire>;

export class RuleEvaluations {
  constructor(private readonly client: NylasClient) {}

  /** The newest `max` evaluations of one account; `undefined` when the account does not exist. */
  async newest(grantId: string, max: number): Promise<RuleEvaluationWire[] | undefined> {
    try {
      return await this.client.listCursor({ path: makePath("/v3/grants/{grant}/rule-evaluations", { grant: grantId }), item: ruleEvaluationWire, maxItems: max });
    } catch (e) {
      if (e instanceof NylasNotFoundError) return undefined;
      throw e;
    }
  }
}
