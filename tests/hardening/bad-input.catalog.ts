/**
 * Bad-input catalog (issue 6): inputs a user might really write, by class, each with the exact
 * failures `check` must answer — property and full message (the message is part of the contract:
 * it names the property, shows the value with secrets masked, and says what is allowed). The test
 * (bad-input.test.ts) runs each through the real provider host and asserts zero API calls.
 */

export interface BadInput {
  /** What kind of mistake this is (the README counts them per class). */
  class: string;
  type: string;
  title: string;
  inputs: Record<string, unknown>;
  failures: Array<{ property: string; reason: string }>;
}

const long = (n: number, c: string) => c.repeat(n);

function bad(cls: string, type: string, title: string, inputs: Record<string, unknown>, failures: Array<[string, string]>): BadInput {
  return { class: cls, type, title, inputs, failures: failures.map(([property, reason]) => ({ property, reason })) };
}

export const CATALOG: BadInput[] = [
  // malformed email
  bad("malformed email", "AgentAccount", "no @", { email: "not-an-email" }, [
    ["email", "email = \"not-an-email\": must be an email address like agent@agents.example.com"],
  ]),
  bad("malformed email", "AgentAccount", "no domain", { email: "agent@" }, [
    ["email", "email = \"agent@\": must be an email address like agent@agents.example.com"],
  ]),
  bad("malformed email", "AgentAccount", "no local part", { email: "@agents.example.com" }, [
    ["email", "email = \"@agents.example.com\": must be an email address like agent@agents.example.com"],
  ]),
  bad("malformed email", "AgentAccount", "two @", { email: "agent@@agents.example.com" }, [
    ["email", "email = \"agent@@agents.example.com\": must be an email address like agent@agents.example.com"],
  ]),
  bad("malformed email", "AgentAccount", "double dot in the domain", { email: "agent@agents..example.com" }, [
    ["email", "email = \"agent@agents..example.com\": must be an email address like agent@agents.example.com"],
  ]),
  bad("malformed email", "AgentAccount", "space in the local part", { email: "sales agent@agents.example.com" }, [
    ["email", "email = \"sales agent@agents.example.com\": must be an email address like agent@agents.example.com"],
  ]),
  bad("malformed email", "AgentAccount", "display-name form", { email: "Sales Agent <sales@agents.example.com>" }, [
    ["email", "email = \"Sales Agent <sales@agents.example.com>\": must be just the address, like agent@agents.example.com, without a display name"],
  ]),
  bad("malformed email", "AgentAccount", "host without a dot", { email: "agent@localhost" }, [
    ["email", "email = \"agent@localhost\": must be an email address like agent@agents.example.com"],
  ]),
  bad("malformed email", "AgentAccount", "over 254 characters", { email: long(250, "a") + "@agents.example.com" }, [
    ["email", "email = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…: must be an email address of at most 254 characters"],
  ]),
  bad("malformed email", "Webhook", "alert address without a domain", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: ["message.created"], notificationEmailAddresses: ["ops@"] }, [
    ["notificationEmailAddresses[0]", "notificationEmailAddresses[0] = \"ops@\": must be an email address like agent@agents.example.com"],
  ]),
  bad("malformed email", "Webhook", "alert addresses as one string", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: ["message.created"], notificationEmailAddresses: "ops@example.com, dev@example.com" }, [
    ["notificationEmailAddresses", "notificationEmailAddresses = \"ops@example.com, dev@example.com\": must be a list of email addresses"],
  ]),
  bad("malformed email", "Rule", "from.address is not an address", { name: "rule", match: { conditions: [{ field: "from.address", operator: "is", value: "not-an-email" }] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.conditions[0].value", "match.conditions[0].value = \"not-an-email\": must be an email address like someone@example.com for from.address with \"is\""],
  ]),

  // foreign-domain email
  bad("foreign-domain email", "AgentAccount", "IDN domain (not ASCII)", { email: "agent@bücher.example" }, [
    ["email", "email = \"agent@bücher.example\": must be an email address in ASCII like agent@agents.example.com (an international domain in its xn-- form)"],
  ]),
  bad("foreign-domain email", "AgentAccount", "accented local part", { email: "agënt@agents.example.com" }, [
    ["email", "email = \"agënt@agents.example.com\": must be an email address in ASCII like agent@agents.example.com (an international domain in its xn-- form)"],
  ]),
  bad("foreign-domain email", "AgentAccount", "trailing dot", { email: "agent@agents.example.com." }, [
    ["email", "email = \"agent@agents.example.com.\": must be an email address like agent@agents.example.com"],
  ]),
  bad("foreign-domain email", "List", "IDN address item", { name: "list", type: "address", items: ["someone@bücher.example"] }, [
    ["items[0]", "items[0] = \"someone@bücher.example\": must be an email address like someone@example.com (this list's type is \"address\")"],
  ]),

  // app password
  bad("app password", "AgentAccount", "too short", { email: "agent@agents.example.com", appPassword: "Short1Aa" }, [
    ["appPassword", "appPassword = (secret, masked): must be 18–40 printable ASCII characters (codes 33–126, no spaces) with at least one upper-case letter, one lower-case letter and one digit; this one breaks: length must be 18–40 characters (too short)"],
  ]),
  bad("app password", "AgentAccount", "too long", { email: "agent@agents.example.com", appPassword: "Aa1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" }, [
    ["appPassword", "appPassword = (secret, masked): must be 18–40 printable ASCII characters (codes 33–126, no spaces) with at least one upper-case letter, one lower-case letter and one digit; this one breaks: length must be 18–40 characters (too long)"],
  ]),
  bad("app password", "AgentAccount", "contains a space", { email: "agent@agents.example.com", appPassword: "Has Space In It 1234A" }, [
    ["appPassword", "appPassword = (secret, masked): must be 18–40 printable ASCII characters (codes 33–126, no spaces) with at least one upper-case letter, one lower-case letter and one digit; this one breaks: only printable ASCII characters 33–126 are allowed (no spaces, tabs, accents or emoji)"],
  ]),
  bad("app password", "AgentAccount", "contains a tab", { email: "agent@agents.example.com", appPassword: "Tab\tSeparated-Passw0rd" }, [
    ["appPassword", "appPassword = (secret, masked): must be 18–40 printable ASCII characters (codes 33–126, no spaces) with at least one upper-case letter, one lower-case letter and one digit; this one breaks: only printable ASCII characters 33–126 are allowed (no spaces, tabs, accents or emoji)"],
  ]),
  bad("app password", "AgentAccount", "non-ASCII letters", { email: "agent@agents.example.com", appPassword: "Pässwörd-With-Umlaut1" }, [
    ["appPassword", "appPassword = (secret, masked): must be 18–40 printable ASCII characters (codes 33–126, no spaces) with at least one upper-case letter, one lower-case letter and one digit; this one breaks: only printable ASCII characters 33–126 are allowed (no spaces, tabs, accents or emoji)"],
  ]),
  bad("app password", "AgentAccount", "emoji", { email: "agent@agents.example.com", appPassword: "Rocket🚀Password12345" }, [
    ["appPassword", "appPassword = (secret, masked): must be 18–40 printable ASCII characters (codes 33–126, no spaces) with at least one upper-case letter, one lower-case letter and one digit; this one breaks: only printable ASCII characters 33–126 are allowed (no spaces, tabs, accents or emoji)"],
  ]),
  bad("app password", "AgentAccount", "no upper-case letter", { email: "agent@agents.example.com", appPassword: "alllowercase12345678" }, [
    ["appPassword", "appPassword = (secret, masked): must be 18–40 printable ASCII characters (codes 33–126, no spaces) with at least one upper-case letter, one lower-case letter and one digit; this one breaks: needs at least one upper-case letter (A–Z)"],
  ]),
  bad("app password", "AgentAccount", "no lower-case letter", { email: "agent@agents.example.com", appPassword: "ALLUPPERCASE12345678" }, [
    ["appPassword", "appPassword = (secret, masked): must be 18–40 printable ASCII characters (codes 33–126, no spaces) with at least one upper-case letter, one lower-case letter and one digit; this one breaks: needs at least one lower-case letter (a–z)"],
  ]),
  bad("app password", "AgentAccount", "no digit", { email: "agent@agents.example.com", appPassword: "NoDigitsAtAllHereXyz" }, [
    ["appPassword", "appPassword = (secret, masked): must be 18–40 printable ASCII characters (codes 33–126, no spaces) with at least one upper-case letter, one lower-case letter and one digit; this one breaks: needs at least one digit (0–9)"],
  ]),
  bad("app password", "AgentAccount", "breaks three rules", { email: "agent@agents.example.com", appPassword: "qwerty" }, [
    ["appPassword", "appPassword = (secret, masked): must be 18–40 printable ASCII characters (codes 33–126, no spaces) with at least one upper-case letter, one lower-case letter and one digit; this one breaks: length must be 18–40 characters (too short); needs at least one upper-case letter (A–Z); needs at least one digit (0–9)"],
  ]),
  bad("app password", "AgentAccount", "a number, not a string", { email: "agent@agents.example.com", appPassword: 123456789012345 }, [
    ["appPassword", "appPassword = (secret, masked): must be a string: must be 18–40 printable ASCII characters (codes 33–126, no spaces) with at least one upper-case letter, one lower-case letter and one digit"],
  ]),
  bad("app password", "AgentAccount", "empty password", { email: "agent@agents.example.com", appPassword: "" }, [
    ["appPassword", "appPassword = (secret, masked): must be 18–40 printable ASCII characters (codes 33–126, no spaces) with at least one upper-case letter, one lower-case letter and one digit; this one breaks: length must be 18–40 characters (too short); needs at least one upper-case letter (A–Z); needs at least one lower-case letter (a–z); needs at least one digit (0–9)"],
  ]),

  // unknown trigger type
  bad("unknown trigger type", "Webhook", "missing the final d", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: ["message.create"] }, [
    ["triggerTypes[0]", "triggerTypes[0] = \"message.create\": is not a Nylas trigger type; did you mean \"message.created\"? (trigger names are lower-case with dots)"],
  ]),
  bad("unknown trigger type", "Webhook", "plural object", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: ["messages.created"] }, [
    ["triggerTypes[0]", "triggerTypes[0] = \"messages.created\": is not a Nylas trigger type; did you mean \"message.created\"? (trigger names are lower-case with dots)"],
  ]),
  bad("unknown trigger type", "Webhook", "underscore for the dot", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: ["message_created"] }, [
    ["triggerTypes[0]", "triggerTypes[0] = \"message_created\": is not a Nylas trigger type; did you mean \"message.created\"? (trigger names are lower-case with dots)"],
  ]),
  bad("unknown trigger type", "Webhook", "upper case", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: ["MESSAGE.CREATED"] }, [
    ["triggerTypes[0]", "triggerTypes[0] = \"MESSAGE.CREATED\": is not a Nylas trigger type; did you mean \"message.created\"? (trigger names are lower-case with dots)"],
  ]),
  bad("unknown trigger type", "Webhook", "second of two is a typo", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: ["grant.created", "grant.delete"] }, [
    ["triggerTypes[1]", "triggerTypes[1] = \"grant.delete\": is not a Nylas trigger type; did you mean \"grant.deleted\"? (trigger names are lower-case with dots)"],
  ]),
  bad("unknown trigger type", "Webhook", "space instead of the dot", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: ["message created"] }, [
    ["triggerTypes[0]", "triggerTypes[0] = \"message created\": must be a trigger name like \"message.created\" (letters, digits, \"_\", \".\" and \"-\")"],
  ]),
  bad("unknown trigger type", "Webhook", "non-ASCII", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: ["message.créé"] }, [
    ["triggerTypes[0]", "triggerTypes[0] = \"message.créé\": must be a trigger name like \"message.created\" (letters, digits, \"_\", \".\" and \"-\")"],
  ]),
  bad("unknown trigger type", "Webhook", "a number", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: [42] }, [
    ["triggerTypes[0]", "triggerTypes[0] = 42: each trigger must be a string like \"message.created\""],
  ]),
  bad("unknown trigger type", "Webhook", "empty name", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: [""] }, [
    ["triggerTypes[0]", "triggerTypes[0] = \"\": must be a trigger name like \"message.created\" (letters, digits, \"_\", \".\" and \"-\")"],
  ]),

  // empty trigger list
  bad("empty trigger list", "Webhook", "empty list", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: [] }, [
    ["triggerTypes", "triggerTypes = []: must list at least one trigger, like [\"message.created\"]"],
  ]),
  bad("empty trigger list", "Webhook", "one string instead of a list", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: "message.created" }, [
    ["triggerTypes", "triggerTypes = \"message.created\": must be a list of trigger names like [\"message.created\"]"],
  ]),
  bad("empty trigger list", "Webhook", "missing", { webhookUrl: "https://hooks.example.com/nylas" }, [
    ["triggerTypes", "triggerTypes = missing: must be a list of trigger names like [\"message.created\"]"],
  ]),

  // webhook URL
  bad("webhook URL", "Webhook", "http:// to a public host", { webhookUrl: "http://hooks.example.com/nylas", triggerTypes: ["message.created"] }, [
    ["webhookUrl", "webhookUrl = \"http://hooks.example.com/nylas\": must be an https:// URL (http:// is allowed only for localhost, 127.0.0.1 and [::1]); Nylas delivers only over https to a public host"],
  ]),
  bad("webhook URL", "Webhook", "http:// to a private address", { webhookUrl: "http://192.168.1.10:8080/hook", triggerTypes: ["message.created"] }, [
    ["webhookUrl", "webhookUrl = \"http://192.168.1.10:8080/hook\": must be an https:// URL (http:// is allowed only for localhost, 127.0.0.1 and [::1]); Nylas delivers only over https to a public host"],
  ]),
  bad("webhook URL", "Webhook", "no scheme", { webhookUrl: "hooks.example.com/nylas", triggerTypes: ["message.created"] }, [
    ["webhookUrl", "webhookUrl = \"hooks.example.com/nylas\": must be an https:// URL (http:// is allowed only for localhost, 127.0.0.1 and [::1]); this is not a URL"],
  ]),
  bad("webhook URL", "Webhook", "websocket scheme", { webhookUrl: "wss://hooks.example.com/nylas", triggerTypes: ["message.created"] }, [
    ["webhookUrl", "webhookUrl = \"wss://hooks.example.com/nylas\": must be an https:// URL (http:// is allowed only for localhost, 127.0.0.1 and [::1]); wss: is not allowed"],
  ]),
  bad("webhook URL", "Webhook", "scheme only", { webhookUrl: "https://", triggerTypes: ["message.created"] }, [
    ["webhookUrl", "webhookUrl = \"https://\": must be an https:// URL (http:// is allowed only for localhost, 127.0.0.1 and [::1]); this is not a URL"],
  ]),
  bad("webhook URL", "Webhook", "space in the path", { webhookUrl: "https://hooks.example.com/my hook", triggerTypes: ["message.created"] }, [
    ["webhookUrl", "webhookUrl = \"https://hooks.example.com/my hook\": must be an https:// URL (http:// is allowed only for localhost, 127.0.0.1 and [::1]); it contains spaces (write them as %20)"],
  ]),
  bad("webhook URL", "Webhook", "empty", { webhookUrl: "", triggerTypes: ["message.created"] }, [
    ["webhookUrl", "webhookUrl = \"\": must be an https:// URL (http:// is allowed only for localhost, 127.0.0.1 and [::1]); this is not a URL"],
  ]),
  bad("webhook URL", "Webhook", "a port number", { webhookUrl: 443, triggerTypes: ["message.created"] }, [
    ["webhookUrl", "webhookUrl = 443: must be a string: must be an https:// URL (http:// is allowed only for localhost, 127.0.0.1 and [::1])"],
  ]),

  // out of range
  bad("out of range", "Rule", "priority above 1000", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: [{ type: "mark_as_spam" }], priority: 1001 }, [
    ["priority", "priority = 1001: must be a whole number from 0 to 1000 (lower runs first)"],
  ]),
  bad("out of range", "Rule", "negative priority", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: [{ type: "mark_as_spam" }], priority: -1 }, [
    ["priority", "priority = -1: must be a whole number from 0 to 1000 (lower runs first)"],
  ]),
  bad("out of range", "Rule", "fractional priority", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: [{ type: "mark_as_spam" }], priority: 2.5 }, [
    ["priority", "priority = 2.5: must be a whole number from 0 to 1000 (lower runs first)"],
  ]),
  bad("out of range", "Rule", "priority as a word", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: [{ type: "mark_as_spam" }], priority: "high" }, [
    ["priority", "priority = \"high\": must be a whole number from 0 to 1000 (lower runs first)"],
  ]),
  bad("out of range", "Policy", "spam sensitivity 0", { name: "p", spamDetection: { spamSensitivity: 0 } }, [
    ["spamDetection.spamSensitivity", "spamDetection.spamSensitivity = 0: must be from 0.1 to 5.0 (higher flags more mail as spam)"],
  ]),
  bad("out of range", "Policy", "spam sensitivity 0.05", { name: "p", spamDetection: { spamSensitivity: 0.05 } }, [
    ["spamDetection.spamSensitivity", "spamDetection.spamSensitivity = 0.05: must be from 0.1 to 5.0 (higher flags more mail as spam)"],
  ]),
  bad("out of range", "Policy", "spam sensitivity 5.5", { name: "p", spamDetection: { spamSensitivity: 5.5 } }, [
    ["spamDetection.spamSensitivity", "spamDetection.spamSensitivity = 5.5: must be from 0.1 to 5.0 (higher flags more mail as spam)"],
  ]),
  bad("out of range", "Policy", "spam sensitivity as a word", { name: "p", spamDetection: { spamSensitivity: "high" } }, [
    ["spamDetection.spamSensitivity", "spamDetection.spamSensitivity = \"high\": must be a number from 0.1 to 5.0"],
  ]),
  bad("out of range", "Policy", "negative attachment size", { name: "p", limits: { limitAttachmentSizeLimit: -5 } }, [
    ["limits.limitAttachmentSizeLimit", "limits.limitAttachmentSizeLimit = -5: must be a whole number of bytes ≥ 0"],
  ]),
  bad("out of range", "Policy", "attachment count over 10000", { name: "p", limits: { limitAttachmentCountLimit: 20000 } }, [
    ["limits.limitAttachmentCountLimit", "limits.limitAttachmentCountLimit = 20000: must be a whole number of attachments from 0 to 10000"],
  ]),
  bad("out of range", "Policy", "storage below -1", { name: "p", limits: { limitStorageTotal: -2 } }, [
    ["limits.limitStorageTotal", "limits.limitStorageTotal = -2: must be a whole number of bytes ≥ 0, or -1 for unlimited"],
  ]),
  bad("out of range", "Policy", "retention of 0 days", { name: "p", limits: { limitInboxRetentionPeriod: 0 } }, [
    ["limits.limitInboxRetentionPeriod", "limits.limitInboxRetentionPeriod = 0: must be a whole number of days from 1 to 36500, or -1 for unlimited"],
  ]),
  bad("out of range", "Policy", "retention over 100 years", { name: "p", limits: { limitInboxRetentionPeriod: 40000 } }, [
    ["limits.limitInboxRetentionPeriod", "limits.limitInboxRetentionPeriod = 40000: must be a whole number of days from 1 to 36500, or -1 for unlimited"],
  ]),
  bad("out of range", "Domain", "wait timeout 0", { name: "mail", domainAddress: "mail.example.com", waitForVerification: { timeoutSeconds: 0 } }, [
    ["waitForVerification.timeoutSeconds", "waitForVerification.timeoutSeconds = 0: must be from 1 to 3600 seconds"],
  ]),
  bad("out of range", "Domain", "wait timeout over an hour", { name: "mail", domainAddress: "mail.example.com", waitForVerification: { timeoutSeconds: 7200 } }, [
    ["waitForVerification.timeoutSeconds", "waitForVerification.timeoutSeconds = 7200: must be from 1 to 3600 seconds"],
  ]),
  bad("out of range", "Domain", "poll interval under a second", { name: "mail", domainAddress: "mail.example.com", waitForVerification: { intervalSeconds: 0.5 } }, [
    ["waitForVerification.intervalSeconds", "waitForVerification.intervalSeconds = 0.5: must be from 1 to 300 seconds"],
  ]),

  // retention ordering
  bad("retention ordering", "Policy", "spam kept as long as the inbox", { name: "p", limits: { limitInboxRetentionPeriod: 30, limitSpamRetentionPeriod: 30 } }, [
    ["limits.limitSpamRetentionPeriod", "limits.limitSpamRetentionPeriod = 30: limitInboxRetentionPeriod must be greater than limitSpamRetentionPeriod"],
  ]),
  bad("retention ordering", "Policy", "spam kept longer than the inbox", { name: "p", limits: { limitInboxRetentionPeriod: 10, limitSpamRetentionPeriod: 90 } }, [
    ["limits.limitSpamRetentionPeriod", "limits.limitSpamRetentionPeriod = 90: limitInboxRetentionPeriod must be greater than limitSpamRetentionPeriod"],
  ]),

  // block with other actions
  bad("block with other actions", "Rule", "block + mark_as_spam", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: [{ type: "block" }, { type: "mark_as_spam" }] }, [
    ["actions", "actions = [{\"type\":\"block\"},{\"type\":\"mark_as_spam\"}]: \"block\" cannot be combined with other actions (a blocked message is rejected, so nothing else applies); use block alone"],
  ]),
  bad("block with other actions", "Rule", "archive + block + trash", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: [{ type: "archive" }, { type: "block" }, { type: "trash" }] }, [
    ["actions", "actions = [{\"type\":\"archive\"},{\"type\":\"block\"},{\"type\":\"trash\"}]: \"block\" cannot be combined with other actions (a blocked message is rejected, so nothing else applies); use block alone"],
  ]),

  // in_list with a non-list value
  bad("in_list with a non-list value", "Rule", "one id as a string", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "in_list", value: "list-id-1" }] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.conditions[0].value", "match.conditions[0].value = \"list-id-1\": must be a list of List ids (e.g. [blocked.id]) for the in_list operator"],
  ]),
  bad("in_list with a non-list value", "Rule", "empty list", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "in_list", value: [] }] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.conditions[0].value", "match.conditions[0].value = []: must be a list of List ids (e.g. [blocked.id]) for the in_list operator"],
  ]),
  bad("in_list with a non-list value", "Rule", "an empty id", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "in_list", value: ["list-id-1", ""] }] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.conditions[0].value[1]", "match.conditions[0].value[1] = \"\": must be the id of a List (a non-empty string)"],
  ]),
  bad("in_list with a non-list value", "Rule", "a number", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "in_list", value: 7 }] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.conditions[0].value", "match.conditions[0].value = 7: must be a list of List ids (e.g. [blocked.id]) for the in_list operator"],
  ]),
  bad("in_list with a non-list value", "Rule", "a list for is", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: ["spam.example"] }] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.conditions[0].value", "match.conditions[0].value = [\"spam.example\"]: must be a single non-empty string for the \"is\" operator (only in_list takes a list of List ids)"],
  ]),

  // outbound.type operators
  bad("outbound.type operators", "Rule", "outbound.type contains", { name: "rule", match: { conditions: [{ field: "outbound.type", operator: "contains", value: "comp" }] }, actions: [{ type: "mark_as_spam" }], trigger: "outbound" }, [
    ["match.conditions[0].operator", "match.conditions[0].operator = \"contains\": outbound.type allows only the operators \"is\" and \"is_not\""],
  ]),
  bad("outbound.type operators", "Rule", "outbound.type in_list", { name: "rule", match: { conditions: [{ field: "outbound.type", operator: "in_list", value: ["l1"] }] }, actions: [{ type: "mark_as_spam" }], trigger: "outbound" }, [
    ["match.conditions[0].operator", "match.conditions[0].operator = \"in_list\": outbound.type allows only the operators \"is\" and \"is_not\""],
  ]),
  bad("outbound.type operators", "Rule", "outbound.type forward", { name: "rule", match: { conditions: [{ field: "outbound.type", operator: "is", value: "forward" }] }, actions: [{ type: "mark_as_spam" }], trigger: "outbound" }, [
    ["match.conditions[0].value", "match.conditions[0].value = \"forward\": must be \"compose\" or \"reply\" for outbound.type"],
  ]),

  // inbound rule on recipient
  bad("inbound rule on recipient", "Rule", "recipient.address, trigger left out", { name: "rule", match: { conditions: [{ field: "recipient.address", operator: "is", value: "a@b.example" }] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.conditions[0].field", "match.conditions[0].field = \"recipient.address\": inbound rules (trigger defaults to inbound) allow only \"from.address\", \"from.domain\", \"from.tld\"; set trigger: \"outbound\" to match recipients or the outbound type"],
  ]),
  bad("inbound rule on recipient", "Rule", "recipient.domain, trigger inbound", { name: "rule", match: { conditions: [{ field: "recipient.domain", operator: "is", value: "b.example" }] }, actions: [{ type: "mark_as_spam" }], trigger: "inbound" }, [
    ["match.conditions[0].field", "match.conditions[0].field = \"recipient.domain\": inbound rules allow only \"from.address\", \"from.domain\", \"from.tld\"; set trigger: \"outbound\" to match recipients or the outbound type"],
  ]),
  bad("inbound rule on recipient", "Rule", "recipient.tld in the second condition", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "a.example" }, { field: "recipient.tld", operator: "is", value: "xyz" }] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.conditions[1].field", "match.conditions[1].field = \"recipient.tld\": inbound rules (trigger defaults to inbound) allow only \"from.address\", \"from.domain\", \"from.tld\"; set trigger: \"outbound\" to match recipients or the outbound type"],
  ]),
  bad("inbound rule on recipient", "Rule", "outbound.type on an inbound rule", { name: "rule", match: { conditions: [{ field: "outbound.type", operator: "is", value: "reply" }] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.conditions[0].field", "match.conditions[0].field = \"outbound.type\": inbound rules (trigger defaults to inbound) allow only \"from.address\", \"from.domain\", \"from.tld\"; set trigger: \"outbound\" to match recipients or the outbound type"],
  ]),

  // rule condition syntax
  bad("rule condition syntax", "Rule", "domain with spaces", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "not a domain" }] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.conditions[0].value", "match.conditions[0].value = \"not a domain\": must be a domain name like example.com for from.domain with \"is\""],
  ]),
  bad("rule condition syntax", "Rule", "tld with a dot inside", { name: "rule", match: { conditions: [{ field: "from.tld", operator: "is", value: "co.uk" }] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.conditions[0].value", "match.conditions[0].value = \"co.uk\": must be a top-level domain like xyz (without the dot) for from.tld with \"is\""],
  ]),
  bad("rule condition syntax", "Rule", "empty value", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "" }] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.conditions[0].value", "match.conditions[0].value = \"\": must be a single non-empty string for the \"is\" operator (only in_list takes a list of List ids)"],
  ]),
  bad("rule condition syntax", "Rule", "value left out", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is" }] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.conditions[0].value", "match.conditions[0].value = missing: must be a single non-empty string for the \"is\" operator (only in_list takes a list of List ids)"],
  ]),
  bad("rule condition syntax", "Rule", "unknown field subject", { name: "rule", match: { conditions: [{ field: "subject", operator: "contains", value: "invoice" }] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.conditions[0].field", "match.conditions[0].field = \"subject\": must be one of \"from.address\", \"from.domain\", \"from.tld\", \"recipient.address\", \"recipient.domain\", \"recipient.tld\", \"outbound.type\""],
  ]),
  bad("rule condition syntax", "Rule", "unknown operator equals", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "equals", value: "x.example" }] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.conditions[0].operator", "match.conditions[0].operator = \"equals\": must be one of \"is\", \"is_not\", \"contains\", \"in_list\""],
  ]),
  bad("rule condition syntax", "Rule", "condition written as a sentence", { name: "rule", match: { conditions: ["from.domain is x.example"] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.conditions[0]", "match.conditions[0] = \"from.domain is x.example\": must be an object {field, operator, value} like { field: \"from.domain\", operator: \"is\", value: \"spam.example\" }"],
  ]),
  bad("rule condition syntax", "Rule", "no conditions", { name: "rule", match: { conditions: [] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.conditions", "match.conditions = []: must have at least one condition {field, operator, value}"],
  ]),
  bad("rule condition syntax", "Rule", "match operator none", { name: "rule", match: { operator: "none", conditions: [{ field: "from.domain", operator: "is", value: "x.example" }] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.operator", "match.operator = \"none\": must be one of \"all\", \"any\""],
  ]),
  bad("rule condition syntax", "Rule", "match given as the conditions list", { name: "rule", match: [{ field: "from.domain", operator: "is", value: "x.example" }], actions: [{ type: "mark_as_spam" }] }, [
    ["match", "match = [{\"field\":\"from.domain\",\"operator\":\"is\",\"value\":\"x.example\"}]: must be an object {operator?, conditions}"],
  ]),

  // rule action syntax
  bad("rule action syntax", "Rule", "no actions", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: [] }, [
    ["actions", "actions = []: must have at least one action {type, value?}"],
  ]),
  bad("rule action syntax", "Rule", "unknown action delete", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: [{ type: "delete" }] }, [
    ["actions[0].type", "actions[0].type = \"delete\": must be one of \"block\", \"mark_as_spam\", \"assign_to_folder\", \"mark_as_read\", \"mark_as_starred\", \"archive\", \"trash\" (\"move_to_folder\" is accepted as an alias of \"assign_to_folder\")"],
  ]),
  bad("rule action syntax", "Rule", "assign_to_folder without a folder", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: [{ type: "assign_to_folder" }] }, [
    ["actions[0].value", "actions[0].value = missing: is required for assign_to_folder: the folder name or path, e.g. \"Clients/Acme\" or \"Archive\""],
  ]),
  bad("rule action syntax", "Rule", "a value on archive", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: [{ type: "archive", value: "Archive" }] }, [
    ["actions[0].value", "actions[0].value = \"Archive\": only assign_to_folder takes a value; remove value from the \"archive\" action"],
  ]),
  bad("rule action syntax", "Rule", "action as a plain string", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: ["block"] }, [
    ["actions[0]", "actions[0] = \"block\": must be an object {type, value?} like { type: \"mark_as_spam\" } or { type: \"assign_to_folder\", value: \"Clients/Acme\" }"],
  ]),
  bad("rule action syntax", "Rule", "trigger both", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: [{ type: "mark_as_spam" }], trigger: "both" }, [
    ["trigger", "trigger = \"both\": must be one of \"inbound\", \"outbound\""],
  ]),

  // list item of the wrong type
  bad("list item of the wrong type", "List", "an address in a domain list", { name: "list", type: "domain", items: ["someone@spam.example"] }, [
    ["items[0]", "items[0] = \"someone@spam.example\": must be a domain name like spam.example (this list's type is \"domain\")"],
  ]),
  bad("list item of the wrong type", "List", "a domain in an address list", { name: "list", type: "address", items: ["spam.example"] }, [
    ["items[0]", "items[0] = \"spam.example\": must be an email address like someone@example.com (this list's type is \"address\")"],
  ]),
  bad("list item of the wrong type", "List", "a second-level domain in a tld list", { name: "list", type: "tld", items: ["xyz", "co.uk"] }, [
    ["items[1]", "items[1] = \"co.uk\": must be a top-level domain like xyz, without a dot (this list's type is \"tld\")"],
  ]),
  bad("list item of the wrong type", "List", "a URL in a domain list", { name: "list", type: "domain", items: ["https://spam.example/"] }, [
    ["items[0]", "items[0] = \"https://spam.example/\": must be a domain name like spam.example (this list's type is \"domain\")"],
  ]),
  bad("list item of the wrong type", "List", "a number", { name: "list", type: "domain", items: [5] }, [
    ["items[0]", "items[0] = 5: must be a string"],
  ]),
  bad("list item of the wrong type", "List", "items as one string", { name: "list", type: "domain", items: "spam.example" }, [
    ["items", "items = \"spam.example\": must be a list of strings"],
  ]),
  bad("list item of the wrong type", "List", "IDN domain", { name: "list", type: "domain", items: ["bücher.example"] }, [
    ["items[0]", "items[0] = \"bücher.example\": must be a domain name like spam.example (this list's type is \"domain\")"],
  ]),

  // list item over 500 characters
  bad("list item over 500 characters", "List", "501-character domain", { name: "list", type: "domain", items: [long(501, "a")] }, [
    ["items[0]", "items[0] = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…: must be at most 500 characters (the API refuses longer items)"],
  ]),
  bad("list item over 500 characters", "List", "501-character address", { name: "list", type: "address", items: [long(490, "a") + "@spam.example"] }, [
    ["items[0]", "items[0] = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…: must be at most 500 characters (the API refuses longer items)"],
  ]),

  // list type
  bad("list type", "List", "plural type", { name: "l", type: "domains" }, [
    ["type", "type = \"domains\": must be one of \"domain\", \"tld\", \"address\""],
  ]),
  bad("list type", "List", "email instead of address", { name: "l", type: "email" }, [
    ["type", "type = \"email\": must be one of \"domain\", \"tld\", \"address\""],
  ]),

  // domain name
  bad("domain name", "Workspace", "a URL", { name: "ws", domain: "https://example.com" }, [
    ["domain", "domain = \"https://example.com\": must be a domain name like agents.example.com"],
  ]),
  bad("domain name", "Workspace", "an email address", { name: "ws", domain: "agent@example.com" }, [
    ["domain", "domain = \"agent@example.com\": must be a domain name like agents.example.com"],
  ]),
  bad("domain name", "Workspace", "no dot", { name: "ws", domain: "localhost" }, [
    ["domain", "domain = \"localhost\": must be a domain name like agents.example.com"],
  ]),
  bad("domain name", "Workspace", "IDN", { name: "ws", domain: "bücher.example" }, [
    ["domain", "domain = \"bücher.example\": must be a domain name in ASCII like agents.example.com (an international domain in its xn-- form)"],
  ]),
  bad("domain name", "Domain", "a URL", { name: "mail", domainAddress: "https://mail.example.com" }, [
    ["domainAddress", "domainAddress = \"https://mail.example.com\": must be a domain name like agents.example.com"],
  ]),
  bad("domain name", "Domain", "spaces", { name: "mail", domainAddress: "mail example com" }, [
    ["domainAddress", "domainAddress = \"mail example com\": must be a domain name like agents.example.com"],
  ]),

  // reference ids
  bad("reference ids", "Workspace", "empty policy id", { name: "ws", domain: "ws.example", policyId: "" }, [
    ["policyId", "policyId = \"\": must be the id of a Policy"],
  ]),
  bad("reference ids", "Workspace", "null policy id", { name: "ws", domain: "ws.example", policyId: null }, [
    ["policyId", "policyId = null: must be the id of a Policy (a string)"],
  ]),
  bad("reference ids", "Workspace", "rule ids as one string", { name: "ws", domain: "ws.example", ruleIds: "rule-1" }, [
    ["ruleIds", "ruleIds = \"rule-1\": must be a list of Rule ids"],
  ]),
  bad("reference ids", "Workspace", "an empty rule id", { name: "ws", domain: "ws.example", ruleIds: ["rule-1", ""] }, [
    ["ruleIds[1]", "ruleIds[1] = \"\": must be the id of a Rule"],
  ]),
  bad("reference ids", "DefaultWorkspace", "empty policy id", { policyId: "" }, [
    ["policyId", "policyId = \"\": must be the id of a Policy"],
  ]),
  bad("reference ids", "DefaultWorkspace", "a number as a rule id", { ruleIds: [5] }, [
    ["ruleIds[0]", "ruleIds[0] = 5: must be the id of a Rule (a string)"],
  ]),
  bad("reference ids", "AgentAccount", "empty workspace id", { email: "agent@agents.example.com", workspaceId: "" }, [
    ["workspaceId", "workspaceId = \"\": must be the id of a workspace"],
  ]),
  bad("reference ids", "AgentAccount", "adopt with an empty id", { email: "agent@agents.example.com", adopt: "" }, [
    ["adopt", "adopt = \"\": must be an existing object id, or true to find it by email"],
  ]),

  // enumerations
  bad("enumerations", "Webhook", "status inactive (the CLI's word)", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: ["message.created"], status: "inactive" }, [
    ["status", "status = \"inactive\": must be one of \"active\", \"pause\""],
  ]),
  bad("enumerations", "Webhook", "status failed", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: ["message.created"], status: "failed" }, [
    ["status", "status = \"failed\": must be one of \"active\", \"pause\""],
  ]),
  bad("enumerations", "Domain", "region ap", { name: "mail", domainAddress: "mail.example.com", region: "ap" }, [
    ["region", "region = \"ap\": must be one of \"us\", \"eu\""],
  ]),
  bad("enumerations", "Domain", "verification type dnssec", { name: "mail", domainAddress: "mail.example.com", waitForVerification: { types: ["dnssec"] } }, [
    ["waitForVerification.types[0]", "waitForVerification.types[0] = \"dnssec\": must be one of \"ownership\", \"mx\", \"spf\", \"dkim\", \"feedback\", \"dmarc\", \"arc\""],
  ]),
  bad("enumerations", "Domain", "no verification types", { name: "mail", domainAddress: "mail.example.com", waitForVerification: { types: [] } }, [
    ["waitForVerification.types", "waitForVerification.types = []: must name at least one of ownership, mx, spf, dkim, feedback, dmarc, arc, or be left out to wait for ownership, mx, spf, dkim, feedback"],
  ]),

  // unknown field
  bad("unknown field", "AgentAccount", "password for appPassword", { email: "agent@agents.example.com", password: "Abcdefghijklmnop123" }, [
    ["password", "password: unknown property (did you mean appPassword?); allowed: email, name, appPassword, workspaceId, signatures"],
  ]),
  bad("unknown field", "AgentAccount", "API body shape (settings)", { email: "agent@agents.example.com", settings: { app_password: "x" } }, [
    ["settings", "settings: unknown property; allowed: email, name, appPassword, workspaceId, signatures"],
  ]),
  bad("unknown field", "AgentAccount", "legacy policyId", { email: "agent@agents.example.com", policyId: "p1" }, [
    ["policyId", "policyId: unknown property; allowed: email, name, appPassword, workspaceId, signatures"],
  ]),
  bad("unknown field", "Webhook", "snake_case trigger_types", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: ["message.created"], trigger_types: ["message.created"] }, [
    ["trigger_types", "trigger_types: unknown property (did you mean triggerTypes?); allowed: webhookUrl, triggerTypes, description, notificationEmailAddresses, compressedDelivery, status, secretVersion"],
  ]),
  bad("unknown field", "Webhook", "webhookSecret as an input", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: ["message.created"], webhookSecret: "mine" }, [
    ["webhookSecret", "webhookSecret: unknown property; allowed: webhookUrl, triggerTypes, description, notificationEmailAddresses, compressedDelivery, status, secretVersion"],
  ]),
  bad("unknown field", "Policy", "snake_case limit", { name: "p", limits: { limit_count_daily_email_sent: 5 } }, [
    ["limits.limit_count_daily_email_sent", "limits.limit_count_daily_email_sent: unknown property (did you mean limitCountDailyEmailSent?); allowed: limitAttachmentSizeLimit, limitAttachmentCountLimit, limitAttachmentAllowedTypes, limitSizeTotalMime, limitStorageTotal, limitCountDailyMessageReceived, limitCountDailyEmailSent, limitInboxRetentionPeriod, limitSpamRetentionPeriod"],
  ]),
  bad("unknown field", "Policy", "misremembered limit name", { name: "p", limits: { limitDailyEmailSent: 5 } }, [
    ["limits.limitDailyEmailSent", "limits.limitDailyEmailSent: unknown property; allowed: limitAttachmentSizeLimit, limitAttachmentCountLimit, limitAttachmentAllowedTypes, limitSizeTotalMime, limitStorageTotal, limitCountDailyMessageReceived, limitCountDailyEmailSent, limitInboxRetentionPeriod, limitSpamRetentionPeriod"],
  ]),
  bad("unknown field", "Policy", "sensitivity for spamSensitivity", { name: "p", spamDetection: { sensitivity: 1 } }, [
    ["spamDetection.sensitivity", "spamDetection.sensitivity: unknown property (did you mean spamSensitivity?); allowed: useListDnsbl, useHeaderAnomalyDetection, spamSensitivity"],
  ]),
  bad("unknown field", "Policy", "legacy rules", { name: "p", rules: ["r1"] }, [
    ["rules", "rules: unknown property; allowed: name, limits, spamDetection, options"],
  ]),
  bad("unknown field", "Rule", "conditions at the top level", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: [{ type: "mark_as_spam" }], conditions: [] }, [
    ["conditions", "conditions: unknown property; allowed: name, description, priority, enabled, trigger, match, actions"],
  ]),
  bad("unknown field", "Rule", "negate on a condition", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "x.example", negate: true }] }, actions: [{ type: "mark_as_spam" }] }, [
    ["match.conditions[0].negate", "match.conditions[0].negate: unknown property; allowed: field, operator, value"],
  ]),
  bad("unknown field", "List", "values for items", { name: "l", type: "domain", values: ["x.example"] }, [
    ["values", "values: unknown property; allowed: name, description, type, items"],
  ]),
  bad("unknown field", "Workspace", "rules for ruleIds", { name: "ws", domain: "ws.example", rules: ["r1"] }, [
    ["rules", "rules: unknown property (did you mean ruleIds?); allowed: name, domain, autoGroup, policyId, ruleIds"],
  ]),
  bad("unknown field", "DefaultWorkspace", "a name", { name: "Default" }, [
    ["name", "name: unknown property; allowed: policyId, ruleIds"],
  ]),
  bad("unknown field", "Domain", "domain for domainAddress", { name: "mail", domain: "mail.example.com" }, [
    ["domain", "domain: unknown property (did you mean domainAddress?); allowed: name, domainAddress, region, dkimKeyLength, extraVerificationTypes, waitForVerification"],
  ]),
  bad("unknown field", "Domain", "timeout for timeoutSeconds", { name: "mail", domainAddress: "mail.example.com", waitForVerification: { timeout: 5 } }, [
    ["waitForVerification.timeout", "waitForVerification.timeout: unknown property (did you mean timeoutSeconds?); allowed: types, timeoutSeconds, intervalSeconds"],
  ]),

  // wrong type
  bad("wrong type", "AgentAccount", "email as a number", { email: 42 }, [
    ["email", "email = 42: must be an email address (a string)"],
  ]),
  bad("wrong type", "AgentAccount", "email as a list", { email: ["agent@agents.example.com"] }, [
    ["email", "email = [\"agent@agents.example.com\"]: must be an email address (a string)"],
  ]),
  bad("wrong type", "Webhook", "compressedDelivery \"true\"", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: ["message.created"], compressedDelivery: "true" }, [
    ["compressedDelivery", "compressedDelivery = \"true\": must be true or false"],
  ]),
  bad("wrong type", "Webhook", "secretVersion as an object", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: ["message.created"], secretVersion: { v: 1 } }, [
    ["secretVersion", "secretVersion = {\"v\":1}: must be a string or a number (change it to rotate the secret)"],
  ]),
  bad("wrong type", "Policy", "attachment size \"10MB\"", { name: "p", limits: { limitAttachmentSizeLimit: "10MB" } }, [
    ["limits.limitAttachmentSizeLimit", "limits.limitAttachmentSizeLimit = \"10MB\": must be a whole number of bytes ≥ 0"],
  ]),
  bad("wrong type", "Policy", "limits as a number", { name: "p", limits: 5 }, [
    ["limits", "limits = 5: must be an object of limits like { limitCountDailyEmailSent: 500, limitInboxRetentionPeriod: 90 }"],
  ]),
  bad("wrong type", "Policy", "MIME types as one string", { name: "p", limits: { limitAttachmentAllowedTypes: "application/pdf" } }, [
    ["limits.limitAttachmentAllowedTypes", "limits.limitAttachmentAllowedTypes = \"application/pdf\": must be a list of MIME types like [\"application/pdf\", \"image/*\"]"],
  ]),
  bad("wrong type", "Policy", "a MIME type without a slash", { name: "p", limits: { limitAttachmentAllowedTypes: ["pdf"] } }, [
    ["limits.limitAttachmentAllowedTypes[0]", "limits.limitAttachmentAllowedTypes[0] = \"pdf\": must be a MIME type like \"application/pdf\" or \"image/*\""],
  ]),
  bad("wrong type", "Policy", "dnsbl \"yes\"", { name: "p", spamDetection: { useListDnsbl: "yes" } }, [
    ["spamDetection.useListDnsbl", "spamDetection.useListDnsbl = \"yes\": must be true or false"],
  ]),
  bad("wrong type", "Rule", "enabled \"yes\"", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: [{ type: "mark_as_spam" }], enabled: "yes" }, [
    ["enabled", "enabled = \"yes\": must be true or false"],
  ]),
  bad("wrong type", "Rule", "description as a number", { name: "rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: [{ type: "mark_as_spam" }], description: 5 }, [
    ["description", "description = 5: must be a string"],
  ]),
  bad("wrong type", "Workspace", "autoGroup \"true\"", { name: "ws", domain: "ws.example", autoGroup: "true" }, [
    ["autoGroup", "autoGroup = \"true\": must be true or false"],
  ]),
  bad("wrong type", "Domain", "waitForVerification true", { name: "mail", domainAddress: "mail.example.com", waitForVerification: true }, [
    ["waitForVerification", "waitForVerification = true: must be an object like { types: [\"ownership\", \"mx\"], timeoutSeconds: 600 } ({} waits for every type with the defaults)"],
  ]),
  bad("wrong type", "Domain", "region as a number", { name: "mail", domainAddress: "mail.example.com", region: 1 }, [
    ["region", "region = 1: must be \"us\" or \"eu\""],
  ]),
  bad("wrong type", "List", "description as a number", { name: "l", type: "domain", description: 5 }, [
    ["description", "description = 5: must be a string"],
  ]),

  // missing required field
  bad("missing required field", "AgentAccount", "no email", {}, [
    ["email", "email = missing: must be an email address (a string)"],
  ]),
  bad("missing required field", "Webhook", "nothing", {}, [
    ["webhookUrl", "webhookUrl = missing: must be a string: must be an https:// URL (http:// is allowed only for localhost, 127.0.0.1 and [::1])"],
    ["triggerTypes", "triggerTypes = missing: must be a list of trigger names like [\"message.created\"]"],
  ]),
  // A name left out is the logical name (autonaming); one given as null is a mistake.
  bad("missing required field", "Policy", "name null", { name: null }, [
    ["name", "name = null: must be a string of 1–256 characters"],
  ]),
  bad("missing required field", "Rule", "nothing", {}, [
    ["match", "match = missing: must be an object {operator?, conditions}"],
    ["actions", "actions = missing: must be a list of actions {type, value?}"],
  ]),
  bad("missing required field", "List", "no type", { name: "l" }, [
    ["type", "type = missing: must be one of \"domain\", \"tld\", \"address\""],
  ]),
  bad("missing required field", "Workspace", "name null", { name: null, domain: "ws.example" }, [
    ["name", "name = null: must be a string of 1–256 characters"],
  ]),
  bad("missing required field", "Domain", "nothing", {}, [
    ["domainAddress", "domainAddress = missing: must be a domain name (a string)"],
  ]),
  bad("missing required field", "Webhook", "snake_case webhook_url only", { webhook_url: "https://hooks.example.com/nylas", triggerTypes: ["message.created"] }, [
    ["webhook_url", "webhook_url: unknown property (did you mean webhookUrl?); allowed: webhookUrl, triggerTypes, description, notificationEmailAddresses, compressedDelivery, status, secretVersion"],
  ]),

  // name length
  bad("name length", "AgentAccount", "257 characters", { email: "agent@agents.example.com", name: long(257, "n") }, [
    ["name", "name = \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn…: must be at most 256 characters"],
  ]),
  bad("name length", "Policy", "257 characters", { name: long(257, "n") }, [
    ["name", "name = \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn…: must be at most 256 characters"],
  ]),
  bad("name length", "Rule", "257 characters", { name: long(257, "n"), match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: [{ type: "mark_as_spam" }] }, [
    ["name", "name = \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn…: must be at most 256 characters"],
  ]),
  bad("name length", "List", "257 characters", { name: long(257, "n"), type: "domain" }, [
    ["name", "name = \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn…: must be at most 256 characters"],
  ]),
  bad("name length", "Workspace", "257 characters", { name: long(257, "n"), domain: "ws.example" }, [
    ["name", "name = \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn…: must be at most 256 characters"],
  ]),
  bad("name length", "Domain", "257 characters", { name: long(257, "n"), domainAddress: "mail.example.com" }, [
    ["name", "name = \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn…: must be at most 256 characters"],
  ]),
  bad("name length", "Webhook", "description over 1024 characters", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: ["message.created"], description: long(1025, "d") }, [
    ["description", "description = \"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd…: must be at most 1024 characters"],
  ]),
  bad("name length", "Policy", "257 non-ASCII characters", { name: long(257, "é") }, [
    ["name", "name = \"éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé…: must be at most 256 characters"],
  ]),

  // empty name
  bad("empty name", "AgentAccount", "empty name", { email: "agent@agents.example.com", name: "" }, [
    ["name", "name = \"\": must not be empty"],
  ]),
  bad("empty name", "Policy", "only spaces", { name: "   " }, [
    ["name", "name = \"   \": must not be empty"],
  ]),
  bad("empty name", "List", "empty", { name: "", type: "domain" }, [
    ["name", "name = \"\": must not be empty"],
  ]),
  bad("empty name", "Webhook", "empty description", { webhookUrl: "https://hooks.example.com/nylas", triggerTypes: ["message.created"], description: "" }, [
    ["description", "description = \"\": must not be empty (Nylas cannot clear a description: remove the property to leave it as it is)"],
  ]),

  // folder path
  bad("folder path", "Folder", "a system folder", { grantId: "g1", path: "Inbox" }, [
    ["path", "path = \"Inbox\": is a system folder: inbox, sent, drafts, trash, junk and archive exist on every account and are never created, renamed or deleted; rules file into them by name as they are"],
  ]),
  bad("folder path", "Folder", "a system folder in capitals", { grantId: "g1", path: " JUNK " }, [
    ["path", "path = \" JUNK \": is a system folder: inbox, sent, drafts, trash, junk and archive exist on every account and are never created, renamed or deleted; rules file into them by name as they are"],
  ]),
  bad("folder path", "Folder", "a trailing slash", { grantId: "g1", path: "Clients/" }, [
    ["path", "path = \"Clients/\": must be a folder name or path like \"Invoices\" or \"Clients/Acme\": no empty part, no leading or trailing \"/\""],
  ]),
  bad("folder path", "Folder", "an empty path", { grantId: "g1", path: "" }, [
    ["path", "path = \"\": must be a folder name or path like \"Invoices\" or \"Clients/Acme\": no empty part, no leading or trailing \"/\""],
  ]),
  bad("folder path", "Folder", "a list of paths", { grantId: "g1", path: ["Invoices"] }, [
    ["path", "path = [\"Invoices\"]: must be a folder name or path like \"Invoices\" or \"Clients/Acme\" (a string)"],
  ]),
  bad("folder path", "Folder", "no account", { path: "Invoices" }, [
    ["grantId", "grantId = missing: must be an AgentAccount's grantId (a string)"],
  ]),
  bad("folder path", "Policy", "a system folder in additionalFolders", { name: "p", options: { additionalFolders: ["Invoices", "Sent"] } }, [
    ["options.additionalFolders[1]", "options.additionalFolders[1] = \"Sent\": is a system folder: inbox, sent, drafts, trash, junk and archive exist on every account and are never created, renamed or deleted; rules file into them by name as they are"],
  ]),
  bad("folder path", "Policy", "additionalFolders as one string", { name: "p", options: { additionalFolders: "Invoices" } }, [
    ["options.additionalFolders", "options.additionalFolders = \"Invoices\": must be a list of folder names or paths like [\"Invoices\", \"Clients/Acme\"]"],
  ]),
  bad("folder path", "Policy", "useCidrAliasing as a word", { name: "p", options: { useCidrAliasing: "on" } }, [
    ["options.useCidrAliasing", "options.useCidrAliasing = \"on\": must be true or false"],
  ]),

  // signatures
  bad("signatures", "AgentAccount", "eleven signatures", { email: "agent@agents.example.com", signatures: Array.from({ length: 11 }, (_, i) => ({ body: "<p>x</p>", name: `s${i}` })) }, [
    ["signatures", `signatures = ${JSON.stringify(Array.from({ length: 11 }, (_, i) => ({ body: "<p>x</p>", name: `s${i}` }))).slice(0, 77)}…: must have at most 10 signatures: Nylas allows 10 per account`],
  ]),
  bad("signatures", "AgentAccount", "the same name twice", { email: "agent@agents.example.com", signatures: [{ name: "Work", body: "<p>a</p>" }, { name: "Work", body: "<p>b</p>" }] }, [
    ["signatures[1].name", "signatures[1].name = \"Work\": is also the name of signatures[0]: the provider tells an account's signatures apart by name, so each must be unique"],
  ]),
  bad("signatures", "AgentAccount", "a body over 100 KB", { email: "agent@agents.example.com", signatures: [{ name: "Big", body: long(102401, "x") }] }, [
    ["signatures[0].body", `signatures[0].body = "${long(76, "x")}…: must be at most 100 KB (102400 bytes) of HTML, Nylas's limit; this one is 102401 bytes — host images at an https URL instead of embedding them`],
  ]),
  bad("signatures", "AgentAccount", "an inline image", { email: "agent@agents.example.com", signatures: [{ name: "Logo", body: "<p><img src='data:image/png;base64,iVBOR'></p>" }] }, [
    ["signatures[0].body", "signatures[0].body = \"<p><img src='data:image/png;base64,iVBOR'></p>\": must not embed images as data: URLs (Nylas refuses them); link an image hosted at an https URL"],
  ]),
  bad("signatures", "AgentAccount", "a signature without a name", { email: "agent@agents.example.com", signatures: [{ body: "<p>x</p>" }] }, [
    ["signatures[0].name", "signatures[0].name = missing: must be a string of 1–256 characters"],
  ]),
  bad("signatures", "AgentAccount", "a signature as a string", { email: "agent@agents.example.com", signatures: ["<p>x</p>"] }, [
    ["signatures[0]", "signatures[0] = \"<p>x</p>\": must be an object {name, body} like { name: \"Work\", body: \"<p>Sales Agent · Example Inc.</p>\" }"],
  ]),

  // domain-less workspace
  bad("domain-less workspace", "Workspace", "autoGroup without a domain", { name: "w", autoGroup: true }, [
    ["autoGroup", "autoGroup = true: needs a domain: a workspace without one never collects new accounts automatically; set domain, or place accounts with AgentAccount.workspaceId"],
  ]),

  // extra verification types
  bad("enumerations", "Domain", "an extra verification type that is required anyway", { name: "d", domainAddress: "mail.example.com", extraVerificationTypes: ["dmarc", "mx"] }, [
    ["extraVerificationTypes[1]", "extraVerificationTypes[1] = \"mx\": must be one of \"dmarc\", \"arc\""],
  ]),
];

/** Valid inputs at the edges of the rules above: accepted by check (no failure), also without API calls. */
export const ACCEPTED: Array<{ type: string; title: string; inputs: Record<string, unknown> }> = [
  { type: "Webhook", title: "http:// to localhost", inputs: { webhookUrl: "http://localhost:8080/hook", triggerTypes: ["message.created"] } },
  { type: "Webhook", title: "http:// to [::1]", inputs: { webhookUrl: "http://[::1]:9000/hook", triggerTypes: ["message.created"] } },
  { type: "Webhook", title: "a trigger far from every known one (warned, not refused)", inputs: { webhookUrl: "https://hooks.example.com/x", triggerTypes: ["message.telepathy"] } },
  { type: "Webhook", title: "duplicate triggers in any order", inputs: { webhookUrl: "https://hooks.example.com/x", triggerTypes: ["grant.created", "message.created", "grant.created"] } },
  { type: "AgentAccount", title: "an 18-character password", inputs: { email: "agent@agents.example.com", appPassword: "Abcdefghijklmnop12" } },
  { type: "AgentAccount", title: "a 40-character password with symbols", inputs: { email: "agent@agents.example.com", appPassword: "A1!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~abcdef" } },
  { type: "AgentAccount", title: "an email in upper case with spaces around", inputs: { email: "  Sales.Agent+Tag@Agents.Example.COM " } },
  { type: "AgentAccount", title: "a 256-character name with emoji and accents", inputs: { email: "agent@agents.example.com", name: "Agënt 🤖 " + long(247, "é") } },
  { type: "Policy", title: "spam sensitivity at both ends, unlimited storage, retention 2 > 1", inputs: { name: "p", spamDetection: { spamSensitivity: 0.1 }, limits: { limitStorageTotal: -1, limitInboxRetentionPeriod: 2, limitSpamRetentionPeriod: 1 } } },
  { type: "Policy", title: "spam sensitivity 5.0, a non-ASCII name", inputs: { name: "Política de spam — ñ", spamDetection: { spamSensitivity: 5 } } },
  { type: "Rule", title: "priority 0 and 1000", inputs: { name: "r", priority: 0, match: { conditions: [{ field: "from.tld", operator: "is", value: ".XYZ" }] }, actions: [{ type: "trash" }] } },
  { type: "Rule", title: "outbound rule on recipients and outbound.type", inputs: { name: "r", priority: 1000, trigger: "outbound", match: { operator: "any", conditions: [{ field: "recipient.domain", operator: "is_not", value: "Example.com" }, { field: "outbound.type", operator: "is", value: "REPLY" }] }, actions: [{ type: "block" }] } },
  { type: "Rule", title: "move_to_folder alias with a folder path", inputs: { name: "r", match: { conditions: [{ field: "from.address", operator: "contains", value: "invoice" }] }, actions: [{ type: "move_to_folder", value: "Clients/Acme" }, { type: "mark_as_read" }] } },
  { type: "List", title: "TLD items with a leading dot, capitals and punycode", inputs: { name: "l", type: "tld", items: ["xyz", ".COM", "xn--p1ai"] } },
  { type: "Workspace", title: "a domain with a trailing dot and capitals", inputs: { name: "w", domain: "Agents.Example.COM." } },
  { type: "Policy", title: "no name (the logical name)", inputs: { limits: { limitCountDailyEmailSent: 500 } } },
  { type: "Workspace", title: "no name (the logical name)", inputs: { domain: "ws.example" } },
  { type: "Workspace", title: "no domain (a domain-less workspace)", inputs: { name: "w", autoGroup: false } },
  { type: "Folder", title: "a nested path with spaces around its parts", inputs: { grantId: "g1", path: " Clients / Acme Corp " } },
  { type: "Folder", title: "a folder under a system folder's name", inputs: { grantId: "g1", path: "Inbox/Triage" } },
  { type: "Policy", title: "options with duplicate folders", inputs: { name: "p", options: { additionalFolders: ["Invoices", "Invoices", "Clients/Acme"], useCidrAliasing: false } } },
  { type: "AgentAccount", title: "ten signatures, one of exactly 100 KB", inputs: { email: "agent@agents.example.com", signatures: [{ name: "Big", body: long(102400, "x") }, ...Array.from({ length: 9 }, (_, i) => ({ name: `s${i}`, body: "<p>x</p>" }))] } },
  { type: "Domain", title: "both extra verification types", inputs: { name: "d", domainAddress: "mail.example.com", extraVerificationTypes: ["arc", "dmarc"] } },
  { type: "Domain", title: "region in capitals, every verification type", inputs: { name: "d", domainAddress: "mail.example.com", region: "EU", waitForVerification: { types: ["dkim", "ownership", "mx", "spf", "feedback"], timeoutSeconds: 3600, intervalSeconds: 1 } } },
];
