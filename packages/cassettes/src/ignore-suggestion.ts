import type { FieldDifference } from './matching.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const EPOCH = /^1\d{9}(?:\d{3})?(?:\.\d+)?$/;
/** A generated id: no spaces, at least 6 characters, digits among them (`req-8f3a2c71d9`, `0.8123`, a hex hash). */
const GENERATED_ID = /^(?=[^\s]*\d)[\w.:-]{6,}$/;
/** Names of fields that hold times, ids or one-off values (`sentAt`, `request_id`, `nonce`, `x-request-id`). */
const VOLATILE_NAME = /(?:^|[-_.\s]|[a-z](?=[A-Z]))(?:id|uuid|guid|nonce|ts|timestamp|time|date|at|created|updated|expires?|trace|span)$/i;
const PLACEHOLDER = /^\[redacted:[^\]]*\]$/;

/** Whether a differing field looks like it changes on every run: a time, an epoch, a UUID or a generated id, or named like one. */
function isVolatile(difference: FieldDifference): boolean {
  const values = [difference.recorded, difference.incoming].filter((value): value is string => value !== undefined);
  if (values.length === 0 || values.some((value) => PLACEHOLDER.test(value))) return false;
  if (values.some((value) => UUID.test(value) || ISO_TIME.test(value) || EPOCH.test(value))) return true;
  const name =
    difference.path
      .replace(/\[\d+\]/g, '')
      .split('.')
      .at(-1) ?? '';
  return VOLATILE_NAME.test(name) || values.every((value) => GENERATED_ID.test(value));
}

interface Ignored {
  kind: 'query' | 'header' | 'body';
  name: string;
}

function ignoredField(path: string): Ignored | undefined {
  if (path.startsWith('query.')) return { kind: 'query', name: path.slice('query.'.length) };
  if (path.startsWith('headers.')) return { kind: 'header', name: path.slice('headers.'.length) };
  if (path.startsWith('body.')) return { kind: 'body', name: path.slice('body.'.length) };
  return undefined;
}

/** Body paths that differ only by array index (`items[0].id`, `items[1].id`) become one wildcard path (`items[*].id`). */
function collapseIndexes(paths: readonly string[]): string[] {
  const wildcard = (path: string): string => path.replace(/\[\d+\]/g, '[*]');
  const counts = new Map<string, number>();
  for (const path of paths) counts.set(wildcard(path), (counts.get(wildcard(path)) ?? 0) + 1);
  return [...new Set(paths.map((path) => ((counts.get(wildcard(path)) ?? 0) > 1 ? wildcard(path) : path)))];
}

function describeFields(kind: Ignored['kind'], names: readonly string[]): string {
  const quoted = kind === 'body' ? names : names.map((name) => JSON.stringify(name));
  const noun = { query: 'query parameter', header: 'header', body: 'body field' }[kind];
  return `${noun}${names.length > 1 ? 's' : ''} ${listed(quoted)}`;
}

function listed(items: readonly string[]): string {
  return items.length === 1 ? items[0]! : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`;
}

/**
 * What to suggest ignoring when a request matches no recording, from its differences with the
 * closest one: every field that looks volatile (a time, an epoch, a UUID, a generated id, or named
 * like one), all in one `match` option; when none looks volatile, the first field that differs.
 *
 * @example
 * suggestIgnore(differences)?.text
 * // 'If body fields sentAt and meta.requestId change on every run, ignore them: match: { ignoreBodyPaths: ["sentAt", "meta.requestId"] }'
 */
export function suggestIgnore(differences: readonly FieldDifference[]): { text: string } | undefined {
  const candidates = differences.filter((difference) => ignoredField(difference.path) !== undefined);
  const volatile = candidates.filter(isVolatile);
  const chosen = (volatile.length > 0 ? volatile : candidates.slice(0, 1)).map((difference) => ignoredField(difference.path)!);
  if (chosen.length === 0) return undefined;
  const options: string[] = [];
  const fields: string[] = [];
  for (const [kind, option] of [
    ['query', 'ignoreQuery'],
    ['header', 'ignoreHeaders'],
    ['body', 'ignoreBodyPaths'],
  ] as const) {
    const names = chosen.filter((field) => field.kind === kind).map((field) => field.name);
    if (names.length === 0) continue;
    const unique = kind === 'body' ? collapseIndexes(names) : [...new Set(names)];
    fields.push(describeFields(kind, unique));
    options.push(`${option}: [${unique.map((name) => JSON.stringify(name)).join(', ')}]`);
  }
  const several = chosen.length > 1;
  return {
    text: `If ${listed(fields)} change${several ? '' : 's'} on every run, ignore ${several ? 'them' : 'it'}: match: { ${options.join(', ')} }`,
  };
}
