/**
 * SMTP for Agent Accounts, on one port (Agent Accounts in mail clients:
 * developer.nylas.com/docs/v3/agent-accounts/mail-clients/):
 *  - **submission**: `AUTH PLAIN`/`LOGIN` with the account's email and its app password (checked
 *    against the stored hash; no app password = every AUTH fails). `MAIL FROM` must be the account's
 *    own address. The message then takes the API's send path — send quotas (policy and plan: an SMTP
 *    submission counts like `messages/send`), the per-second queue, outbound rules, delivery to agent
 *    accounts, the outbox for outside addresses, `message.created`/`message.send_success` to webhooks
 *    and channels; envelope recipients missing from To/Cc are Bcc.
 *  - **inbound** (what the domain's MX receives): without AUTH, mail is accepted only for agent
 *    accounts and goes through the inbound pipeline (emulator/inbound.ts): an inbound `block` rule
 *    rejects at `RCPT TO` (550, recorded as an `smtp_rcpt` rule evaluation); after DATA the plan and
 *    policy limits refuse it (552/452) when every recipient's copy is refused.
 *
 * The protocol is the `smtp-server` library's and MIME parsing is `mailparser`'s (both by the
 * Nodemailer project). They are optional peer dependencies: the emulator itself needs nothing but
 * Node, and only `smtp: {…}` / `--smtp-port` loads them. IMAP is not emulated.
 */
import type { Readable } from "node:stream";
import type { App } from "./app";
import { ApiError } from "./errors";
import { verifyPassword } from "./handlers/grants";
import { submitMessage } from "./handlers/messages";
import { deliverOutsideMail, rcptStage } from "./inbound";
import { PLANS } from "./plan";
import type { GrantRec, Participant } from "./types";

export interface SmtpOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Default: the emulator's host. */
  host?: string;
}

export interface RunningSmtp {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Outbound message size: 25 MB on both plans (developer.nylas.com/docs/v3/agent-accounts/send-limits/). */
const MAX_SUBMISSION = 25_000_000;
/** The largest inbound size of any plan; the pipeline refuses what the plan in force does not take. */
const MAX_INBOUND = PLANS.full.inboundBytes;

/** The subset of mailparser's ParsedMail read here (the package is optional, so no type import leaks out). */
interface Address {
  address?: string;
  name: string;
  group?: Address[];
}
interface ParsedMail {
  from?: { value: Address[] };
  to?: { value: Address[] } | { value: Address[] }[];
  cc?: { value: Address[] } | { value: Address[] }[];
  replyTo?: { value: Address[] };
  subject?: string;
  html: string | false;
  text?: string;
  textAsHtml?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string | string[];
  date?: Date;
  headerLines: { key: string; line: string }[];
}

interface Session {
  user?: string;
  remoteAddress: string;
  envelope: { mailFrom: { address: string } | false; rcptTo: { address: string }[] };
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

function loadOptional<T>(name: string): T {
  try {
    return require(name) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw e;
    throw new Error(`the emulator's SMTP server needs the optional packages smtp-server and mailparser: npm install --save-dev smtp-server mailparser`);
  }
}

function addresses(v: ParsedMail["to"] | ParsedMail["from"]): Participant[] {
  const flat = (a: Address): Address[] => (a.group ? a.group.flatMap(flat) : [a]);
  return (Array.isArray(v) ? v : v ? [v] : [])
    .flatMap((o) => o.value.flatMap(flat))
    .filter((a) => !!a.address)
    .map((a) => (a.name ? { email: a.address!, name: a.name } : { email: a.address! }));
}

const idList = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? v.split(/\s+/) : []).filter(Boolean);

/** Headers the API's send path takes as `custom_headers` (threading and X- headers). */
function customHeaders(mail: ParsedMail): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  if (mail.inReplyTo) out.push({ name: "In-Reply-To", value: mail.inReplyTo });
  const refs = idList(mail.references);
  if (refs.length) out.push({ name: "References", value: refs.join(" ") });
  for (const h of mail.headerLines) {
    if (!h.key.startsWith("x-")) continue;
    const colon = h.line.indexOf(":");
    out.push({ name: h.line.slice(0, colon).trim(), value: h.line.slice(colon + 1).trim() });
  }
  return out;
}

function readAll(stream: Readable, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    stream.on("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

export async function startSmtp(app: App, opts: SmtpOptions = {}): Promise<RunningSmtp> {
  const { SMTPServer } = loadOptional<{ SMTPServer: new (o: Record<string, unknown>) => SmtpServerLike }>("smtp-server");
  const { simpleParser } = loadOptional<{ simpleParser(src: Buffer): Promise<ParsedMail> }>("mailparser");

  const grantOf = (s: Session): GrantRec | undefined => (s.user ? app.store.get<GrantRec>("grants", s.user) : undefined);

  const submit = (g: GrantRec, mail: ParsedMail, session: Session): string => {
    const to = addresses(mail.to);
    const cc = addresses(mail.cc);
    const named = new Set([...to, ...cc].map((p) => p.email.toLowerCase()));
    const bcc = session.envelope.rcptTo.filter((r) => !named.has(r.address.toLowerCase())).map((r) => ({ email: r.address }));
    const fromName = addresses(mail.from)[0]?.name;
    try {
      const res = submitMessage(app, g, {
        from: [fromName ? { email: g.email, name: fromName } : { email: g.email }],
        to,
        cc,
        bcc,
        reply_to: addresses(mail.replyTo),
        subject: mail.subject ?? "",
        body: mail.html || mail.textAsHtml || mail.text || "",
        custom_headers: customHeaders(mail),
      });
      return `queued as ${(res.body?.data as { id?: string } | undefined)?.id ?? "?"}`;
    } catch (e) {
      // 403: an outbound block rule or a spent send quota; 429: the per-second queue is full (retry later)
      if (e instanceof ApiError) throw e.status === 429 ? smtpError(451, `4.7.1 ${e.message}`) : smtpError(e.status === 403 ? 550 : 554, `5.7.1 ${e.message}`);
      throw e;
    }
  };

  const receive = (mail: ParsedMail, session: Session, sizeBytes: number): string => {
    const from = addresses(mail.from)[0] ?? (session.envelope.mailFrom ? { email: session.envelope.mailFrom.address } : undefined);
    if (!from) throw smtpError(550, "5.1.7 a message needs a From address");
    const inReplyTo = idList(mail.inReplyTo)[0];
    const r = deliverOutsideMail(app, {
      from,
      to: addresses(mail.to),
      cc: addresses(mail.cc),
      replyTo: addresses(mail.replyTo),
      subject: mail.subject ?? "",
      body: mail.html || mail.textAsHtml || mail.text || "",
      messageId: mail.messageId,
      inReplyTo,
      references: idList(mail.references),
      headers: customHeaders(mail).filter((h) => !/^(in-reply-to|references)$/i.test(h.name)),
      date: mail.date ? Math.floor(mail.date.getTime() / 1000) : undefined,
      envelopeTo: session.envelope.rcptTo.map((r) => r.address),
      sizeBytes,
      clientIp: session.remoteAddress.replace(/^::ffff:/, ""),
    });
    const delivered = r.results.filter((x) => x.outcome === "delivered").length;
    const refused = r.results.find((x) => x.smtp_code !== undefined);
    // One answer per transaction: a refusal only when no recipient took the message.
    if (delivered === 0 && refused) throw smtpError(refused.smtp_code!, refused.reason ?? "5.7.1 refused");
    return `accepted for ${delivered} of ${r.results.length} recipients`;
  };

  const server = new SMTPServer({
    name: "nylas-emulator",
    banner: "Nylas emulator ESMTP",
    authOptional: true,
    authMethods: ["PLAIN", "LOGIN"],
    // Loopback development server: AUTH without STARTTLS is allowed (STARTTLS is offered too).
    allowInsecureAuth: true,
    disableReverseLookup: true,
    size: MAX_INBOUND,
    logger: false,
    // close() waits this long for open client connections before ending them
    closeTimeout: 1000,
    onAuth(auth: { username?: string; password?: string }, _s: Session, cb: (err: Error | null, res?: { user: string }) => void) {
      const g = auth.username ? app.grantByEmail(auth.username) : undefined;
      const fail = () => cb(smtpError(535, "5.7.8 authentication failed: use the agent's address and its app password"));
      if (!g || g.provider !== "nylas" || !g._app_password_hash || auth.password === undefined) return fail();
      verifyPassword(auth.password, g._app_password_hash).then((ok) => (ok ? cb(null, { user: g.id }) : fail()), fail);
    },
    onMailFrom(address: { address: string }, session: Session, cb: (err?: Error | null) => void) {
      const g = grantOf(session);
      if (session.user && !g) return cb(smtpError(535, "5.7.8 the authenticated account no longer exists"));
      if (g && address.address.toLowerCase() !== g.email) return cb(smtpError(553, `5.7.1 ${g.email} may send only as itself, not as ${address.address}`));
      if (g && (g.grant_status !== "valid" || g.blocked)) return cb(smtpError(550, `5.7.1 ${g.email} cannot send: the grant is not valid`));
      cb();
    },
    onRcptTo(address: { address: string }, session: Session, cb: (err?: Error | null) => void) {
      if (session.user) return cb(); // submission: any recipient
      const g = app.grantByEmail(address.address);
      if (!g || g.provider !== "nylas") return cb(smtpError(550, `5.1.1 ${address.address}: no such agent account here (relaying needs AUTH)`));
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
      const { refusal } = rcptStage(app, g, from);
      if (refusal) return cb(smtpError(refusal.code, refusal.reason));
      cb();
    },
    onData(stream: Readable, session: Session, cb: (err?: Error | null, message?: string) => void) {
      const g = grantOf(session);
      readAll(stream, g ? MAX_SUBMISSION : MAX_INBOUND)
        .then(async (raw) => {
          if (!raw) throw smtpError(552, `5.3.4 message too big (over ${g ? MAX_SUBMISSION : MAX_INBOUND} bytes)`);
          const mail = await simpleParser(raw);
          const answer = g ? submit(g, mail, session) : receive(mail, session, raw.length);
          app.store.flush();
          cb(null, answer);
        })
        .catch((e: Error) => cb((e as { responseCode?: number }).responseCode ? e : smtpError(451, `4.3.0 ${e.message}`)));
    },
  });

  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.removeListener("error", reject);
      resolve();
    });
  });
  server.on("error", (e: Error) => app.warn(`nylas-emulator smtp: ${e.message}`));
  const port = (server.server.address() as { port: number }).port;
  return {
    host: host === "0.0.0.0" ? "127.0.0.1" : host,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface SmtpServerLike {
  server: { address(): unknown };
  listen(port: number, host: string, cb: () => void): void;
  once(ev: "error", cb: (e: Error) => void): void;
  on(ev: "error", cb: (e: Error) => void): void;
  removeListener(ev: "error", cb: (e: Error) => void): void;
  close(cb: () => void): void;
}
