// Looking a client-named key up in a constant table: `TABLE[name]` also finds what every object
// inherits, so `constructor` or `toString` would come back as a function instead of undefined.

/** The table's own entry for `key`, never an inherited member of Object.prototype. */
export function ownEntry<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
