import { isPlainObject, SCHEMA_ARRAY_KEYWORDS, SCHEMA_MAP_KEYWORDS, SINGLE_SCHEMA_KEYWORDS, type SchemaObject } from './walk.js';

/**
 * The schema dialects the package reads. Everything is converted to draft 2020-12 before it is
 * compiled, so one validator engine (ajv's 2020 class) serves all of them.
 */
export type SchemaDialect = 'draft-2020-12' | 'draft-2019-09' | 'draft-07' | 'draft-06' | 'draft-04' | 'openapi-3.0' | 'openapi-3.1';

const DRAFT_BY_URI: ReadonlyArray<[RegExp, SchemaDialect]> = [
  [/draft\/2020-12\/schema/, 'draft-2020-12'],
  [/draft\/2019-09\/schema/, 'draft-2019-09'],
  [/draft-07\/schema/, 'draft-07'],
  [/draft-06\/schema/, 'draft-06'],
  [/draft-04\/schema/, 'draft-04'],
];

/**
 * The dialect a schema declares with `$schema`, else `fallback`.
 *
 * @param schema - a JSON Schema
 * @param fallback - the dialect of schemas without `$schema` (draft 2020-12 unless told)
 * @example
 * detectDialect({ $schema: 'http://json-schema.org/draft-07/schema#' }) // 'draft-07'
 */
export function detectDialect(schema: unknown, fallback: SchemaDialect = 'draft-2020-12'): SchemaDialect {
  if (isPlainObject(schema) && typeof schema['$schema'] === 'string') {
    for (const [pattern, dialect] of DRAFT_BY_URI) if (pattern.test(schema['$schema'])) return dialect;
  }
  return fallback;
}

const REF_KEEPS_SIBLINGS = new Set<SchemaDialect>(['draft-2020-12', 'draft-2019-09', 'openapi-3.1']);

function withNull(schema: SchemaObject): SchemaObject {
  const type = schema['type'];
  if (typeof type === 'string') schema['type'] = type === 'null' ? type : [type, 'null'];
  else if (Array.isArray(type)) {
    if (!type.includes('null')) schema['type'] = [...(type as unknown[]), 'null'];
  } else {
    const { ...rest } = schema;
    for (const key of Object.keys(schema)) delete schema[key];
    schema['anyOf'] = [rest, { type: 'null' }];
    return schema;
  }
  if (Array.isArray(schema['enum']) && !schema['enum'].includes(null)) schema['enum'] = [...(schema['enum'] as unknown[]), null];
  return schema;
}

function convertRef(ref: string): string {
  return ref.replace(/^#\/definitions\//, '#/$defs/');
}

/**
 * A draft 2020-12 copy of `schema`, written in `dialect`. The input is never changed.
 *
 * - draft 04/06/07 and 2019-09: `definitions` become `$defs` (and their references follow), array
 *   `items` become `prefixItems`, `additionalItems` becomes `items`, `dependencies` splits into
 *   `dependentRequired` and `dependentSchemas`; before 2019-09, siblings of `$ref` are ignored (as
 *   those drafts say) and dropped; draft 04 boolean `exclusiveMinimum`/`exclusiveMaximum` become numbers;
 * - OpenAPI 3.0: `nullable: true` adds `null`, boolean exclusive bounds become numbers, siblings of
 *   `$ref` are dropped;
 * - OpenAPI 3.1 and 2020-12: copied as they are.
 *
 * @param schema - the schema as written
 * @param dialect - what it is written in
 * @example
 * toDraft2020({ type: 'string', nullable: true }, 'openapi-3.0') // { type: ['string', 'null'] }
 */
export function toDraft2020(schema: unknown, dialect: SchemaDialect): unknown {
  if (!isPlainObject(schema)) return Array.isArray(schema) ? schema.map((item: unknown) => toDraft2020(item, dialect)) : schema;
  const legacy = dialect === 'draft-07' || dialect === 'draft-06' || dialect === 'draft-04' || dialect === 'openapi-3.0';
  const source: SchemaObject =
    typeof schema['$ref'] === 'string' && !REF_KEEPS_SIBLINGS.has(dialect) && dialect !== 'draft-2020-12'
      ? { $ref: schema['$ref'], ...(isPlainObject(schema['definitions']) ? { definitions: schema['definitions'] } : {}) }
      : schema;
  const out: SchemaObject = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === '$schema') continue;
    if (key === '$ref' && typeof value === 'string') out['$ref'] = legacy ? convertRef(value) : value;
    else if ((SINGLE_SCHEMA_KEYWORDS as readonly string[]).includes(key) && key !== 'items' && key !== 'additionalItems') {
      out[key] = toDraft2020(value, dialect);
    } else if ((SCHEMA_MAP_KEYWORDS as readonly string[]).includes(key) && isPlainObject(value)) {
      const target = key === 'definitions' ? '$defs' : key;
      out[target] = {
        ...(out[target] as SchemaObject | undefined),
        ...Object.fromEntries(Object.entries(value).map(([name, child]) => [name, toDraft2020(child, dialect)])),
      };
    } else if ((SCHEMA_ARRAY_KEYWORDS as readonly string[]).includes(key) && Array.isArray(value)) {
      out[key] = value.map((item: unknown) => toDraft2020(item, dialect));
    } else if (key === 'dependencies' && isPlainObject(value)) {
      for (const [name, dependency] of Object.entries(value)) {
        const target = Array.isArray(dependency) ? 'dependentRequired' : 'dependentSchemas';
        out[target] = {
          ...(out[target] as SchemaObject | undefined),
          [name]: Array.isArray(dependency) ? dependency : toDraft2020(dependency, dialect),
        };
      }
    } else if (key !== 'items' && key !== 'additionalItems' && key !== 'nullable') {
      out[key] = value;
    }
  }
  if (Array.isArray(source['items'])) {
    out['prefixItems'] = source['items'].map((item: unknown) => toDraft2020(item, dialect));
    if (source['additionalItems'] !== undefined) out['items'] = toDraft2020(source['additionalItems'], dialect);
  } else if (source['items'] !== undefined) {
    out['items'] = toDraft2020(source['items'], dialect);
  }
  if (dialect === 'openapi-3.0' || dialect === 'draft-04') {
    for (const [flag, bound] of [
      ['exclusiveMinimum', 'minimum'],
      ['exclusiveMaximum', 'maximum'],
    ] as const) {
      if (typeof out[flag] === 'boolean') {
        if (out[flag] === true && typeof out[bound] === 'number') {
          out[flag] = out[bound];
          delete out[bound];
        } else delete out[flag];
      }
    }
  }
  if (dialect === 'openapi-3.0' && source['nullable'] === true) return withNull(out);
  if (dialect === 'openapi-3.1' && source['nullable'] === true) out['nullable'] = true;
  return out;
}
