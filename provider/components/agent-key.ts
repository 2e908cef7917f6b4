import * as pulumi from "@pulumi/pulumi";
import { IamCredential } from "../resources/iam-credential";
import { IamPrincipal } from "../resources/iam-principal";

/**
 * `AgentKey`: an IAM API key that reaches one agent's mailbox and nothing else — an {@link IamPrincipal}
 * bound to the agent's grant with just what an agent loop needs, and an {@link IamCredential} whose
 * `apiKey` (a secret) the agent's runtime uses instead of the application API key. A leaked agent key
 * then reads and sends as that one mailbox only: Nylas refuses it (403) on every other grant and on
 * every admin endpoint (webhooks, policies, rules, workspaces, IAM, domains…).
 *
 * Used by `AgentMailbox` (`agentKey`), and on its own beside an `AgentAccount`. Needs `nylas:iamApiKey`.
 */

/**
 * What an agent loop needs (Nylas IAM permission ids, as seen in
 * developer.nylas.com/docs/v3/auth/nylas-iam/permissions/): read its mail and threads, list its folders,
 * send. Not drafts, attachments, deleting or moving mail — add them with `directPermissions`.
 */
export const AGENT_LOOP_PERMISSIONS: readonly string[] = ["messages.read", "messages.send", "threads.read", "folders.read"];

export interface AgentKeyOptionsArgs {
  /** Roles to give the agent's principal as well (e.g. a custom role from the Dashboard). @default [] */
  roles?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The permissions, replacing the default set (e.g. add `"attachments.read"` or `"messages.update"`).
   * @default {@link AGENT_LOOP_PERMISSIONS}: messages.read, messages.send, threads.read, folders.read
   */
  directPermissions?: pulumi.Input<pulumi.Input<string>[]>;
  /** When the key stops working (see {@link IamCredential}); changing it makes a new key. @default one year after it is made */
  expiresAt?: pulumi.Input<number | string>;
  /** Change it to rotate the key: a new one is made before the old one is deleted. */
  secretVersion?: pulumi.Input<string | number>;
}

export interface AgentKeyArgs extends AgentKeyOptionsArgs {
  /** The agent's grant (`AgentAccount.grantId`): the one mailbox the key reaches. */
  grantId: pulumi.Input<string>;
  /** The principal's display name (≤ 128 characters). @default "agent <component name>" */
  principalName?: pulumi.Input<string>;
}

/**
 * A least-privilege IAM API key for one agent.
 *
 * @example
 * const sales = new nylas.AgentAccount("sales", { email: "sales-agent@agents.example.com" });
 * const salesKey = new nylas.AgentKey("sales", { grantId: sales.grantId });
 * export const salesAgentApiKey = salesKey.apiKey; // a secret: give it to the sales agent's runtime
 */
export class AgentKey extends pulumi.ComponentResource {
  readonly principal: IamPrincipal;
  readonly credential: IamCredential;
  /** The principal's id. */
  readonly principalId: pulumi.Output<string>;
  /** The IAM API key (a secret): `Authorization: Bearer <apiKey>` on `/v3/grants/<grantId>/…`. */
  readonly apiKey: pulumi.Output<string>;
  /** Unix seconds. */
  readonly expiresAt: pulumi.Output<number>;

  constructor(name: string, args: AgentKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("nylas:index:AgentKey", name, {}, opts);
    if (!args || args.grantId === undefined) throw new Error(`AgentKey ${name}: grantId is required (the agent's AgentAccount.grantId)`);
    this.principal = new IamPrincipal(
      `${name}-principal`,
      {
        name: args.principalName ?? `agent ${name}`,
        description: pulumi.interpolate`AI agent key for grant ${args.grantId} (pulumi-nylas-agents)`,
        binding: { type: "grant", id: args.grantId },
        roles: args.roles,
        directPermissions: args.directPermissions ?? [...AGENT_LOOP_PERMISSIONS],
      },
      { parent: this },
    );
    this.credential = new IamCredential(
      `${name}-credential`,
      { principalId: this.principal.id, name: "agent key", expiresAt: args.expiresAt, secretVersion: args.secretVersion },
      { parent: this },
    );
    this.principalId = this.principal.id;
    // Secret whatever the engine does with the child's additionalSecretOutputs (mocks ignore them).
    this.apiKey = pulumi.secret(this.credential.apiKey);
    this.expiresAt = this.credential.expiresAt;
    this.registerOutputs({ principalId: this.principalId, apiKey: this.apiKey, expiresAt: this.expiresAt });
  }
}
