/** Plan limits (--plan free|full): accounts, rules, lists, policy options, send quotas and rate, inbound size. */
import { setTimeout as sleep } from "node:timers/promises";
import { until } from "../harness/wait";
import { createAccount, useHarness } from "./helpers";

const h = useHarness({ emulator: { plan: "free" } }); // each test's reset goes back to the start options: plan free

const rule = (i: number) => ({
  name: `r${i}`,
  match: { conditions: [{ field: "from.domain", operator: "is", value: `d${i}.example` }] },
  actions: [{ type: "archive" }],
});
const send = (grant: string, to: string, extra: Record<string, unknown> = {}) =>
  h.api("POST", `/v3/grants/${grant}/messages/send`, { to: [{ email: to }], subject: "s", body: "b", ...extra });

test("the plan is reported and switchable; invalid plans are refused", async () => {
  expect((await h.ctl("GET", "/state")).body.plan).toBe("free");
  expect((await h.ctl("POST", "/config", { plan: "gold" })).status).toBe(400);
  await h.ctl("POST", "/config", { plan: null });
  expect((await h.ctl("GET", "/state")).body.plan).toBeNull();
  await expect(import("../../emulator").then((m) => m.startEmulator({ plan: "gold" as any, quiet: true }))).rejects.toThrow(/plan/);
});

test("Free: 3 concurrent Agent Accounts — the 4th create is refused with a 400 naming the limit; deleting frees a slot", async () => {
  const made = [];
  for (let i = 0; i < 3; i++) made.push(await createAccount(h, `a${i}@agents.example.com`));
  const fourth = await h.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email: "a3@agents.example.com" } });
  expect(fourth.status).toBe(400);
  expect(fourth.body.error.message).toMatch(/Free plan allows 3 concurrent Agent Accounts/);
  // re-authenticating an existing address is not a new account
  expect((await h.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email: "a0@agents.example.com" } })).status).toBe(200);
  await h.api("DELETE", `/v3/grants/${made[0].id}`);
  await createAccount(h, "a3@agents.example.com");
  await h.ctl("POST", "/config", { plan: "full" });
  for (let i = 4; i < 21; i++) await createAccount(h, `a${i}@agents.example.com`);
  const over = await h.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email: "a21@agents.example.com" } });
  expect(over.status).toBe(400);
  expect(over.body.error.message).toMatch(/Full Platform plan allows 20/);
});

test("Free: 5 rules and 10 lists; Full: 30 and 50", async () => {
  for (let i = 0; i < 5; i++) expect((await h.api("POST", "/v3/rules", rule(i))).status).toBe(201);
  const r6 = await h.api("POST", "/v3/rules", rule(5));
  expect(r6.status).toBe(400);
  expect(r6.body.error.message).toMatch(/allows 5 rules/);
  for (let i = 0; i < 10; i++) expect((await h.api("POST", "/v3/lists", { name: `l${i}`, type: "domain" })).status).toBe(201);
  expect((await h.api("POST", "/v3/lists", { name: "l10", type: "domain" })).status).toBe(400);
  await h.ctl("POST", "/config", { plan: "full" });
  expect((await h.api("POST", "/v3/rules", rule(5))).status).toBe(201);
  expect((await h.api("POST", "/v3/lists", { name: "l10", type: "domain" })).status).toBe(201);
});

test("policy options: refused on Free with one clear error, accepted on Full and without a plan", async () => {
  const body = { name: "opts", options: { additional_folders: ["Escalations"], use_cidr_aliasing: true } };
  const refused = await h.api("POST", "/v3/policies", body);
  expect(refused.status).toBe(400);
  expect(refused.body.error.message).toMatch(/options\.additional_folders is not available on the Free plan/);
  const plain = (await h.api("POST", "/v3/policies", { name: "plain" })).body.data;
  expect((await h.api("PUT", `/v3/policies/${plain.id}`, { options: { use_cidr_aliasing: true } })).body.error.message).toMatch(
    /use_cidr_aliasing is not available on the Free plan/,
  );
  await h.ctl("POST", "/config", { plan: "full" });
  const ok = await h.api("POST", "/v3/policies", body);
  expect(ok.status).toBe(200);
  expect(ok.body.data.options).toEqual(body.options);
  await h.ctl("POST", "/config", { plan: null });
  expect((await h.api("PUT", `/v3/policies/${plain.id}`, { options: { use_cidr_aliasing: true } })).status).toBe(200);
});

test("Free: 200 sends per account per day, 3,000 per month → 403 naming the limit; the policy's daily cap is stricter", async () => {
  const a = await createAccount(h, "s@agents.example.com");
  await h.ctl("POST", `/grants/${a.id}/usage`, { sent_today: 199 });
  expect((await send(a.id, "x@example.org")).status).toBe(200);
  const over = await send(a.id, "x@example.org");
  expect(over.status).toBe(403);
  expect(over.body.error.message).toMatch(/Free plan allows 200 messages per account per day.*00:00 UTC/);
  await h.ctl("POST", `/grants/${a.id}/usage`, { sent_today: 0, sent_this_month: 3000 });
  expect((await send(a.id, "x@example.org")).body.error.message).toMatch(/3000 messages per month/);
  await h.ctl("POST", "/config", { plan: "full" }); // Full: no daily cap, monthly overages billed
  await sleep(1100);
  expect((await send(a.id, "x@example.org")).status).toBe(200);

  const pol = (await h.api("POST", "/v3/policies", { name: "cap", limits: { limit_count_daily_email_sent: 1 } })).body.data.id;
  const ws = (await h.api("POST", "/v3/workspaces", { name: "capped", policy_id: pol })).body.data.workspace_id;
  await h.api("PATCH", `/v3/grants/${a.id}`, { workspace_id: ws });
  await h.ctl("POST", `/grants/${a.id}/usage`, { sent_today: 0 });
  await sleep(300);
  expect((await send(a.id, "x@example.org")).status).toBe(200);
  const capped = await send(a.id, "x@example.org");
  expect(capped.status).toBe(403);
  expect(capped.body.error.message).toMatch(/workspace policy allows 1 messages per account per day/);
});

test("sends per second (sandbox 1/s): a burst is queued — 202 without headers, delivered later; a full queue → 429 Retry-After", async () => {
  const a = await createAccount(h, "burst@agents.example.com");
  const b = await createAccount(h, "rcpt@agents.example.com");
  // sent together: the first goes out at once, the others wait for the next seconds' slots
  const burst = await Promise.all(["one", "two", "three"].map((subject) => send(a.id, b.email, { subject })));
  expect(burst.map((r) => r.status).sort()).toEqual([200, 202, 202]);
  const first = burst.find((r) => r.status === 200)!;
  const queued = burst.filter((r) => r.status === 202);
  expect(first.body.data.headers).toEqual(expect.any(Array));
  for (const q of queued) {
    expect(q.body.data).toMatchObject({ id: expect.any(String), folders: ["sent"] });
    expect(q.body.data.headers).toBeUndefined();
  }
  const inbox = async () => (await h.api("GET", `/v3/grants/${b.id}/messages`)).body.data.map((m: any) => m.subject);
  expect((await inbox()).length).toBeLessThan(3); // the last one is two seconds away
  await until(async () => (await inbox()).length === 3, "the queued sends delivered");
  expect((await inbox()).sort()).toEqual(["one", "three", "two"]);

  await h.ctl("POST", "/config", { sendQueueSeconds: 1 }); // the queue holds one second of sends
  await sleep(1500);
  const four = await Promise.all([0, 1, 2, 3].map((i) => send(a.id, b.email, { subject: `q${i}` })));
  expect(four.map((r) => r.status).sort()).toEqual([200, 202, 429, 429]);
  const limited = four.find((r) => r.status === 429);
  expect(limited!.headers.get("retry-after")).toMatch(/^\d+$/);
  expect(limited!.body.error.message).toMatch(/send queue is full/);
});

test("inbound size: 50 MB on Free, 100 MB on Full → refused with SMTP 552, nothing stored", async () => {
  const a = await createAccount(h, "big@agents.example.com");
  const mail = (size: number) => h.ctl("POST", "/inbound", { from: "x@example.org", to: a.email, subject: "big", body: "x", size_bytes: size });
  expect((await mail(50_000_000)).body.data).toHaveLength(1);
  const refused = await mail(50_000_001);
  expect(refused.body.data).toEqual([]);
  expect(refused.body.results).toEqual([
    {
      email: a.email,
      grant_id: a.id,
      outcome: "refused",
      matched_rule_ids: [],
      smtp_code: 552,
      reason: expect.stringMatching(/Free plan's inbound limit of 50000000 bytes/),
    },
  ]);
  await h.ctl("POST", "/config", { plan: "full" });
  expect((await mail(99_000_000)).body.data).toHaveLength(1);
  expect((await mail(100_000_001)).body.results).toEqual([expect.objectContaining({ outcome: "refused", smtp_code: 552 })]);
  expect((await h.api("GET", `/v3/grants/${a.id}/messages`)).body.data).toHaveLength(2);
});

test("without a plan nothing is capped", async () => {
  await h.ctl("POST", "/config", { plan: null });
  for (let i = 0; i < 5; i++) await createAccount(h, `n${i}@agents.example.com`);
  const g = (await h.api("GET", "/v3/grants?limit=1")).body.data[0];
  const statuses = await Promise.all([1, 2, 3].map(() => send(g.id, "x@example.org")));
  expect(statuses.map((r) => r.status)).toEqual([200, 200, 200]);
});
