import type { ResourceDefinition } from "./lifecycle";
import { policyDefinition } from "./resources/policy";
import { workspaceDefinition, defaultWorkspaceDefinition } from "./resources/workspace";
import { domainDefinition } from "./resources/domain";
import { ruleDefinition } from "./resources/rule";
import { listDefinition } from "./resources/list";
import { agentAccountDefinition } from "./resources/agent-account";
import { webhookDefinition } from "./resources/webhook";
import { pubsubChannelDefinition, snsChannelDefinition } from "./resources/channel";
import { iamPrincipalDefinition } from "./resources/iam-principal";
import { iamCredentialDefinition } from "./resources/iam-credential";
import { folderDefinition } from "./resources/folder";

/** Every resource definition by type name (the last segment of its type token). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const definitions: Record<string, ResourceDefinition<any, any>> = {
  Policy: policyDefinition,
  Workspace: workspaceDefinition,
  DefaultWorkspace: defaultWorkspaceDefinition,
  Domain: domainDefinition,
  Rule: ruleDefinition,
  List: listDefinition,
  AgentAccount: agentAccountDefinition,
  Webhook: webhookDefinition,
  PubSubChannel: pubsubChannelDefinition,
  SnsChannel: snsChannelDefinition,
  IamPrincipal: iamPrincipalDefinition,
  IamCredential: iamCredentialDefinition,
  Folder: folderDefinition,
};
