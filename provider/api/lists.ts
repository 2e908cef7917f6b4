import { z } from "zod";
import type { NylasClient } from "../client";
import { Collection, makePath } from "./base";

/**
 * `/v3/lists` and `/v3/lists/{id}/items` (Nylas API v3 Lists). Items are not part of the list object: they
 * are read in cursor pages and added/removed with `{items: [...]}` bodies of at most 1,000 values. The
 * answers of PUT and of item changes are List objects that may lack the id and unchanged fields.
 */

export const listWire = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  type: z.string(),
  items_count: z.number().nullish(),
  created_at: z.number().nullish(),
});
export type ListWire = z.infer<typeof listWire>;

const itemWire = z.looseObject({ value: z.string() });

/** Values per add/remove request, as the API allows. */
export const ITEMS_PER_REQUEST = 1000;

export class Lists extends Collection<typeof listWire> {
  constructor(client: NylasClient) {
    super(client, {
      noun: "list",
      plural: "lists",
      all: "/v3/lists",
      one: "/v3/lists/{id}",
      idField: "id",
      wire: listWire,
      paging: "cursor",
      updateVerb: "PUT",
      listedReads: true,
    });
  }

  /** The list named `name` of `type` (names need not be unique across types); several are an error. */
  async findByNameAndType(name: string, type: string): Promise<ListWire | undefined> {
    return this.findOne(await this.list(), (l) => l.name === name && l.type === type, `are named "${name}" with type ${type}`);
  }

  /** Every item value of a list, as Nylas stores it. */
  async items(id: string): Promise<string[]> {
    const items = await this.client.listCursor({ path: makePath("/v3/lists/{id}/items", { id }), item: itemWire });
    return items.map((i) => i.value);
  }

  /** Adds values (batches of ≤1,000); returns the list as it is afterwards. */
  addItems(id: string, values: readonly string[], onBatch?: (done: readonly string[]) => void): Promise<ListWire | undefined> {
    return this.changeItems(id, "POST", values, onBatch);
  }

  /** Removes values (batches of ≤1,000); returns the list as it is afterwards. */
  removeItems(id: string, values: readonly string[]): Promise<ListWire | undefined> {
    return this.changeItems(id, "DELETE", values);
  }

  /**
   * Both directions are safe to repeat (Nylas ignores duplicates and absent values), so they are
   * retried like a PUT. Only the last answer is made whole (one GET at most, when it is sparse).
   * `undefined` when there was nothing to send.
   */
  private async changeItems(id: string, method: "POST" | "DELETE", values: readonly string[], onBatch?: (done: readonly string[]) => void): Promise<ListWire | undefined> {
    let last: Partial<ListWire> | undefined;
    for (let i = 0; i < values.length; i += ITEMS_PER_REQUEST) {
      const batch = values.slice(i, i + ITEMS_PER_REQUEST);
      last = await this.call({ method, path: "/v3/lists/{id}/items", params: { id }, body: { items: batch }, data: this.sparse, idempotent: true });
      onBatch?.(batch);
    }
    return last && this.settle(id, last);
  }
}
