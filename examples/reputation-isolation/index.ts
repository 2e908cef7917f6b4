import * as pulumi from "@pulumi/pulumi";
import * as nylas from "pulumi-nylas-agents";

/**
 * Reputation isolation: high-volume outbound mail is split across subdomains
 * (`outbound1.agents.example.com`, …) so a complaint spike on one stream cannot pause the others. Each
 * subdomain gets its own workspace and policy with its own daily send limit (a new stream warms up on a
 * low one), and all streams share an outbound suppression rule.
 *
 * Config: `nylas:apiKey`/`nylas:apiUri` as usual; `reputation-isolation:domain` (default
 * `agents.example.com`); `reputation-isolation:manageDomains` (default false): also declare each
 * subdomain as a `nylas.Domain` (needs `nylas:serviceAccount`) and export the DNS records to publish —
 * otherwise register the subdomains in the Nylas dashboard first.
 */
const config = new pulumi.Config();
const parent = config.get("domain") ?? "agents.example.com";
const manageDomains = config.getBoolean("manageDomains") ?? false;

/** One stream per subdomain; raise `dailySend` as the stream's reputation grows. */
const streams = [
  { subdomain: "outbound1", dailySend: 5000 },
  { subdomain: "outbound2", dailySend: 5000 },
  { subdomain: "outbound3", dailySend: 500 }, // warming up
];

// Never mail people who asked not to be contacted, from any stream: the send fails with 403.
const suppressed = new nylas.List("suppressed", {
  name: "reputation-isolation suppressed recipients",
  type: "address",
  items: ["unsubscribed@customer.example", "bounced@customer.example"],
});
const suppress = new nylas.Rule("suppress", {
  name: "reputation-isolation suppress listed recipients",
  trigger: "outbound",
  match: { conditions: [{ field: "recipient.address", operator: "in_list", value: [suppressed.id] }] },
  actions: [{ type: "block" }],
});

const outbound = streams.map(({ subdomain, dailySend }) => {
  const address = `${subdomain}.${parent}`;
  const domain = manageDomains ? new nylas.Domain(subdomain, { name: `outbound ${subdomain}`, domainAddress: address }) : undefined;
  const mailbox = new nylas.AgentMailbox(subdomain, {
    // With a managed domain, the address comes from it, so the account waits for the domain.
    email: domain ? pulumi.interpolate`outreach@${domain.domainAddress}` : `outreach@${address}`,
    name: "Outreach",
    // Own workspace for the subdomain (autoGroup on: new accounts there join it), own policy.
    policy: { name: `reputation ${subdomain}`, limits: { limitCountDailyEmailSent: dailySend } },
    sharedRuleIds: [suppress.id],
  });
  return { subdomain, address, dailySend, mailbox, domain };
});

export const streamsBySubdomain = Object.fromEntries(
  outbound.map((s) => [
    s.subdomain,
    { email: s.mailbox.email, grantId: s.mailbox.grantId, workspaceId: s.mailbox.workspaceId, dailySendLimit: s.dailySend, dnsRecords: s.domain?.dnsRecords },
  ]),
);
