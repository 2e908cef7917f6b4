import type { NylasClient } from "../client";
import { Channels } from "./channels";
import { Applications } from "./applications";
import { Domains } from "./domains";
import { Folders } from "./folders";
import { Connectors, Grants } from "./grants";
import { Lists } from "./lists";
import { Policies } from "./policies";
import { IamCredentials, IamPrincipals } from "./iam";
import { RuleEvaluations } from "./rule-evaluations";
import { Rules } from "./rules";
import { Signatures } from "./signatures";
import { Webhooks } from "./webhooks";
import { Workspaces } from "./workspaces";

export { isGone, makePath, type PathParams } from "./base";
export type { ChannelKind, ChannelWire } from "./channels";
export type { BindingWire, CredentialWire, PrincipalWire } from "./iam";
export type { ApplicationWire } from "./applications";
export type { DnsRecordWire, DomainWire, VerificationAttempt, VerificationOptions } from "./domains";
export { isSystemFolder, isSystemFolderPath, SYSTEM_FOLDERS, type FolderWire, type Folders } from "./folders";
export type { RuleEvaluationWire } from "./rule-evaluations";
export { MAX_SIGNATURE_BYTES, MAX_SIGNATURES, type SignatureWire } from "./signatures";
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
  readonly pubsubChannels: Channels;
  readonly snsChannels: Channels;
  readonly iamPrincipals: IamPrincipals;
  private readonly credentialsByPrincipal = new Map<string, IamCredentials>();
  readonly applications: Applications;
  readonly ruleEvaluations: RuleEvaluations;

  constructor(readonly client: NylasClient) {
    this.connectors = new Connectors(client);
    this.workspaces = new Workspaces(client);
    this.grants = new Grants(client, this.connectors, this.workspaces);
    this.webhooks = new Webhooks(client);
    this.policies = new Policies(client);
    this.rules = new Rules(client);
    this.lists = new Lists(client);
    this.domains = new Domains(client);
    this.pubsubChannels = new Channels(client, "pubsub");
    this.snsChannels = new Channels(client, "sns");
    this.iamPrincipals = new IamPrincipals(client);
    this.applications = new Applications(client);
    this.ruleEvaluations = new RuleEvaluations(client);
  }

  /** The credentials of one IAM principal (a collection under its path). */
  iamCredentials(principalId: string): IamCredentials {
    let c = this.credentialsByPrincipal.get(principalId);
    if (!c) this.credentialsByPrincipal.set(principalId, (c = new IamCredentials(this.client, principalId)));
    return c;
  }

  /** The folders of one account (`/v3/grants/{grant_id}/folders`). */
  folders(grantId: string): Folders {
    return new Folders(this.client, grantId);
  }

  /** The signatures of one account (`/v3/grants/{grant_id}/signatures`). */
  signatures(grantId: string): Signatures {
    return new Signatures(this.client, grantId);
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
