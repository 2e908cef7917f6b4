import type { RunningEmulator } from "./index";

/** A stack config value as `pulumi config set [--secret]` stores it. */
export type StackConfigValue = string | { secret: string };

/**
 * The provider config that points a stack at this emulator: the API, its key, and the credentials of
 * the routes that take others (/v3/domains: the IAM admin key or a signed service-account request; IAM).
 */
export function stackConfigFor(emulator: RunningEmulator): Record<string, StackConfigValue> {
  const sa = emulator.serviceAccount;
  return {
    "nylas:apiKey": { secret: emulator.apiKey },
    "nylas:apiUri": emulator.url,
    "nylas:serviceAccount": { secret: JSON.stringify({ private_key_id: sa.privateKeyId, private_key: sa.privateKeyPem }) },
    "nylas:domainsApiKey": { secret: emulator.iamAdminKey },
    "nylas:iamApiKey": { secret: emulator.iamAdminKey },
  };
}
