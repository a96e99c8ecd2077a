/** What the package remembers about an object a factory produced, to walk its graph later. */
export interface Origin {
  /** The factory's name. */
  readonly factory: string;
  /** Whether the factory was marked with `.asTenant()`. */
  readonly isTenant: boolean;
  /** belongsTo fields: the parent objects they were resolved from (when known). */
  readonly parents: Map<string, object>;
  /** belongsTo fields pointing at a tenant factory, with how they read the key from a tenant. */
  readonly tenantFields: ReadonlyArray<{ readonly field: string; readonly pick: (tenant: object) => unknown }>;
  /** hasMany fields: the children created with the object. */
  readonly children: Map<string, readonly object[]>;
}

const kOrigins = Symbol.for('@proving-ground/factories/origins');

/** Every object built or created by any copy of the package in this test file. */
export function origins(): WeakMap<object, Origin> {
  const holder = globalThis as unknown as Record<symbol, WeakMap<object, Origin> | undefined>;
  let map = holder[kOrigins];
  if (map === undefined) {
    map = new WeakMap();
    Object.defineProperty(holder, kOrigins, { value: map, configurable: true, enumerable: false });
  }
  return map;
}
