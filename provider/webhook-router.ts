import { findHeader, parseWebhookBody, verifyWebhookSignature, type WebhookNotification } from "./webhook-signature";

/**
 * One application-wide webhook, many mailboxes: the receiving end of the shape that scales.
 *
 * Nylas webhooks (and Pub/Sub / SNS channels) are application-wide — every destination hears every
 * grant of the application. N mailboxes with a webhook each therefore cost N² deliveries for N
 * messages; one shared webhook costs N. {@link createWebhookRouter} takes each delivery of that shared
 * webhook, verifies its signature once, and hands it to the handler of the mailbox it is about (by
 * grant id), so each agent still sees only its own mail.
 *
 * @example
 * const route = createWebhookRouter({
 *   secrets: [process.env.NYLAS_WEBHOOK_SECRET!],
 *   mailboxes: { [salesGrantId]: onSalesMail, [supportGrantId]: onSupportMail },
 * });
 * app.post("/webhooks/nylas", express.raw({ type: "*\/*" }), async (req, res) => {
 *   const routed = await route(req.body, req.headers);
 *   res.status(routed.status).end();
 * });
 */

/** What a mailbox's handler receives: the notification, the grant it is about, and its trigger. */
export interface RoutedDelivery {
  grantId: string;
  type: string;
  notification: WebhookNotification;
}

export type MailboxHandler = (delivery: RoutedDelivery) => unknown | Promise<unknown>;

export interface WebhookRouterOptions {
  /**
   * The shared webhook's signing secrets. Give two while a rotation (`secretVersion`) rolls out: a
   * delivery signed with either is accepted.
   */
  secrets: readonly string[];
  /** Handler per grant id (`AgentMailbox.grantId` / `AgentAccount.grantId`). */
  mailboxes: Readonly<Record<string, MailboxHandler>> | ReadonlyMap<string, MailboxHandler>;
  /** Deliveries about a grant with no handler (another team's mailbox, a grant event…). Default: ignored. */
  unrouted?: (notification: WebhookNotification) => unknown | Promise<unknown>;
}

/**
 * The outcome, with the HTTP status to answer Nylas: 401 for a bad signature, 400 for a body that is
 * not a notification, 200 otherwise (also for an unrouted delivery: Nylas must not retry it).
 */
export type RouteResult =
  | { status: 200; routed: true; grantId: string; type: string }
  | { status: 200; routed: false; grantId?: string; type: string }
  | { status: 400 | 401; routed: false; reason: string };

/** A function that routes one delivery (raw body bytes and headers) to its mailbox's handler. */
export function createWebhookRouter(options: WebhookRouterOptions): (rawBody: Buffer | Uint8Array | string, headers: Record<string, string | string[] | undefined>) => Promise<RouteResult> {
  const secrets = options.secrets.filter((s) => typeof s === "string" && s.length > 0);
  if (secrets.length === 0) throw new Error("createWebhookRouter: secrets must hold the webhook's signing secret");
  const handlers = options.mailboxes instanceof Map ? options.mailboxes : new Map(Object.entries(options.mailboxes as Record<string, MailboxHandler>));
  return async (rawBody, headers) => {
    const signature = findHeader(headers, "x-nylas-signature");
    if (!secrets.some((secret) => verifyWebhookSignature(rawBody, signature, secret))) {
      return { status: 401, routed: false, reason: "x-nylas-signature does not match any of the webhook's secrets" };
    }
    let notification: WebhookNotification;
    try {
      notification = parseWebhookBody(rawBody, headers);
    } catch (e) {
      return { status: 400, routed: false, reason: `body is not a Nylas notification: ${(e as Error).message}` };
    }
    const type = typeof notification?.type === "string" ? notification.type : "";
    const grantId = grantIdOf(notification);
    const handler = grantId === undefined ? undefined : handlers.get(grantId);
    if (!handler) {
      await options.unrouted?.(notification);
      return { status: 200, routed: false, grantId, type };
    }
    await handler({ grantId: grantId!, type, notification });
    return { status: 200, routed: true, grantId: grantId!, type };
  };
}

/**
 * The grant a notification is about: `data.object.grant_id` for message/thread/folder/event objects,
 * `data.object.id` for grant.* triggers (their object is the grant), `data.grant_id` as a fallback.
 */
export function grantIdOf(notification: WebhookNotification): string | undefined {
  const data = (notification?.data ?? {}) as { grant_id?: unknown; object?: Record<string, unknown> };
  const object = data.object ?? {};
  const candidates = [object.grant_id, typeof notification?.type === "string" && notification.type.startsWith("grant.") ? object.id : undefined, data.grant_id];
  for (const c of candidates) if (typeof c === "string" && c.length > 0) return c;
  return undefined;
}
