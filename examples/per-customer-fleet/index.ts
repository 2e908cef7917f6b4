import * as pulumi from "@pulumi/pulumi";
import { customerProgram, loadCustomers } from "./program";

/**
 * One customer with the Pulumi CLI: the stack is named after the customer (or set
 * `per-customer-fleet:customer`), e.g. `pulumi stack init acme && pulumi up`. For the whole fleet,
 * run `fleet.ts` instead.
 */
const id = new pulumi.Config().get("customer") ?? pulumi.getStack();
const customer = loadCustomers().find((c) => c.id === id);
if (!customer) throw new Error(`no customer "${id}" in customers.json: name the stack after a customer id or set per-customer-fleet:customer`);

export = customerProgram(customer);
