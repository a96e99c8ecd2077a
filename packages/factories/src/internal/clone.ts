/**
 * A copy of plain data (plain objects, arrays, Dates, Maps, Sets), so no two builds share a mutable
 * default. Class instances and functions are kept as they are: they are the user's own values.
 */
export function cloneData<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneData) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (value instanceof Map) return new Map([...value].map(([key, entry]) => [key, cloneData(entry)])) as T;
  if (value instanceof Set) return new Set([...value].map(cloneData)) as T;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  for (const key in source) if (Object.prototype.hasOwnProperty.call(source, key)) copy[key] = cloneData(source[key]);
  return copy as T;
}

const isPrimitive = (value: unknown): boolean => (typeof value !== 'object' && typeof value !== 'function') || value === null;

/**
 * A function returning a fresh copy of `value` on every call, specialised for the common shapes (a
 * primitive, a Date, a flat array or a flat plain object) so constant defaults stay cheap.
 */
export function copier<T>(value: T): () => T {
  if (isPrimitive(value)) return () => value;
  if (value instanceof Date) {
    const time = value.getTime();
    return () => new Date(time) as T;
  }
  if (Array.isArray(value) && value.every(isPrimitive)) return () => value.slice() as T;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if ((prototype === Object.prototype || prototype === null) && Object.values(value as object).every(isPrimitive)) {
    return prototype === null ? () => Object.assign(Object.create(null), value) as T : () => ({ ...value });
  }
  return () => cloneData(value);
}

/**
 * Whether a constant is a mutable class instance: `cloneData` keeps those as they are, so every build
 * would share it (frozen instances and regular expressions are safe to share).
 */
export function isSharedInstance(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return false;
  if (Array.isArray(value) || value instanceof Date || value instanceof Map || value instanceof Set || value instanceof RegExp)
    return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype !== Object.prototype && prototype !== null;
}
