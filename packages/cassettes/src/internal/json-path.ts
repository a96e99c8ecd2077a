/** One step of a JSON path: a key, an index, or every element (`{ any: true }`). */
export type PathStep = string | number | { any: true };

/**
 * Parse `metadata.requestId`, `messages[*].id`, `items[0].at` (a leading `$.` is allowed).
 *
 * @example
 * parsePath('choices[*].id') // ['choices', { any: true }, 'id']
 */
export function parsePath(path: string): PathStep[] {
  const parts: PathStep[] = [];
  for (const piece of path.replace(/^\$\.?/, '').split('.')) {
    const match = /^([^[\]]*)((?:\[(?:\d+|\*)\])*)$/.exec(piece);
    if (match === null) {
      parts.push(piece);
      continue;
    }
    if (match[1] !== '') parts.push(match[1]!);
    for (const index of match[2]!.matchAll(/\[(\d+|\*)\]/g)) parts.push(index[1] === '*' ? { any: true } : Number(index[1]));
  }
  return parts;
}

/**
 * Replace the value at every place `path` reaches in `node` (in place) by `replace(current)`; paths
 * that do not exist are left alone. Returns whether anything changed.
 *
 * @example
 * replaceAtPath(chunk, parsePath('id'), () => 'chatcmpl-recorded')
 */
export function replaceAtPath(node: unknown, path: readonly PathStep[], replace: (current: unknown) => unknown): boolean {
  if (path.length === 0 || node === null || typeof node !== 'object') return false;
  const [head, ...rest] = path;
  const container = node as Record<string | number, unknown>;
  const keys = typeof head === 'object' ? Object.keys(container) : [head!];
  let changed = false;
  for (const key of keys) {
    if (!Object.hasOwn(container, key)) continue;
    if (rest.length > 0) {
      changed = replaceAtPath(container[key], rest, replace) || changed;
      continue;
    }
    const next = replace(container[key]);
    if (!Object.is(next, container[key])) {
      container[key] = next;
      changed = true;
    }
  }
  return changed;
}
