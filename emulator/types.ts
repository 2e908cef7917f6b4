/** Internal record shapes. Fields starting with `_` are never sent over the API. */

export interface Participant {
  email: string;
  name?: string;
}

export interface MetaRec {
  id: "app";
  application_id: string;
  organization_id: string;
  default_workspace_id: string;
  [k: string]: unknown;
}

export interface ConnectorRec {
  id: string; // = provider
  provider: string;
  name: string;
  settings: Record<string, unknown>;
  scope: string[];
  created_at: number;
  updated_at: number;
  [k: string]: unknown;
}

export interface GrantRec {
  id: string;
  provider: string;
  email: string;
  name?: string;
  grant_status: "valid" | "invalid";
  scope: string[];
  settings: Record<string, unknown>;
  workspace_id?: string;
  blocked: boolean;
  credential_id?: string;
  created_at: number;
  updated_at: number;
  /** scrypt hash `scrypt$<salt b64>$<hash b64>` of the app password; absent = IMAP/SMTP disabled. */
  _app_password_hash?: string;
  [k: string]: unknown;
}

export interface WebhookRec {
  id: string;
  description?: string;
  trigger_types: string[];
  webhook_url: string;
  status: "active" | "pause" | "failing" | "failed";
  notification_email_addresses: string[];
  compressed_delivery: boolean;
  status_updated_at: number;
  created_at: number;
  updated_at: number;
  _secret: string;
  [k: string]: unknown;
}

export interface PolicyRec {
  id: string;
  name: string;
  /** What the caller sent (the response is plan-filled from it). */
  _limits: Record<string, unknown>;
  _spam_detection?: Record<string, unknown>;
  options?: Record<string, unknown>;
  rules?: string[];
  application_id: string;
  organization_id: string;
  created_at: number;
  updated_at: number;
  [k: string]: unknown;
}

export interface Condition {
  field: string;
  operator: string;
  value: string | string[];
}
export interface Action {
  type: string;
  value?: string;
}

export interface RuleRec {
  id: string;
  name: string;
  description?: string;
  priority: number;
  enabled: boolean;
  trigger: "inbound" | "outbound";
  match: { operator: "all" | "any"; conditions: Condition[] };
  actions: Action[];
  application_id: string;
  organization_id: string;
  created_at: number;
  updated_at: number;
  [k: string]: unknown;
}

export interface ListRec {
  id: string;
  name: string;
  description?: string;
  type: "domain" | "tld" | "address";
  application_id: string;
  organization_id: string;
  created_at: number;
  updated_at: number;
  [k: string]: unknown;
}

export interface ListItemRec {
  id: string;
  list_id: string;
  value: string;
  created_at: number;
  [k: string]: unknown;
}

export interface WorkspaceRec {
  id: string; // exposed as workspace_id
  name: string;
  domain: string;
  auto_group: boolean;
  policy_id?: string;
  rule_ids: string[];
  default: boolean;
  application_id: string;
  created_at: number;
  updated_at: number;
  [k: string]: unknown;
}

/** The seven of the 2026-11-09 Nylas changelog; the first five are the older set (variance L6). */
export const DOMAIN_VERIFICATION_TYPES = ["ownership", "mx", "spf", "dkim", "feedback", "dmarc", "arc"] as const;
export const LEGACY_VERIFICATION_TYPES = ["ownership", "mx", "spf", "dkim", "feedback"] as const;
export type DomainVerificationType = (typeof DOMAIN_VERIFICATION_TYPES)[number];

export interface DomainRec {
  id: string;
  name: string;
  domain_address: string;
  organization_id: string;
  branded: boolean;
  region: string;
  verified_ownership: boolean;
  verified_mx: boolean;
  verified_spf: boolean;
  verified_dkim: boolean;
  verified_feedback: boolean;
  verified_dmarc: boolean;
  verified_arc: boolean;
  created_at: number;
  updated_at: number;
  /** Control-API overrides: type -> false makes /verify fail. */
  _verify_fail?: Record<string, string>;
  /** Per-type timestamp of the last /info or /verify call. */
  _attempts?: Record<string, number>;
  /** DKIM key length asked for with `options.key_length` (info/verify). */
  _dkim_key_length?: number;
  /** Registered through the control API / options (not through the signed API). */
  _seeded?: boolean;
  [k: string]: unknown;
}

export interface MessageRec {
  id: string;
  object: "message";
  grant_id: string;
  thread_id: string;
  date: number;
  created_at: number;
  folders: string[];
  from: Participant[];
  to: Participant[];
  cc: Participant[];
  bcc: Participant[];
  reply_to: Participant[];
  subject: string;
  body: string;
  snippet: string;
  unread: boolean;
  starred: boolean;
  attachments: unknown[];
  headers: { name: string; value: string }[];
  /** RFC 5322 Message-ID (with angle brackets). */
  _message_id: string;
  /** Referenced Message-IDs (In-Reply-To + References). */
  _refs: string[];
  [k: string]: unknown;
}

export interface ThreadRec {
  id: string;
  grant_id: string;
  subject: string;
  message_ids: string[];
  created_at: number;
  [k: string]: unknown;
}

export interface IdempotencyRec {
  id: string; // `${grant}\n${key}`
  hash: string;
  status: number;
  body: Record<string, unknown>;
  created_at: number;
  [k: string]: unknown;
}
