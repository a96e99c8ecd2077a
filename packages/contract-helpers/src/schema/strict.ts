import { isPlainObject, resolveLocalRef, type SchemaObject } from './walk.js';

/** Which side of an HTTP exchange a schema describes: `readOnly`/`writeOnly` properties depend on it. */
export type SchemaDirection = 'request' | 'response' | 'any';

type Role = 'value' | 'applicator' | 'branch' | 'definition';

const OBJECT_SHAPE_KEYWORDS = [
  'properties',
  'patternProperties',
  'required',
  'additionalProperties',
  'unevaluatedProperties',
  'minProperties',
  'maxProperties',
  'propertyNames',
  'dependentRequired',
  'dependentSchemas',
  '$ref',
  '$dynamicRef',
  'allOf',
  'anyOf',
  'oneOf',
  'if',
] as const;

function describesObjects(schema: SchemaObject): boolean {
  const type = schema['type'];
  if (type !== undefined) return type === 'object' || (Array.isArray(type) && type.includes('object'));
  if (Array.isArray(schema['enum']) || 'const' in schema) return false;
  return OBJECT_SHAPE_KEYWORDS.some((keyword) => schema[keyword] !== undefined);
}

function isMapSchema(value: unknown): boolean {
  return isPlainObject(value) && Object.keys(value).length > 0;
}

function closedByAuthor(schema: SchemaObject, root: unknown, closed: WeakSet<object>, seen = new Set<unknown>()): boolean {
  if (seen.has(schema)) return false;
  seen.add(schema);
  if (closed.has(schema)) return true;
  if (typeof schema['$ref'] === 'string') {
    const target = resolveLocalRef(root, schema['$ref']);
    if (isPlainObject(target) && closedByAuthor(target, root, closed, seen)) return true;
  }
  return (
    Array.isArray(schema['allOf']) && schema['allOf'].some((member) => isPlainObject(member) && closedByAuthor(member, root, closed, seen))
  );
}

/** Every object in `value` whose author closed it, found before any of them is rewritten. */
function collectClosed(value: unknown, closed: WeakSet<object>, seen = new Set<unknown>()): WeakSet<object> {
  if (typeof value !== 'object' || value === null || seen.has(value)) return closed;
  seen.add(value);
  if (isPlainObject(value) && (value['additionalProperties'] === false || value['unevaluatedProperties'] === false)) closed.add(value);
  for (const child of Object.values(value)) collectClosed(child, closed, seen);
  return closed;
}

function dropDirectional(schema: SchemaObject, direction: SchemaDirection): void {
  if (direction === 'any' || !isPlainObject(schema['properties'])) return;
  const hidden = direction === 'response' ? 'writeOnly' : 'readOnly';
  const properties = schema['properties'];
  for (const [name, property] of Object.entries(properties)) {
    if (isPlainObject(property) && property[hidden] === true) {
      delete properties[name];
      if (Array.isArray(schema['required'])) schema['required'] = (schema['required'] as unknown[]).filter((entry) => entry !== name);
    }
  }
}

/**
 * Move `if`/`then`/`else` into a member of their own in `allOf` (the same meaning in 2020-12):
 * ajv forgets the properties `allOf`/`$ref` evaluated when `if` fails next to them, so
 * `unevaluatedProperties` would reject declared fields on the `else` side.
 */
function isolateConditional(schema: SchemaObject): void {
  if (schema['if'] === undefined || Object.keys(schema).every((keyword) => ['if', 'then', 'else'].includes(keyword))) return;
  const conditional: SchemaObject = {};
  for (const keyword of ['if', 'then', 'else'] as const) {
    if (schema[keyword] !== undefined) conditional[keyword] = schema[keyword];
    delete schema[keyword];
  }
  schema['allOf'] = [...(Array.isArray(schema['allOf']) ? (schema['allOf'] as unknown[]) : []), conditional];
}

/**
 * Close a draft 2020-12 schema (in place): every place a value is described (the root, each
 * property, item, map value...) gets `unevaluatedProperties: false` when it describes objects, and
 * `additionalProperties: true`/`false` are removed, so that `allOf`, `$ref` and `if`/`then` parts
 * are evaluated together instead of closing each part alone (the allOf trap of
 * `additionalProperties: false`). `oneOf`/`anyOf` branches the author closed stay closed as a
 * whole, so they still tell alternatives apart. `additionalProperties` with a schema (a map) is
 * kept. Subschemas under `not` are left as written.
 *
 * @param root - a draft 2020-12 schema, already a private copy
 * @param options - `direction`: drop `writeOnly` properties from responses and `readOnly` ones from
 * requests; `openBranches`: leave every `oneOf`/`anyOf` branch open (closed only at the object
 * level, after composition), the variant that names the real extra fields of a value no closed
 * branch accepts
 * @example
 * closeSchema({ allOf: [{ $ref: '#/$defs/Base' }, { properties: { name: { type: 'string' } } }], $defs: { ... } })
 */
export function closeSchema(root: unknown, options: { direction?: SchemaDirection; openBranches?: boolean } = {}): unknown {
  const direction = options.direction ?? 'any';
  const closed = collectClosed(root, new WeakSet());
  const visit = (schema: unknown, role: Role): void => {
    if (!isPlainObject(schema)) return;
    dropDirectional(schema, direction);
    isolateConditional(schema);
    const openBranch = role === 'branch' && options.openBranches === true;
    const authorClosed = role === 'branch' && !openBranch && closedByAuthor(schema, root, closed);
    if (openBranch && typeof schema['unevaluatedProperties'] === 'boolean') delete schema['unevaluatedProperties'];
    const additional = schema['additionalProperties'];
    if (additional === true || additional === false || (isPlainObject(additional) && Object.keys(additional).length === 0)) {
      delete schema['additionalProperties'];
    }
    if (schema['unevaluatedProperties'] === undefined && !isMapSchema(schema['additionalProperties'])) {
      if ((role === 'value' && describesObjects(schema)) || authorClosed) schema['unevaluatedProperties'] = false;
    }
    if (schema['unevaluatedProperties'] === true) schema['unevaluatedProperties'] = false;
    for (const keyword of ['properties', 'patternProperties'] as const) {
      const map = schema[keyword];
      if (isPlainObject(map)) for (const child of Object.values(map)) visit(child, 'value');
    }
    for (const keyword of ['additionalProperties', 'unevaluatedProperties', 'items', 'contains', 'unevaluatedItems'] as const) {
      visit(schema[keyword], 'value');
    }
    if (Array.isArray(schema['prefixItems'])) for (const child of schema['prefixItems']) visit(child, 'value');
    if (Array.isArray(schema['allOf'])) for (const child of schema['allOf']) visit(child, 'applicator');
    for (const keyword of ['anyOf', 'oneOf'] as const) {
      const list = schema[keyword];
      if (Array.isArray(list)) for (const child of list) visit(child, 'branch');
    }
    for (const keyword of ['if', 'then', 'else'] as const) visit(schema[keyword], 'applicator');
    if (isPlainObject(schema['dependentSchemas']))
      for (const child of Object.values(schema['dependentSchemas'])) visit(child, 'applicator');
    if (isPlainObject(schema['$defs'])) for (const child of Object.values(schema['$defs'])) visit(child, 'definition');
    const components = schema['components'];
    if (isPlainObject(components) && isPlainObject(components['schemas'])) {
      for (const child of Object.values(components['schemas'])) visit(child, 'definition');
    }
  };
  visit(root, 'value');
  return root;
}
