import { editDistance, nearestMatch } from '@proving-ground/kit';
import { isPlainObject, KNOWN_KEYWORDS, resolveLocalRef, walkSchema } from './walk.js';
import { formatJsonPath, type PathSegment } from '../json-path.js';

/** One problem found in a schema (not in data): where it is and what is wrong. */
export interface SchemaProblem {
  /** Path segments from the document's root. */
  segments: PathSegment[];
  /** What is wrong, in a sentence. */
  message: string;
}

const TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];
const FORMATS = [
  'date',
  'time',
  'date-time',
  'iso-time',
  'iso-date-time',
  'duration',
  'uri',
  'uri-reference',
  'uri-template',
  'url',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'regex',
  'uuid',
  'json-pointer',
  'json-pointer-uri-fragment',
  'relative-json-pointer',
  'byte',
  'int32',
  'int64',
  'float',
  'double',
  'password',
  'binary',
  'idn-email',
  'idn-hostname',
  'iri',
  'iri-reference',
];

/** Format names the validator checks; others are annotations. */
export const KNOWN_FORMATS: readonly string[] = FORMATS;

function closeTypo(word: string, candidates: readonly string[]): string | undefined {
  const match = nearestMatch(word, candidates);
  if (match === undefined || match === word || word.length < 4) return undefined;
  const distance = editDistance(word.toLowerCase(), match.toLowerCase());
  return distance <= (word.length <= 4 ? 1 : 2) ? match : undefined;
}

/**
 * Every problem of a schema as written: misspelt keywords ("did you mean"), unknown types,
 * `required` that is not a list of names, patterns that are not regular expressions, unknown
 * formats close to a known one, and local `$ref`s that point nowhere.
 *
 * @param schema - the schema as written
 * @param options - `prefix`: where the schema sits in its document; `refRoot`: the document `$ref`s resolve in
 * @example
 * findSchemaProblems({ type: 'object', requried: ['id'] }) // [{ segments: ['requried'], message: 'unknown keyword "requried" (did you mean "required"?)' }]
 */
export function findSchemaProblems(schema: unknown, options: { prefix?: PathSegment[]; refRoot?: unknown } = {}): SchemaProblem[] {
  const prefix = options.prefix ?? [];
  const refRoot = options.refRoot ?? schema;
  const problems: SchemaProblem[] = [];
  if (typeof schema === 'boolean') return problems;
  if (!isPlainObject(schema)) {
    return [
      { segments: prefix, message: `a schema must be an object or a boolean, not ${Array.isArray(schema) ? 'an array' : typeof schema}` },
    ];
  }
  walkSchema(schema, ({ schema: node, path }) => {
    const at = (...rest: PathSegment[]): PathSegment[] => [...prefix, ...path, ...rest];
    for (const key of Object.keys(node)) {
      if (KNOWN_KEYWORDS.includes(key) || key.startsWith('x-')) continue;
      const suggestion = closeTypo(key, KNOWN_KEYWORDS);
      if (suggestion !== undefined)
        problems.push({ segments: at(key), message: `unknown keyword "${key}" (did you mean "${suggestion}"?)` });
    }
    const type = node['type'];
    for (const entry of Array.isArray(type) ? type : type === undefined ? [] : [type]) {
      if (typeof entry !== 'string' || !TYPES.includes(entry)) {
        const suggestion = typeof entry === 'string' ? nearestMatch(entry, TYPES) : undefined;
        problems.push({
          segments: at('type'),
          message: `${JSON.stringify(entry)} is not a JSON Schema type${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}; use one of ${TYPES.join(', ')}`,
        });
      }
    }
    const required = node['required'];
    if (required !== undefined && (!Array.isArray(required) || required.some((name) => typeof name !== 'string'))) {
      problems.push({
        segments: at('required'),
        message: `"required" must be a list of property names${typeof required === 'boolean' ? ' (OpenAPI marks a property required in its parent\'s "required" list, not with "required: true" on the property)' : ''}`,
      });
    }
    const pattern = node['pattern'];
    if (pattern !== undefined) {
      if (typeof pattern !== 'string') {
        problems.push({ segments: at('pattern'), message: '"pattern" is not a valid regular expression: not a string' });
      } else {
        try {
          new RegExp(pattern, 'u');
        } catch (error) {
          problems.push({ segments: at('pattern'), message: `"pattern" is not a valid regular expression: ${(error as Error).message}` });
        }
      }
    }
    const format = node['format'];
    if (typeof format === 'string' && !FORMATS.includes(format)) {
      const suggestion = closeTypo(format, FORMATS);
      if (suggestion !== undefined)
        problems.push({ segments: at('format'), message: `unknown format "${format}" (did you mean "${suggestion}"?)` });
    }
    const ref = node['$ref'];
    if (ref !== undefined) {
      if (typeof ref !== 'string') problems.push({ segments: at('$ref'), message: '"$ref" must be a string' });
      else if (ref.startsWith('#') && resolveLocalRef(refRoot, ref) === undefined) {
        problems.push({ segments: at('$ref'), message: `"$ref" points at ${ref}, which does not exist in the document` });
      } else if (!ref.startsWith('#') && !/^[a-z]+:/i.test(ref)) {
        problems.push({ segments: at('$ref'), message: `"$ref" points at another file (${ref}); bundle the document into one file first` });
      }
    }
    for (const keyword of ['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'multipleOf'] as const) {
      const bound = node[keyword];
      if (bound !== undefined && typeof bound !== 'number')
        problems.push({ segments: at(keyword), message: `"${keyword}" must be a number, not ${JSON.stringify(bound)}` });
    }
  });
  return problems;
}

/**
 * Format problems as lines: `<file> <JSONPath>: <message>` (the file when known).
 *
 * @param problems - from {@link findSchemaProblems}
 * @param source - the file or name of the document
 * @example
 * formatSchemaProblems(problems, 'openapi.yaml')
 */
export function formatSchemaProblems(
  problems: readonly SchemaProblem[],
  source?: string,
  locate?: (segments: PathSegment[]) => string | undefined,
): string {
  return problems
    .map((problem) => {
      const where = locate?.(problem.segments);
      return `  - ${source === undefined ? '' : `${source}${where === undefined ? '' : `:${where}`} `}${formatJsonPath(problem.segments)}: ${problem.message}`;
    })
    .join('\n');
}
