/** A JSON Schema object (booleans are schemas too, handled by callers). */
export type SchemaObject = Record<string, unknown>;

/** Keywords whose value is one subschema. */
export const SINGLE_SCHEMA_KEYWORDS = [
  'additionalProperties',
  'unevaluatedProperties',
  'items',
  'additionalItems',
  'contains',
  'not',
  'if',
  'then',
  'else',
  'propertyNames',
  'unevaluatedItems',
  'contentSchema',
] as const;

/** Keywords whose value is a map of name to subschema. */
export const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'] as const;

/** Keywords whose value is an array of subschemas. */
export const SCHEMA_ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;

/** Every keyword of JSON Schema drafts 04 to 2020-12 and of OpenAPI 3.0/3.1 schema objects. */
export const KNOWN_KEYWORDS: readonly string[] = [
  '$schema',
  '$id',
  'id',
  '$ref',
  '$anchor',
  '$dynamicRef',
  '$dynamicAnchor',
  '$recursiveRef',
  '$recursiveAnchor',
  '$vocabulary',
  '$comment',
  'type',
  'enum',
  'const',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxContains',
  'minContains',
  'maxProperties',
  'minProperties',
  'required',
  'dependentRequired',
  'dependencies',
  'format',
  'contentEncoding',
  'contentMediaType',
  'title',
  'description',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
  'examples',
  'example',
  'nullable',
  'discriminator',
  'xml',
  'externalDocs',
  ...SINGLE_SCHEMA_KEYWORDS,
  ...SCHEMA_MAP_KEYWORDS,
  ...SCHEMA_ARRAY_KEYWORDS,
];

/** Whether `value` is a plain object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A visit of one subschema: its location from the walk's root and how it is reached. */
export interface SchemaVisit {
  schema: SchemaObject;
  path: (string | number)[];
  /** The keyword that holds it (`properties`, `allOf`...), undefined at the root. */
  via: string | undefined;
}

/**
 * Call `visit` for every subschema object under `schema` (itself included), depth first. Values of
 * `enum`, `const`, `default`, `example(s)` are data and are not walked.
 */
export function walkSchema(schema: unknown, visit: (visit: SchemaVisit) => void, path: (string | number)[] = [], via?: string): void {
  if (!isPlainObject(schema)) return;
  visit({ schema, path, via });
  for (const keyword of SINGLE_SCHEMA_KEYWORDS) {
    const child = schema[keyword];
    if (Array.isArray(child)) child.forEach((item, index) => walkSchema(item, visit, [...path, keyword, index], keyword));
    else walkSchema(child, visit, [...path, keyword], keyword);
  }
  for (const keyword of SCHEMA_MAP_KEYWORDS) {
    const map = schema[keyword];
    if (!isPlainObject(map)) continue;
    for (const [name, child] of Object.entries(map)) {
      if (keyword === 'dependentSchemas' || !Array.isArray(child)) walkSchema(child, visit, [...path, keyword, name], keyword);
    }
  }
  const dependencies = schema['dependencies'];
  if (isPlainObject(dependencies)) {
    for (const [name, child] of Object.entries(dependencies)) walkSchema(child, visit, [...path, 'dependencies', name], 'dependencies');
  }
  for (const keyword of SCHEMA_ARRAY_KEYWORDS) {
    const list = schema[keyword];
    if (Array.isArray(list)) list.forEach((item, index) => walkSchema(item, visit, [...path, keyword, index], keyword));
  }
}

/** Resolve a local JSON Pointer reference (`#/components/schemas/Order`) inside `root`. */
export function resolveLocalRef(root: unknown, ref: string): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let current: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (isPlainObject(current)) current = current[segment];
    else return undefined;
    if (current === undefined) return undefined;
  }
  return current;
}
