import type { NylasClient } from "../client";
import { Domains } from "./domains";
import { Connectors, Grants } from "./grants";
import { Lists } from "./lists";
import { Policies } from "./policies";
import { Rules } from "./rules";
import { Webhooks } from "./webhooks";
import { Workspaces } from "./workspaces";

export { isGone, makePath, type PathParams } from "./base";
export type { DnsRecordWire, DomainWire, VerificationOptions } from "./domains";
export type { CreatedGrant, GrantWire } from "./grants";
export type { ListWire } from "./lists";
export type { PolicyWire } from "./policies";
export type { RuleWire } from "./rules";
export type { WebhookWire } from "./webhooks";
export type { WorkspaceWire } from "./workspaces";
export { ITEMS_PER_REQUEST } from "./lists";

/**
 * Every Nylas call the provider makes, one collection per file (as emulator/handlers/ has them), over
 * one client. Resources see only this: no HTTP, no status codes, no retry flags.
 */
export class NylasApi {
  readonly connectors: Connectors;
  readonly grants: Grants;
  readonly webhooks: Webhooks;
  readonly policies: Policies;
  readonly rules: Rules;
  readonly lists: Lists;
  readonly workspaces: Workspaces;
  readonly domains: Domains;

  constructor(readonly client: NylasClient) {
    this.connectors = new Connectors(client);
    this.workspaces = new Workspaces(client);
    this.grants = new Grants(client, this.connectors, this.workspaces);
    this.webhooks = new Webhooks(client);
    this.policies = new Policies(client);
    this.rules = new Rules(client);
    this.lists = new Lists(client);
    this.domains = new Domains(client);
  }

  /** How long one call may take with its retries (ms): also how long a create whose answer was lost is looked for. */
  get deadlineMs(): number {
    return this.client.deadlineMs;
  }

  /** The client's base URL (which region's endpoint, or a proxy/emulator). */
  get baseUrl(): string {
    return this.client.baseUrl;
  }
}
