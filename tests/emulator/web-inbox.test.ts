/**
 * The web inbox at the emulator's root: server-rendered pages (checked over HTTP), and what a person
 * sees in a real headless Chromium (Debian's `chromium`, driven by playwright-core, which never
 * downloads a browser). Where no Chromium is installed the browser test is skipped and says so.
 */
import { existsSync, mkdirSync } from "node:fs";
import * as path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { createAccount, useHarness } from "./helpers";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOT = path.resolve(__dirname, "..", "..", "dist", "test-artifacts", "web-inbox.png");

const h = useHarness();
let agent: { id: string; email: string };

beforeEach(async () => {
  agent = await createAccount(h, "support@agents.example.com", { name: "Support Agent" });
});

const page = async (p: string) => {
  const res = await fetch(`${h.emu.url}${p}`);
  return { status: res.status, type: res.headers.get("content-type"), csp: res.headers.get("content-security-policy"), text: await res.text() };
};

describe("pages over HTTP", () => {
  it("lists accounts, folders, threads and messages, escaping everything mail can contain", async () => {
    const r = await h.control.injectMail({ from: { email: "eve@outside.example", name: "Eve <script>" }, to: agent.email, subject: "<b>bold</b> & co", body: "<p>hi</p>" });
    const root = await page("/");
    expect(root).toMatchObject({ status: 200, type: "text/html; charset=utf-8" });
    expect(root.csp).toContain("default-src 'none'");
    expect(root.text).toContain(`<a href="/accounts/${agent.id}">support@agents.example.com</a>`);

    const inbox = await page(`/accounts/${agent.id}`);
    expect(inbox.text).toContain("&lt;b&gt;bold&lt;/b&gt; &amp; co");
    expect(inbox.text).not.toContain("<b>bold</b>");
    expect(inbox.text).not.toContain("<script>");

    const thread = await page(`/accounts/${agent.id}/threads/${r.results[0].thread_id}`);
    expect(thread.text).toContain('<iframe sandbox="" srcdoc="');
    expect(thread.text).toContain("&lt;p&gt;hi&lt;/p&gt;"); // the body only inside the sandboxed frame's srcdoc
  });

  it("shows custom folders, rule evaluations and channel deliveries", async () => {
    const folder = (await h.api("POST", `/v3/grants/${agent.id}/folders`, { name: "Clients/Acme" })).body.data;
    const rule = (
      await h.api("POST", "/v3/rules", {
        name: "file acme",
        match: { conditions: [{ field: "from.domain", operator: "is", value: "acme.example" }] },
        actions: [{ type: "assign_to_folder", value: "Clients/Acme" }],
      })
    ).body.data;
    const block = (
      await h.api("POST", "/v3/rules", { name: "drop spam", match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: [{ type: "block" }] })
    ).body.data;
    await h.api("PATCH", `/v3/workspaces/${(await h.control.state()).default_workspace_id}`, { rule_ids: [rule.id, block.id] });
    const channel = (
      await h.api("POST", "/v3/channels/pubsub", { topic: "projects/acme-prod/topics/inbox-view", trigger_types: ["message.created"], encryption_key: "pubsub-key-not-to-show" })
    ).body.data;
    await h.control.setTopicReachable("projects/acme-prod/topics/inbox-view", false);
    const filed = await h.control.injectMail({ from: "ceo@acme.example", to: agent.email, subject: "Order for Acme" });
    await h.control.injectMail({ from: "x@spam.example", to: agent.email, subject: "never stored" });

    const account = await page(`/accounts/${agent.id}`);
    expect(account.text).toContain(`href="/accounts/${agent.id}?folder=${encodeURIComponent(folder.id)}">Clients/Acme <span class="count">1</span>`);
    const inFolder = await page(`/accounts/${agent.id}?folder=${encodeURIComponent(folder.id)}`);
    expect(inFolder.text).toContain("Order for Acme");
    expect(account.text).toContain("Rule evaluations");
    expect(account.text).toContain("folder_ids: Clients/Acme");

    const evaluations = await page("/rule-evaluations");
    expect(evaluations.status).toBe(200);
    const rows = evaluations.text.split("<tr>").slice(2); // after the header row, newest first
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain("smtp_rcpt");
    expect(rows[0]).toContain("drop spam");
    expect(rows[0]).toContain("blocked");
    expect(rows[1]).toContain("inbox_processing");
    expect(rows[1]).toContain("file acme");
    expect(rows[1]).toContain(`/accounts/${agent.id}/threads/${filed.results[0].thread_id}#m-${filed.results[0].message_id}`);
    expect((await page(`/rule-evaluations?grant=${agent.id}`)).text).toContain("file acme");
    expect((await page("/rule-evaluations?grant=nope")).status).toBe(404);

    const deliveries = await page("/deliveries");
    expect(deliveries.text).toContain("Channel deliveries");
    expect(deliveries.text).toContain("projects/acme-prod/topics/inbox-view");
    expect(deliveries.text).toContain("unreachable");
    const root = await page("/");
    expect(root.text).toContain("Notification channels");
    expect(root.text).toContain(channel.topic);
    for (const t of [root.text, deliveries.text]) expect(t).not.toContain("pubsub-key-not-to-show");
  });

  it("answers 404 for unknown accounts and threads, and leaves the API's paths to the API", async () => {
    expect((await page("/accounts/nope")).status).toBe(404);
    expect((await page(`/accounts/${agent.id}/threads/nope`)).status).toBe(404);
    const api = await fetch(`${h.emu.url}/v3/grants`);
    expect(api.status).toBe(401); // still the API (no key)
    expect(await page("/nothing-here")).toMatchObject({ status: 404, type: "application/json; charset=utf-8" });
  });

  it("shows no secrets", async () => {
    await h.control.config({ webhookChallenge: false });
    const hook = (await h.api("POST", "/v3/webhooks", { trigger_types: ["message.created"], webhook_url: "http://127.0.0.1:9/x" })).body.data;
    expect(hook.webhook_secret).toEqual(expect.any(String));
    await h.control.injectMail({ from: "x@outside.example", to: agent.email, subject: "fires a delivery" });
    await h.control.waitForDeliveries(() => true, { timeoutMs: 10_000 });
    await createAccount(h, "pw@agents.example.com", { settings: { email: "pw@agents.example.com", app_password: "Secret-Passw0rd-12345678" } });
    const texts = await Promise.all(["/", "/deliveries", "/outbox", "/faults", "/requests", "/rule-evaluations"].map(async (p) => (await page(p)).text));
    for (const t of texts) {
      expect(t).not.toContain(hook.webhook_secret);
      expect(t).not.toContain("scrypt$");
    }
  });

  it("is off with inbox: false", async () => {
    const { startEmulator } = await import("../../emulator");
    const emu = await startEmulator({ inbox: false, quiet: true });
    try {
      expect(emu.inboxUrl).toBeUndefined();
      expect((await fetch(`${emu.url}/`)).status).toBe(404);
    } finally {
      await emu.close();
    }
  });
});

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.log(`web inbox browser test SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`);

(haveChromium ? describe : describe.skip)("in headless Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Offline machine: no background connections Chromium would make (they are refused here).
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows an injected message in the account's inbox and its thread, with bodies' scripts not run", async () => {
    const received = await h.control.injectMail({
      from: { email: "alice@customer.example", name: "Alice Example" },
      to: agent.email,
      subject: "Where is my parcel?",
      body: '<p id="b">My parcel #4411 has not arrived.</p><script>document.getElementById("b").textContent = "script ran"</script>',
    });
    await h.api("POST", `/v3/grants/${agent.id}/messages/send`, {
      to: [{ email: "alice@customer.example", name: "Alice Example" }],
      subject: "Re: Where is my parcel?",
      body: "<p>Hi Alice, order #4411 left our warehouse yesterday.</p>",
      reply_to_message_id: received.results[0].message_id,
    });
    await h.control.injectMail({ from: "newsletter@promo.example", to: agent.email, subject: "50% off everything", body: "Sale!" });
    const sales = await createAccount(h, "sales@agents.example.com", { name: "Sales Agent" });
    await h.api("POST", `/v3/grants/${sales.id}/messages/send`, { to: [{ email: agent.email }], subject: "Customer asks for 20 seats", body: "Can you confirm the volume discount?" });
    await h.control.faults([{ method: "POST", path: "^/v3/grants/[^/]+/messages/send$", kind: "status", status: 503, times: 2 }]);

    const context = await browser.newContext({ viewport: { width: 1200, height: 470 } });
    try {
      const tab = await context.newPage();
      await tab.goto(`${h.emu.url}/`);
      await tab.getByRole("link", { name: agent.email }).first().click();
      await tab.waitForURL(`**/accounts/${agent.id}`);
      const row = tab.locator("table.threads tr", { hasText: "Where is my parcel?" });
      await row.waitFor();
      expect(await row.textContent()).toContain("Alice Example");
      expect(await tab.locator("table.threads").textContent()).toContain("50% off everything");
      expect(await tab.locator("table.threads").textContent()).toContain("Customer asks for 20 seats");

      await row.getByRole("link", { name: "Where is my parcel?" }).click();
      await tab.waitForURL(`**/threads/${received.results[0].thread_id}`);
      expect(await tab.locator("article.message").count()).toBe(2);
      const body = tab.frameLocator("article.message iframe").first().locator("#b");
      await body.waitFor();
      expect(await body.textContent()).toBe("My parcel #4411 has not arrived."); // the script did not run
      expect(await tab.locator("article.message").nth(1).textContent()).toContain("Sent");

      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await tab.goto(`${h.emu.url}/accounts/${agent.id}`);
      await tab.screenshot({ path: SCREENSHOT });
      expect(existsSync(SCREENSHOT)).toBe(true);
      console.log(`web inbox screenshot: ${SCREENSHOT}`);

      await tab.getByRole("link", { name: /^Rule evaluations/ }).click();
      expect(await tab.locator("main table").textContent()).toContain("inbox_processing");

      await tab.getByRole("link", { name: /^Faults/ }).click();
      expect(await tab.locator("main table").textContent()).toContain("^/v3/grants/[^/]+/messages/send$");
    } finally {
      await context.close();
    }
  });
});
