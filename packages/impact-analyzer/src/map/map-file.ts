import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { firstLine } from '@proving-ground/kit';
import { ImpactError } from '../errors.js';
import type { ImpactMap } from '../model.js';
import { asImpactMap, invalidMapField } from './map-validation.js';

export { currentVariant } from './run-variant.js';

/** Where the map lives, relative to the repository root, unless an option says otherwise. */
export const DEFAULT_MAP_PATH = '.impact-analyzer/map.json';

/** The map format this version reads and writes. */
export const MAP_VERSION = 1;

function corrupt(path: string, reason: string, cause?: unknown): ImpactError {
  return new ImpactError(
    'IMPACT_CORRUPT_MAP',
    {
      action: `read the impact map ${path}`,
      reason,
      fix: 'Delete the file (or restore it from version control) and record a full run again; it was left as it is',
    },
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Reads the map file at `path`: undefined when there is none. A file that is not JSON, of another
 * version or with a wrong field throws `IMPACT_CORRUPT_MAP` naming the file and the field; a newer
 * version throws `IMPACT_MAP_TOO_NEW`.
 *
 * @example
 * const map = readImpactMap('/repo/.impact-analyzer/map.json'); // ImpactMap | undefined
 */
export function readImpactMap(path: string): ImpactMap | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw corrupt(path, firstLine(error), error);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, `it is not JSON (${firstLine(error)})`, error);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw corrupt(path, 'it is not a JSON object');
  const map = parsed as Record<string, unknown>;
  const version = map['version'];
  if (typeof version === 'number' && Number.isInteger(version) && version > MAP_VERSION) {
    throw new ImpactError('IMPACT_MAP_TOO_NEW', {
      action: `read the impact map ${path}`,
      reason: `it is of version ${version}, and this impact-analyzer reads version ${MAP_VERSION}`,
      fix: 'Update @proving-ground/impact-analyzer to the version that wrote the map',
    });
  }
  if (version !== MAP_VERSION) throw corrupt(path, `the field "version" is ${JSON.stringify(version)}, expected ${MAP_VERSION}`);
  const field = invalidMapField(map);
  if (field !== undefined) throw corrupt(path, `the field "${field}" is missing or of the wrong kind`);
  return asImpactMap(map);
}

/**
 * Writes `map` to `path` atomically (a temporary file beside it, then a rename), creating the folder.
 *
 * @example
 * writeImpactMap('/repo/.impact-analyzer/map.json', map);
 */
export function writeImpactMap(path: string, map: ImpactMap): void {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temporary, `${JSON.stringify(map, null, 2)}\n`);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new ImpactError(
      'IMPACT_WRITE_FAILED',
      { action: `write the impact map ${path}`, reason: firstLine(error), fix: 'Check that the folder is writable' },
      { cause: error },
    );
  }
}
