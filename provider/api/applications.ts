import { z } from "zod";
import type { NylasClient } from "../client";

/**
 * `/v3/applications` (Nylas API v3 Applications): the application of the API key. Only read here: its
 * `default_workspace_id` is read-only (Nylas manages it and ignores it in updates), and what PATCH can
 * change (branding, hosted authentication, callback URIs) is no part of an agent's mailbox. Fields are
 * left out when empty; the answer may be `{success, data}` or `{request_id, data}` — both carry `data`.
 */

export const applicationWire = z.looseObject({
  application_id: z.string().nullish(),
  organization_id: z.string().nullish(),
  region: z.string().nullish(),
  environment: z.string().nullish(),
  default_workspace_id: z.string().nullish(),
});
export type ApplicationWire = z.infer<typeof applicationWire>;

export class Applications {
  constructor(private readonly client: NylasClient) {}

  /** The application of the API key. */
  current(): Promise<ApplicationWire> {
    return this.client.call({ method: "GET", path: "/v3/applications", data: applicationWire });
  }
}
