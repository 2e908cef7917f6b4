/**
 * The read-only web inbox at the emulator's root: agent accounts, their folders (system and custom),
 * threads and messages, the outbox, webhook and Pub/Sub/SNS channel deliveries, rule evaluations,
 * faults in force and the request log. Server-rendered HTML, no scripts: what a person opens instead of
 * reading JSON. It never shows secrets (webhook secrets, channel encryption keys, app password hashes).
 */
import type * as http from "node:http";
import type { App } from "../app";
import { SYSTEM_FOLDERS } from "../app";
import type { RequestLogEntry } from "../control";
import type { Faults } from "../faults";
import type { ChannelRec } from "../handlers/channels";
import { folderPath, grantFolders } from "../handlers/folders";
import type { RuleEvaluationRec } from "../handlers/rule-evaluations";
import { publicThread } from "../mailbox";
import type { OutboxRec } from "../outbox";
import type { GrantRec, MessageRec, Participant, RuleRec, ThreadRec, WebhookRec } from "../types";
import type { ChannelDeliveryLogEntry, DeliveryLogEntry } from "../webhook-delivery";
import { html, Html } from "./html";
import { STYLE } from "./style";

export interface WebInboxDeps {
  app: App;
  faults: Faults;
  requests: RequestLogEntry[];
  /** Whether /__emulator/ is mounted (the pages say how to inject mail). */
  control: boolean;
}

type Page = { title: string; body: Html; status?: number };

const enc = encodeURIComponent;
const when = (unixSeconds: number | undefined): string =>
  unixSeconds === undefined ? "" : new Date(unixSeconds * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
const whenMs = (ms: number): string => when(Math.floor(ms / 1000));
const who = (ps: Participant[]): string => ps.map((p) => (p.name ? `${p.name} <${p.email}>` : p.email)).join(", ");
const short = (id: string): string => (id.length > 12 ? `${id.slice(0, 8)}…` : id);

const isChannelEntry = (d: DeliveryLogEntry | ChannelDeliveryLogEntry): d is ChannelDeliveryLogEntry => "channel_id" in d;

export function webInbox(deps: WebInboxDeps): (req: http.IncomingMessage, res: http.ServerResponse, path: string, url: URL) => boolean {
  const { app } = deps;

  const grants = (): GrantRec[] => app.store.col<GrantRec>("grants").all();
  const messagesOf = (g: GrantRec): MessageRec[] =>
    (app.idx.messagesByGrant.get(g.id)?.ids ?? []).map((id) => app.store.get<MessageRec>("messages", id)!).filter(Boolean);

  const evaluations = (g?: GrantRec): RuleEvaluationRec[] => {
    const col = app.store.col<RuleEvaluationRec>("rule_evaluations");
    return g ? app.idx.grantIds("rule_evaluations", g.id).ids.map((id) => col.get(id)!).filter(Boolean) : col.all();
  };

  /** A folder id as a person reads it: a system folder's name, a custom folder's path. */
  const folderName = (g: GrantRec, id: string): string => {
    const system = SYSTEM_FOLDERS.find((f) => f.id === id);
    if (system) return system.name;
    const custom = grantFolders(app, g.id).find((f) => f.id === id);
    return custom ? folderPath(app, custom) : id;
  };

  const nav = (active: string): Html => {
    const outbox = app.store.col("outbox").size;
    const deliveries = app.deliverer.log.length;
    const faults = deps.faults.list().length;
    const link = (href: string, label: string, count?: number) =>
      html`<a href="${href}" class="${active === href ? "active" : ""}">${label}${count !== undefined ? html` <span class="count">${count}</span>` : ""}</a>`;
    return html`<nav>
      ${link("/", "Accounts", grants().length)}
      ${link("/outbox", "Outbox", outbox)}
      ${link("/deliveries", "Deliveries", deliveries)}
      ${link("/rule-evaluations", "Rule evaluations", app.store.col("rule_evaluations").size)}
      ${link("/faults", "Faults", faults)}
      ${link("/requests", "Requests", deps.requests.length)}
    </nav>`;
  };

  const sidebar = (current?: string): Html => {
    const gs = grants();
    return html`<aside>
      <h2>Agent accounts</h2>
      ${gs.length === 0 ? html`<p class="muted">none yet</p>` : ""}
      <ul>${gs.map((g) => {
        const unread = messagesOf(g).filter((m) => m.unread && m.folders.includes("inbox")).length;
        return html`<li class="${g.id === current ? "current" : ""}"><a href="/accounts/${enc(g.id)}">${g.email}</a>${unread ? html` <span class="badge">${unread}</span>` : ""}</li>`;
      })}</ul>
    </aside>`;
  };

  const layout = (active: string, page: Page, current?: string): string =>
    `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8"><title>${page.title} · Nylas emulator</title>
      <meta name="viewport" content="width=device-width, initial-scale=1"><style>${new Html(STYLE)}</style></head>
      <body><header><a href="/" class="brand">Nylas emulator</a><span class="muted">web inbox · read-only · ${app.meta.application_id}</span></header>
      ${nav(active)}<div class="page">${sidebar(current)}<main>${page.body}</main></div></body></html>`}`;

  // ---------------------------------------------------------------------------------------- pages

  const accountsPage = (): Page => {
    const gs = grants();
    const webhooks = app.store.col<WebhookRec>("webhooks").all();
    const channels = app.store.col<ChannelRec>("channels").all();
    const faults = deps.faults.list();
    return {
      title: "Accounts",
      body: html`<h1>Agent accounts</h1>
      ${gs.length === 0
        ? html`<p class="muted">No agent accounts yet: create one with <code>POST /v3/connect/custom</code> (or <code>pulumi up</code>).</p>`
        : html`<table><thead><tr><th>Address</th><th>Name</th><th>Status</th><th>Inbox</th><th>Junk</th><th>Sent</th><th>SMTP</th><th>Created</th></tr></thead><tbody>
          ${gs.map((g) => {
            const ms = messagesOf(g);
            const n = (f: string) => ms.filter((m) => m.folders.includes(f)).length;
            return html`<tr><td><a href="/accounts/${enc(g.id)}">${g.email}</a></td><td>${g.name ?? ""}</td>
              <td><span class="pill ${g.grant_status === "valid" ? "ok" : "bad"}">${g.grant_status}</span></td>
              <td>${n("inbox")}</td><td>${n("junk")}</td><td>${n("sent")}</td>
              <td>${g._app_password_hash ? "app password set" : html`<span class="muted">no app password</span>`}</td><td>${when(g.created_at)}</td></tr>`;
          })}</tbody></table>`}
      <h2>Webhooks</h2>
      ${webhooks.length === 0
        ? html`<p class="muted">none</p>`
        : html`<table><thead><tr><th>URL</th><th>Status</th><th>Triggers</th></tr></thead><tbody>
          ${webhooks.map((w) => html`<tr><td>${w.webhook_url}</td><td><span class="pill ${w.status === "active" ? "ok" : "bad"}">${w.status}</span></td><td>${w.trigger_types.join(", ")}</td></tr>`)}
          </tbody></table>`}
      <h2>Notification channels</h2>
      ${channels.length === 0
        ? html`<p class="muted">none (Pub/Sub and SNS channels: <code>POST /v3/channels/pubsub</code>, <code>/v3/channels/sns</code>)</p>`
        : html`<table><thead><tr><th>Kind</th><th>Topic</th><th>Status</th><th>Triggers</th><th>Compressed</th></tr></thead><tbody>
          ${channels.map((c) => html`<tr><td>${c._kind === "sns" ? "SNS" : "Pub/Sub"}</td><td><code>${c.topic}</code></td><td><span class="pill ${c.status === "active" ? "ok" : "bad"}">${c.status}</span></td><td>${c.trigger_types.join(", ")}</td><td>${c.compressed_delivery ? "yes" : "no"}</td></tr>`)}
          </tbody></table>`}
      <h2>Faults in force</h2>
      ${faultTable(faults)}
      ${deps.control ? "" : html`<p class="muted">The control API is off: start with <code>--control</code> to inject mail and faults.</p>`}`,
    };
  };

  const faultTable = (faults: ReturnType<Faults["list"]>): Html =>
    faults.length === 0
      ? html`<p class="muted">none — every request is answered normally</p>`
      : html`<table><thead><tr><th>Method</th><th>Path</th><th>Kind</th><th>Status</th><th>Latency</th><th>Times</th><th>Matched</th><th>Applied</th></tr></thead><tbody>
        ${faults.map((f) => html`<tr><td>${f.method ?? "any"}</td><td><code>${f.path}</code></td><td>${f.kind}</td><td>${f.status ?? ""}</td><td>${f.latencyMs !== undefined ? `${f.latencyMs} ms` : ""}</td><td>${f.times ?? "∞"}</td><td>${f.matched}</td><td>${f.applied}</td></tr>`)}
        </tbody></table>`;

  const accountPage = (g: GrantRec, folder: string): Page => {
    const ms = messagesOf(g);
    const folderIds = [
      ...new Set([...SYSTEM_FOLDERS.map((f) => f.id as string), ...grantFolders(app, g.id).map((f) => f.id), ...ms.flatMap((m) => m.folders)]),
    ];
    const threads = (app.idx.threadsByGrant.get(g.id)?.ids ?? [])
      .map((id) => app.store.get<ThreadRec>("threads", id)!)
      .filter(Boolean)
      .map((t) => ({ t, msgs: t.message_ids.map((id) => app.store.get<MessageRec>("messages", id)).filter((m): m is MessageRec => !!m) }))
      .filter(({ msgs }) => msgs.some((m) => m.folders.includes(folder)))
      .sort((a, b) => Math.max(...b.msgs.map((m) => m.date)) - Math.max(...a.msgs.map((m) => m.date)));
    return {
      title: g.email,
      body: html`<h1>${g.email} <span class="muted">${g.name ?? ""}</span></h1>
      <p class="muted">grant ${g.id} · ${g.grant_status}${g.workspace_id ? ` · workspace ${g.workspace_id}` : ""}</p>
      <div class="folders">${folderIds.map((f) => {
        const inF = ms.filter((m) => m.folders.includes(f));
        const unread = inF.filter((m) => m.unread).length;
        return html`<a class="folder ${f === folder ? "active" : ""}" href="/accounts/${enc(g.id)}?folder=${enc(f)}">${folderName(g, f)} <span class="count">${inF.length}</span>${unread ? html` <span class="badge">${unread}</span>` : ""}</a>`;
      })}</div>
      ${threads.length === 0
        ? html`<p class="muted">No messages in ${folderName(g, folder)}.</p>`
        : html`<table class="threads"><thead><tr><th></th><th>From</th><th>Subject</th><th>Messages</th><th>Latest</th></tr></thead><tbody>
          ${threads.map(({ t, msgs }) => {
            const inFolder = msgs.filter((m) => m.folders.includes(folder));
            const latest = inFolder.reduce((a, b) => (b.date >= a.date ? b : a));
            const unread = msgs.some((m) => m.unread);
            return html`<tr class="${unread ? "unread" : ""}"><td>${msgs.some((m) => m.starred) ? "★" : ""}</td>
              <td>${who(latest.from)}</td>
              <td><a href="/accounts/${enc(g.id)}/threads/${enc(t.id)}">${t.subject || "(no subject)"}</a> <span class="muted">${latest.snippet}</span></td>
              <td>${msgs.length}</td><td class="date">${when(latest.date)}</td></tr>`;
          })}</tbody></table>`}
      <h2>Rule evaluations <span class="muted">newest first · <a href="/rule-evaluations?grant=${enc(g.id)}">all</a></span></h2>
      ${evaluationTable(evaluations(g).slice(-20), false)}`,
    };
  };

  const threadPage = (g: GrantRec, t: ThreadRec): Page => {
    const view = publicThread(app, t) as { participants: Participant[]; folders: string[] };
    const msgs = t.message_ids.map((id) => app.store.get<MessageRec>("messages", id)).filter((m): m is MessageRec => !!m);
    return {
      title: t.subject || "(no subject)",
      body: html`<p><a href="/accounts/${enc(g.id)}">← ${g.email}</a></p>
      <h1>${t.subject || "(no subject)"}</h1>
      <p class="muted">thread ${t.id} · ${msgs.length} messages · ${who(view.participants)} · folders ${view.folders.map((f) => folderName(g, f)).join(", ")}</p>
      ${msgs.map((m) => messageCard(g, m))}`,
    };
  };

  const header = (m: { headers: { name: string; value: string }[] }, n: string) => m.headers.find((h) => h.name.toLowerCase() === n)?.value;

  const messageCard = (g: GrantRec, m: MessageRec): Html => html`<article class="message ${m.unread ? "unread" : ""}" id="m-${m.id}">
      <div class="meta"><strong>${who(m.from)}</strong> → ${who(m.to)}${m.cc.length ? ` · cc ${who(m.cc)}` : ""}
        <span class="right">${m.starred ? "★ " : ""}${m.folders.map((f) => html`<span class="pill">${folderName(g, f)}</span>`)} ${when(m.date)}</span></div>
      <div class="subject">${m.subject}</div>
      <iframe sandbox="" srcdoc="${bodyDocument(m.body)}" title="message body"></iframe>
      <details><summary>Headers · message ${m.id}</summary><table class="headers">${m.headers.map((h) => html`<tr><th>${h.name}</th><td>${h.value}</td></tr>`)}</table></details>
    </article>`;

  /** The body in a sandboxed frame (no scripts, no same-origin), plain text kept as text. */
  const bodyDocument = (body: string): string => {
    const looksHtml = /<\/?[a-z][\s\S]*>/i.test(body);
    const content = looksHtml ? body : html`<pre>${body}</pre>`.text;
    return `<!doctype html><meta charset="utf-8"><style>body{font:14px/1.45 system-ui,sans-serif;margin:8px;color:#1f2328}pre{white-space:pre-wrap;font:inherit;margin:0}</style>${content}`;
  };

  const outboxPage = (): Page => {
    const all = app.store.col<OutboxRec>("outbox").all().reverse();
    return {
      title: "Outbox",
      body: html`<h1>Outbox</h1><p class="muted">Mail agents sent to addresses outside the emulator (newest first). A test reads it with <code>control.outbox()</code> and answers with <code>control.replyToOutbox(id, …)</code>.</p>
      ${all.length === 0
        ? html`<p class="muted">empty</p>`
        : html`<table><thead><tr><th>Date</th><th>From</th><th>To (outside)</th><th>Subject</th><th>In reply to</th></tr></thead><tbody>
          ${all.map((m) => html`<tr><td>${when(m.date)}</td><td>${who(m.from)}</td><td>${m.recipients.join(", ")}</td>
            <td><a href="/outbox/${enc(m.id)}">${m.subject || "(no subject)"}</a></td><td><code>${m.in_reply_to ?? ""}</code></td></tr>`)}
          </tbody></table>`}`,
    };
  };

  const outboxMessagePage = (m: OutboxRec): Page => ({
    title: m.subject || "(no subject)",
    body: html`<p><a href="/outbox">← Outbox</a></p><h1>${m.subject || "(no subject)"}</h1>
      <article class="message"><div class="meta"><strong>${who(m.from)}</strong> → ${m.recipients.join(", ")}<span class="right">${when(m.date)}</span></div>
      <iframe sandbox="" srcdoc="${bodyDocument(m.body)}" title="message body"></iframe>
      <details open><summary>Headers · outbox ${m.id}</summary><table class="headers">${m.headers.map((h) => html`<tr><th>${h.name}</th><td>${h.value}</td></tr>`)}</table></details></article>`,
  });

  const deliveriesPage = (): Page => {
    const log = [...app.deliverer.log].reverse();
    const hooks = log.filter((d): d is DeliveryLogEntry => !isChannelEntry(d));
    const published = log.filter(isChannelEntry);
    const status = (d: { status: number; error?: string }, ok: boolean, failed: string) =>
      html`<span class="pill ${ok ? "ok" : "bad"}">${d.status === 0 ? failed : d.status}</span>${d.error ? html` <span class="muted">${d.error}</span>` : ""}`;
    return {
      title: "Deliveries",
      body: html`<h1>Webhook deliveries</h1><p class="muted">Every signed POST attempt, newest first (${hooks.length}).</p>
      ${hooks.length === 0
        ? html`<p class="muted">none yet</p>`
        : html`<table><thead><tr><th>Time</th><th>Trigger</th><th>URL</th><th>Attempt</th><th>Status</th><th>Notification</th></tr></thead><tbody>
          ${hooks.slice(0, 500).map((d) => html`<tr><td>${whenMs(d.ts)}</td><td>${d.trigger}</td><td>${d.url}</td><td>${d.attempt}</td>
              <td>${status(d, d.status >= 200 && d.status < 300, "no answer")}</td><td><code>${short(d.id)}</code></td></tr>`)}</tbody></table>`}
      <h2>Channel deliveries</h2><p class="muted">Every publish to a Pub/Sub or SNS topic, newest first (${published.length}); no cloud is reachable, so this log is the record.</p>
      ${published.length === 0
        ? html`<p class="muted">none yet</p>`
        : html`<table><thead><tr><th>Time</th><th>Trigger</th><th>Kind</th><th>Topic</th><th>Status</th><th>Notification</th></tr></thead><tbody>
          ${published.slice(0, 500).map((d) => html`<tr><td>${whenMs(d.ts)}</td><td>${d.trigger}</td><td>${d.channel_type === "sns" ? "SNS" : "Pub/Sub"}</td><td><code>${d.topic}</code></td>
              <td>${status(d, d.status === 200, "unreachable")}</td><td><code>${short(d.id)}</code></td></tr>`)}</tbody></table>`}`,
    };
  };

  const ruleName = (id: string): string => app.store.get<RuleRec>("rules", id)?.name ?? short(id);

  const evaluationTable = (rows: RuleEvaluationRec[], withAccount: boolean): Html => {
    if (rows.length === 0) return html`<p class="muted">none yet</p>`;
    return html`<table><thead><tr><th>Time</th>${withAccount ? html`<th>Account</th>` : ""}<th>Stage</th><th>From</th><th>Matched rules</th><th>Applied actions</th><th>Message</th></tr></thead><tbody>
      ${[...rows].reverse().map((e) => {
        const g = app.store.get<GrantRec>("grants", e.grant_id);
        const actions = Object.entries(e.applied_actions).map(([k, v]) =>
          k === "folder_ids" && g ? `folder_ids: ${(v as string[]).map((f) => folderName(g, f)).join(", ")}` : k,
        );
        const message =
          e.message_id && g
            ? (() => {
                const m = app.store.get<MessageRec>("messages", e.message_id!);
                return m ? html`<a href="/accounts/${enc(g.id)}/threads/${enc(m.thread_id)}#m-${m.id}">${m.subject || "(no subject)"}</a>` : html`<code>${short(e.message_id!)}</code>`;
              })()
            : html`<span class="muted">none</span>`;
        return html`<tr><td class="date">${when(e.evaluated_at)}</td>${withAccount ? html`<td>${g?.email ?? e.grant_id}</td>` : ""}<td>${e.evaluation_stage}</td>
          <td>${String(e.evaluation_input.from_address ?? "")}</td><td>${e.matched_rule_ids.map(ruleName).join(", ")}</td><td>${actions.join(", ")}</td><td>${message}</td></tr>`;
      })}</tbody></table>`;
  };

  const evaluationsPage = (g: GrantRec | undefined): Page => ({
    title: "Rule evaluations",
    body: html`<h1>Rule evaluations${g ? html` <span class="muted">${g.email}</span>` : ""}</h1>
      <p class="muted">One record per inbound message (blocked at RCPT, or processed into a folder) and per send, newest first.</p>
      ${evaluationTable(evaluations(g).slice(-500), !g)}`,
  });

  const faultsPage = (): Page => ({ title: "Faults", body: html`<h1>Faults in force</h1>${faultTable(deps.faults.list())}` });

  const requestsPage = (): Page => {
    const log = deps.requests.slice(-300).reverse();
    return {
      title: "Requests",
      body: html`<h1>Requests</h1><p class="muted">The last ${log.length} of ${deps.requests.length} <code>/v3</code> requests, newest first (status 0 = connection reset by a fault).</p>
      <table><thead><tr><th>Time</th><th>Method</th><th>Path</th><th>Status</th></tr></thead><tbody>
      ${log.map((r) => html`<tr><td>${whenMs(r.ts)}</td><td>${r.method}</td><td><code>${r.path}${r.query ? `?${r.query}` : ""}</code></td><td><span class="pill ${r.status >= 200 && r.status < 300 ? "ok" : "bad"}">${r.status}</span></td></tr>`)}
      </tbody></table>`,
    };
  };

  const notFound = (what: string): Page => ({ title: "Not found", status: 404, body: html`<h1>Not found</h1><p>${what}</p>` });

  return (req, res, path, url) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    let active = path;
    let current: string | undefined;
    let page: Page | undefined;
    let parts: string[];
    try {
      parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    } catch {
      return false;
    }
    if (path === "/") page = accountsPage();
    else if (parts[0] === "accounts" && parts.length >= 2) {
      const g = app.findGrant(parts[1]);
      active = "/";
      current = g?.id;
      if (!g) page = notFound(`no agent account ${parts[1]}`);
      else if (parts.length === 2) page = accountPage(g, url.searchParams.get("folder") || "inbox");
      else if (parts[2] === "threads" && parts.length === 4) {
        const t = app.store.get<ThreadRec>("threads", parts[3]);
        page = t && t.grant_id === g.id ? threadPage(g, t) : notFound(`no thread ${parts[3]} in ${g.email}`);
      }
    } else if (path === "/outbox") page = outboxPage();
    else if (parts[0] === "outbox" && parts.length === 2) {
      const m = app.store.get<OutboxRec>("outbox", parts[1]);
      active = "/outbox";
      page = m ? outboxMessagePage(m) : notFound(`no outbox message ${parts[1]}`);
    } else if (path === "/deliveries") page = deliveriesPage();
    else if (path === "/faults") page = faultsPage();
    else if (path === "/requests") page = requestsPage();
    else if (path === "/rule-evaluations") {
      const ref = url.searchParams.get("grant");
      const g = ref ? app.findGrant(ref) : undefined;
      page = ref && !g ? notFound(`no agent account ${ref}`) : evaluationsPage(g);
    }
    if (!page) return false;
    const text = layout(active, page, current);
    res.writeHead(page.status ?? 200, {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Length": String(Buffer.byteLength(text)),
      // Mail bodies are untrusted: no scripts anywhere, bodies only in sandboxed frames.
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; frame-ancestors 'none'",
      "Cache-Control": "no-store",
    });
    res.end(req.method === "HEAD" ? undefined : text);
    return true;
  };
}
