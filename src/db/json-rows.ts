/**
 * Rows that come back through row_to_json (one round trip for several tables on the hot path)
 * carry their timestamps as ISO strings, not Dates. They are typed as they really are, and
 * turned into the table's row type once, here.
 */
export type JsonRow<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};

export function fromJsonRow<T>(row: JsonRow<T>, dateKeys: ReadonlyArray<keyof T>): T {
  const out = { ...row } as Record<keyof T, unknown>;
  for (const k of dateKeys) {
    const v = out[k];
    if (typeof v === 'string') out[k] = new Date(v);
  }
  return out as T;
}
