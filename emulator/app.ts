/** Emulator state: the store, secondary indexes, runtime configuration and shared helpers. */
import { randomUUID } from "node:crypto";
import { Keyring } from "./auth";
import { badRequest, notFound } from "./errors";
import { OrderedIds, Rec, Store, StoreHooks, CollName } from "./store";
import type { SignatureVerifier, ServiceAccount } from "./service-account";
import type {
  DomainRec,
  GrantRec,
  ListItemRec,
  MessageRec,
  MetaRec,
  PolicyRec,
  ThreadRec,
  WebhookRec,
  WorkspaceRec,
} from "./types";
import { Deliverer } from "./webhook-delivery";
import { seedIamAdmin } from "./iam";
import { type PlanName, SendQueue } from "./plan";
import { now } from "./validate";
import { type Variance, VarianceState } from "./variance";

export interface RuntimeConfig {
  rateLimitPerSecond?: number;
  webhookChallenge: boolean;
  /** Require the agent account's domain to have verified_ownership (default false). */
  requireVerifiedDomain: boolean;
  /** Reject a second webhook with the same webhook_url (default true). */
  uniqueWebhookUrls: boolean;
  /** Fire message.created for the sender's own "sent" copy too (default true). */
  notifySentMessages: boolean;
  /** Agent Account plan whose limits are enforced (`--plan`); unset = none. */
  plan?: PlanName;
  /** Seconds of sends the per-second send queue holds before answering 429 (default 90). */
  sendQueueSeconds: number;
  /** Sender domains (and SMTP client IPs) a DNSBL lists: spam for policies with `use_list_dnsbl`. */
  dnsbl: string[];
}

export interface AppOptions {
  dataDir?: string;
  apiKey: string;
  /** The Organization-bound IAM admin key (iam.* and domains.*). */
  iamAdminKey: string;
  domains: string[];
  /** The variance switches at start (and after reset). */
  variance: Variance;
  config: RuntimeConfig;
  fsync: boolean;
  quiet: boolean;
}

export const SYSTEM_FOLDERS = [
  { id: "inbox", name: "Inbox", attributes: ["\\Inbox"] },
  { id: "sent", name: "Sent", attributes: ["\\Sent"] },
  { id: "drafts", name: "Drafts", attributes: ["\\Drafts"] },
  { id: "trash", name: "Trash", attributes: ["\\Trash"] },
  { id: "junk", name: "Junk", attributes: ["\\Junk"] },
  { id: "archive", name: "Archive", attributes: ["\\Archive"] },
] as const;

/** Collections whose records belong to one grant (indexed per grant, deleted with it). */
export const GRANT_SCOPED = ["folders", "signatures", "rule_evaluations"] as const satisfies readonly CollName[];
export type GrantScoped = (typeof GRANT_SCOPED)[number];
const EMPTY_IDS = new OrderedIds();

/** Secondary indexes, maintained from store hooks (and rebuilt while the journal is replayed). */
export class Indexes implements StoreHooks {
  grantsByEmail = new Map<string, string>();
  domainsByAddress = new Map<string, string>();
  workspaceByDomain = new Map<string, string>();
  items = new Map<string, { byValue: Map<string, string>; order: OrderedIds }>();
  messagesByGrant = new Map<string, OrderedIds>();
  /** `${grant}\n${Message-ID}` -> message id */
  messageByHeader = new Map<string, string>();
  threadsByGrant = new Map<string, OrderedIds>();
  /** Per-grant ids, in creation order, of the collections whose records carry `grant_id`. */
  readonly byGrant = new Map<CollName, Map<string, OrderedIds>>(GRANT_SCOPED.map((c) => [c, new Map()]));

  /** Ids of one grant's records in `c` (creation order). */
  grantIds(c: GrantScoped, grantId: string): OrderedIds {
    return this.byGrant.get(c)!.get(grantId) ?? EMPTY_IDS;
  }

  onPut(c: CollName, prev: Rec | undefined, next: Rec, seq: number): void {
    const scoped = this.byGrant.get(c);
    if (scoped && !prev) {
      const g = next.grant_id as string;
      let o = scoped.get(g);
      if (!o) scoped.set(g, (o = new OrderedIds()));
      o.insert(next.id, seq);
    }
    switch (c) {
      case "grants": {
        const p = prev as GrantRec | undefined;
        if (p && p.email !== next.email) this.grantsByEmail.delete(p.email);
        this.grantsByEmail.set((next as GrantRec).email, next.id);
        break;
      }
      case "domains":
        this.domainsByAddress.set((next as DomainRec).domain_address, next.id);
        break;
      case "workspaces": {
        const w = next as WorkspaceRec;
        if (w.domain) this.workspaceByDomain.set(w.domain, w.id);
        break;
      }
      case "list_items": {
        const it = next as ListItemRec;
        let e = this.items.get(it.list_id);
        if (!e) this.items.set(it.list_id, (e = { byValue: new Map(), order: new OrderedIds() }));
        e.byValue.set(it.value, it.id);
        if (!prev) e.order.insert(it.id, seq);
        break;
      }
      case "messages": {
        const m = next as MessageRec;
        if (!prev) {
          let o = this.messagesByGrant.get(m.grant_id);
          if (!o) this.messagesByGrant.set(m.grant_id, (o = new OrderedIds()));
          o.insert(m.id, seq);
          const key = `${m.grant_id}\n${m._message_id}`;
          if (!this.messageByHeader.has(key)) this.messageByHeader.set(key, m.id);
        }
        break;
      }
      case "threads": {
        const t = next as ThreadRec;
        if (!prev) {
          let o = this.threadsByGrant.get(t.grant_id);
          if (!o) this.threadsByGrant.set(t.grant_id, (o = new OrderedIds()));
          o.insert(t.id, seq);
        }
        break;
      }
      default:
        break;
    }
  }

  onDel(c: CollName, prev: Rec, seq: number): void {
    const scoped = this.byGrant.get(c);
    if (scoped) {
      const o = scoped.get(prev.grant_id as string);
      o?.remove(seq);
      if (o && o.size === 0) scoped.delete(prev.grant_id as string);
    }
    switch (c) {
      case "grants":
        if (this.grantsByEmail.get((prev as GrantRec).email) === prev.id) this.grantsByEmail.delete((prev as GrantRec).email);
        break;
      case "domains":
        this.domainsByAddress.delete((prev as DomainRec).domain_address);
        break;
      case "workspaces": {
        const w = prev as WorkspaceRec;
        if (this.workspaceByDomain.get(w.domain) === w.id) this.workspaceByDomain.delete(w.domain);
        break;
      }
      case "list_items": {
        const it = prev as ListItemRec;
        const e = this.items.get(it.list_id);
        if (e) {
          e.byValue.delete(it.value);
          e.order.remove(seq);
          if (e.byValue.size === 0) this.items.delete(it.list_id);
        }
        break;
      }
      case "messages": {
        const m = prev as MessageRec;
        const o = this.messagesByGrant.get(m.grant_id);
        o?.remove(seq);
        if (o && o.size === 0) this.messagesByGrant.delete(m.grant_id);
        const key = `${m.grant_id}\n${m._message_id}`;
        if (this.messageByHeader.get(key) === m.id) this.messageByHeader.delete(key);
        break;
      }
      case "threads": {
        const t = prev as ThreadRec;
        const o = this.threadsByGrant.get(t.grant_id);
        o?.remove(seq);
        if (o && o.size === 0) this.threadsByGrant.delete(t.grant_id);
        break;
      }
      default:
        break;
    }
  }

  onClear(): void {
    for (const m of this.byGrant.values()) m.clear();
    this.grantsByEmail.clear();
    this.domainsByAddress.clear();
    this.workspaceByDomain.clear();
    this.items.clear();
    this.messagesByGrant.clear();
    this.messageByHeader.clear();
    this.threadsByGrant.clear();
  }
}

export class App {
  readonly store: Store;
  readonly idx = new Indexes();
  readonly config: RuntimeConfig;
  readonly initialConfig: RuntimeConfig;
  /** The variance switches new requests are answered under (control API: /__emulator/variance). */
  variance: Variance;
  readonly varianceState = new VarianceState();
  readonly keyring: Keyring;
  meta!: MetaRec;
  sa!: ServiceAccount;
  verifier!: SignatureVerifier;
  readonly deliverer: Deliverer;
  /** In-flight webhook challenges (aborted by reset/close). */
  readonly pendingChallenges = new Set<AbortController>();
  /** Deferred work (queued sends); cancelled by reset and close. */
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly sendQueue = new SendQueue();
  /** Cleanups of module-held runtime state, run by reset. */
  readonly resetHooks: (() => void)[] = [];
  /** Notification sinks besides webhooks (Pub/Sub and SNS channels), called by `emit`. */
  readonly publishers: ((trigger: string, object: unknown) => void)[] = [];

  constructor(readonly opts: AppOptions) {
    this.store = new Store(opts.dataDir, opts.fsync, (m) => this.warn(m));
    this.store.hooks = this.idx;
    this.config = { ...opts.config };
    this.initialConfig = { ...opts.config };
    this.variance = { ...opts.variance };
    this.keyring = new Keyring(opts.apiKey, opts.iamAdminKey, () => this.meta.organization_id);
    this.deliverer = new Deliverer((id) => {
      const w = this.store.get<WebhookRec>("webhooks", id);
      if (!w || w.status !== "active") return undefined;
      return { id: w.id, webhook_url: w.webhook_url, compressed_delivery: w.compressed_delivery, secret: w._secret };
    });
  }

  warn(msg: string): void {
    if (!this.opts.quiet) process.stderr.write(msg + "\n");
  }

  /** Load persisted state and make sure the initial objects exist. */
  open(): void {
    this.store.open();
    this.seed();
    this.store.compact();
  }

  private seed(): void {
    let meta = this.store.get<MetaRec>("meta", "app");
    if (!meta) {
      meta = this.store.put<MetaRec>("meta", {
        id: "app",
        application_id: randomUUID(),
        organization_id: randomUUID(),
        default_workspace_id: randomUUID(),
      });
    }
    this.meta = meta;
    if (!this.store.get("workspaces", meta.default_workspace_id)) {
      const t = now();
      this.store.put<WorkspaceRec>("workspaces", {
        id: meta.default_workspace_id,
        name: "Default Workspace",
        domain: "",
        auto_group: false,
        rule_ids: [],
        default: true,
        application_id: meta.application_id,
        created_at: t,
        updated_at: t,
      });
    }
    for (const d of this.opts.domains) this.registerDomain(d, true);
    seedIamAdmin(this);
  }

  /** Run `fn` after `ms` unless the emulator is reset or closed first. */
  schedule(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
      this.store.flush();
    }, ms);
    this.timers.add(t);
  }

  cancelScheduled(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Back to the initial state (keeps application id, service account, API key). */
  reset(): void {
    const meta = this.meta;
    this.cancelScheduled();
    this.sendQueue.reset();
    for (const h of this.resetHooks) h();
    for (const c of this.pendingChallenges) c.abort();
    this.deliverer.cancelPending();
    this.deliverer.clearLog();
    this.verifier.reset();
    this.store.clear();
    this.store.put("meta", meta);
    Object.assign(this.config, this.initialConfig);
    this.variance = { ...this.opts.variance };
    this.varianceState.reset();
    this.seed();
    this.store.compact();
  }

  /** Register (and fully verify) a domain so agent accounts can be created on it. */
  registerDomain(address: string, seeded: boolean): DomainRec {
    const domain = address.trim().toLowerCase();
    const existing = this.idx.domainsByAddress.get(domain);
    if (existing) return this.store.get<DomainRec>("domains", existing)!;
    const t = now();
    return this.store.put<DomainRec>("domains", {
      id: randomUUID(),
      name: domain,
      domain_address: domain,
      organization_id: this.meta.organization_id,
      branded: domain.endsWith(".nylas.email"),
      region: "us",
      verified_ownership: true,
      verified_mx: true,
      verified_spf: true,
      verified_dkim: true,
      verified_feedback: true,
      verified_dmarc: false,
      verified_arc: false,
      created_at: t,
      updated_at: t,
      _seeded: seeded,
    });
  }

  get defaultWorkspaceId(): string {
    return this.meta.default_workspace_id;
  }

  /** Resolve `{grantId}`: an id, the account email, `email:<addr>` or `grant:<id>`. */
  findGrant(ref: string): GrantRec | undefined {
    if (ref.startsWith("grant:")) return this.store.get<GrantRec>("grants", ref.slice(6));
    if (ref.startsWith("email:")) return this.grantByEmail(ref.slice(6));
    const byId = this.store.get<GrantRec>("grants", ref);
    if (byId) return byId;
    if (ref.includes("@")) return this.grantByEmail(ref);
    return undefined;
  }

  grantByEmail(email: string): GrantRec | undefined {
    const id = this.idx.grantsByEmail.get(email.trim().toLowerCase());
    return id ? this.store.get<GrantRec>("grants", id) : undefined;
  }

  requireGrant(ref: string): GrantRec {
    const g = this.findGrant(ref);
    if (!g) throw notFound(`grant not found: ${ref}`);
    return g;
  }

  /**
   * The grant endpoint itself (`/v3/grants/{grantId}`) takes an id; the Grant-ID patterns are documented
   * for sub-resources only, so what an email (or `email:`/`grant:` form) gets here is variance N4.
   */
  requireGrantById(ref: string, v: Variance): GrantRec {
    const byId = this.store.get<GrantRec>("grants", ref);
    if (byId) return byId;
    if (ref.includes("@") || ref.startsWith("grant:") || ref.startsWith("email:")) {
      if (v.grantByEmailPath === "grant") return this.requireGrant(ref);
      if (v.grantByEmailPath === "400") throw badRequest(`invalid grant id: ${ref} (address a grant by its id)`);
    }
    throw notFound(`grant not found: ${ref}`);
  }

  findDomain(ref: string): DomainRec | undefined {
    const byId = this.store.get<DomainRec>("domains", ref);
    if (byId) return byId;
    const id = this.idx.domainsByAddress.get(ref.trim().toLowerCase());
    return id ? this.store.get<DomainRec>("domains", id) : undefined;
  }

  /** `{workspace_id}` in a path: the UUID, or (variance N6) the workspace's email domain where the SDKs allow it. */
  resolveWorkspace(ref: string, v: Variance, byDomain: boolean): WorkspaceRec {
    const w = this.store.get<WorkspaceRec>("workspaces", ref);
    if (w) return w;
    if (byDomain && v.workspaceByDomain === "accepted") {
      const id = this.idx.workspaceByDomain.get(ref.trim().toLowerCase());
      if (id) return this.store.get<WorkspaceRec>("workspaces", id)!;
    }
    throw notFound(`workspace not found: ${ref}`);
  }

  /** The policy of the account's workspace, if it has one (a workspace without one runs at the plan maximum). */
  grantPolicy(g: GrantRec): PolicyRec | undefined {
    const w = g.workspace_id ? this.store.get<WorkspaceRec>("workspaces", g.workspace_id) : undefined;
    return w?.policy_id ? this.store.get<PolicyRec>("policies", w.policy_id) : undefined;
  }

  requireWorkspace(id: string, status: 400 | 404 = 404): WorkspaceRec {
    const w = this.store.get<WorkspaceRec>("workspaces", id);
    if (!w) {
      if (status === 400) throw badRequest(`workspace not found: ${id}`);
      throw notFound(`workspace not found: ${id}`);
    }
    return w;
  }

  /** Queue a webhook notification to every active webhook subscribed to `trigger`. */
  emit(trigger: string, object: unknown): void {
    for (const w of this.store.col<WebhookRec>("webhooks").values()) {
      if (w.status !== "active" || !w.trigger_types.includes(trigger)) continue;
      this.deliverer.deliver(
        { id: w.id, webhook_url: w.webhook_url, compressed_delivery: w.compressed_delivery, secret: w._secret },
        trigger,
        this.meta.application_id,
        object,
      );
    }
    for (const p of this.publishers) p(trigger, object);
  }
}

/** Strip internal (`_`-prefixed) fields. */
export function publicFields<T extends Record<string, unknown>>(rec: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(rec)) if (k[0] !== "_" && rec[k] !== undefined) out[k] = rec[k];
  return out;
}
