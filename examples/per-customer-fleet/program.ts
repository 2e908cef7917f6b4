import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as nylas from "pulumi-nylas-agents";

/**
 * The per-customer program: what one customer's stack holds — an agent mailbox on the customer's own
 * domain, in a workspace of that domain with the customer's policy (its daily send limit), and
 * optionally a webhook to the customer's endpoint. `fleet.ts` runs it once per customer with the
 * Automation API; `index.ts` runs it for one customer with the Pulumi CLI.
 */
export interface Customer {
  /** Stack name: lower-case letters, digits and dashes. */
  id: string;
  name: string;
  /** The customer's mail domain, registered with Nylas. */
  domain: string;
  dailySendLimit: number;
  /** Local part of the agent's address. @default "assistant" */
  mailbox?: string;
  webhookUrl?: string;
}

/** Reads and checks `customers.json` (or another file). */
export function loadCustomers(file = path.join(__dirname, "customers.json")): Customer[] {
  const list: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (!Array.isArray(list)) throw new Error(`${file}: expected an array of customers`);
  const seen = new Set<string>();
  return list.map((c: Partial<Customer>, i) => {
    const where = `${file}[${i}]`;
    if (typeof c.id !== "string" || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(c.id)) throw new Error(`${where}.id must be lower-case letters, digits and dashes (it names the stack)`);
    if (seen.has(c.id)) throw new Error(`${where}.id "${c.id}" appears twice`);
    seen.add(c.id);
    if (typeof c.name !== "string" || !c.name.trim()) throw new Error(`${where}.name is required`);
    if (typeof c.domain !== "string" || !/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(c.domain)) throw new Error(`${where}.domain must be a domain like acme.example.com`);
    if (typeof c.dailySendLimit !== "number" || !Number.isInteger(c.dailySendLimit) || c.dailySendLimit < 0) throw new Error(`${where}.dailySendLimit must be a whole number ≥ 0`);
    return c as Customer;
  });
}

/** The inline program of one customer's stack (the Automation API's `program`); its result is the stack outputs. */
export function customerProgram(customer: Customer): () => Promise<Record<string, unknown>> {
  return async () => {
    const mailbox = new nylas.AgentMailbox(customer.id, {
      email: `${customer.mailbox ?? "assistant"}@${customer.domain}`,
      name: `${customer.name} Assistant`,
      workspace: { name: `${customer.name} agents` },
      policy: { name: `${customer.name} agents`, limits: { limitCountDailyEmailSent: customer.dailySendLimit } },
      webhook: customer.webhookUrl ? { url: customer.webhookUrl } : undefined,
    });
    return {
      email: mailbox.email,
      grantId: mailbox.grantId,
      workspaceId: mailbox.workspaceId,
      ...(mailbox.webhook ? { webhookSecret: mailbox.webhookSecret } : {}),
    };
  };
}
