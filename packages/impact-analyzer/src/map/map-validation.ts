import type { ImpactMap } from '../model.js';

type Check = (value: unknown) => boolean;

const isString: Check = (value) => typeof value === 'string';
const isNumber: Check = (value) => typeof value === 'number' && Number.isFinite(value);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringList: Check = (value) => Array.isArray(value) && value.every(isString);
const isStringRecord: Check = (value) => isObject(value) && Object.values(value).every(isString);
const isListRecord: Check = (value) => isObject(value) && Object.values(value).every(isStringList);

const RECORD_FIELDS: Readonly<Record<string, { check: Check; optional?: boolean }>> = {
  recordedAt: { check: isString },
  commit: { check: isString, optional: true },
  durationMs: { check: isNumber },
  status: { check: (value) => value === 'passed' || value === 'failed' || value === 'skipped' },
  modules: { check: isStringList },
  reads: { check: isStringList },
  directories: { check: isStringList },
  env: { check: isStringList },
  packages: { check: isStringRecord },
  functions: { check: isListRecord, optional: true },
};

/**
 * The first field of a parsed map (version 1) that does not have the shape of {@link ImpactMap}, as
 * a path (`tests["a.test.ts"].modules`), or undefined when it is a well-formed map.
 *
 * @example
 * invalidMapField({ version: 1 }) // 'updatedAt'
 */
export function invalidMapField(map: Record<string, unknown>): string | undefined {
  if (!isString(map['updatedAt'])) return 'updatedAt';
  if (map['commit'] !== undefined && !isString(map['commit'])) return 'commit';
  const variant = map['variant'];
  if (!isObject(variant) || !isString(variant['node']) || !isString(variant['timeZone']) || !isString(variant['platform']))
    return 'variant';
  if (!isStringList(map['knownTests'])) return 'knownTests';
  if (!isStringRecord(map['hashes'])) return 'hashes';
  if (map['jest'] !== undefined && (!isObject(map['jest']) || !Array.isArray(map['jest']['projects']))) return 'jest';
  const tests = map['tests'];
  if (!isObject(tests)) return 'tests';
  for (const [path, record] of Object.entries(tests)) {
    const at = `tests[${JSON.stringify(path)}]`;
    if (!isObject(record)) return at;
    for (const [field, { check, optional }] of Object.entries(RECORD_FIELDS)) {
      const value = record[field];
      if (value === undefined && optional === true) continue;
      if (!check(value)) return `${at}.${field}`;
    }
  }
  return undefined;
}

/**
 * The parsed map as an {@link ImpactMap}, once {@link invalidMapField} found nothing wrong.
 *
 * @example
 * if (invalidMapField(parsed) === undefined) return asImpactMap(parsed);
 */
export function asImpactMap(map: Record<string, unknown>): ImpactMap {
  return map as unknown as ImpactMap;
}
