import * as nylas from "pulumi-nylas-agents";

/**
 * Two agents, each with a key of its own (AgentMailbox `agentKey`), sharing one application-wide
 * Pub/Sub channel (`sharedNotifications`). Run by tests/provider/agent-key.test.ts through the program
 * runner, so every resource goes through the real provider host.
 */
export function agentKeysProgram(opts: { bobKeyVersion: number }): () => Promise<Record<string, unknown>> {
  return async () => {
    const events = new nylas.PubSubChannel("events", { topic: "projects/acme-agents/topics/agents", triggerTypes: ["message.created"] });
    const alice = new nylas.AgentMailbox("alice", { email: "alice@agents.example.com", agentKey: true, sharedNotifications: events });
    const bob = new nylas.AgentMailbox("bob", {
      email: "bob@agents.example.com",
      agentKey: { directPermissions: ["messages.read", "threads.read"], secretVersion: opts.bobKeyVersion },
      sharedNotifications: events,
    });
    return {
      aliceGrantId: alice.grantId,
      bobGrantId: bob.grantId,
      aliceKey: alice.agentApiKey,
      bobKey: bob.agentApiKey,
      alicePrincipalId: alice.agentKey!.principalId,
    };
  };
}
