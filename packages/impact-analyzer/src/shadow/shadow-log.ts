import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { firstLine } from '@proving-ground/kit';
import { ImpactError } from '../errors.js';

/** Where the shadow log lives, relative to the repository root, unless an option says otherwise. */
export const DEFAULT_SHADOW_LOG = '.impact-analyzer/shadow.jsonl';

/** One full run in shadow mode: what the selection would have run, and what it would have missed. */
export interface ShadowEntry {
  /** ISO time of the run. */
  at: string;
  /** The commit checked out (undefined outside git). */
  commit?: string | undefined;
  /** The selection's base and head. */
  base: string;
  head: string;
  /** The selection ran everything. */
  runAll: boolean;
  /** Test files the selection would have run. */
  selected: number;
  /** Test files the full run ran. */
  total: number;
  /** Test files that failed in the full run. */
  failed: string[];
  /** Failed test files the selection would have skipped. */
  missed: string[];
  /** The files the change touched: the predictive order learns which tests fail when they change. */
  changed?: string[] | undefined;
}

/**
 * Appends one entry to the shadow log (JSON lines), creating the file and its folder.
 *
 * @example
 * appendShadowEntry('/repo/.impact-analyzer/shadow.jsonl', { at: new Date().toISOString(), base, head, runAll: false, selected: 3, total: 40, failed: [], missed: [] });
 */
export function appendShadowEntry(path: string, entry: ShadowEntry): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(path, `${JSON.stringify(entry)}\n`);
  } catch (error) {
    throw new ImpactError(
      'IMPACT_WRITE_FAILED',
      { action: `append to the shadow log ${path}`, reason: firstLine(error), fix: 'Check that the folder is writable' },
      { cause: error },
    );
  }
}

function isEntry(value: unknown): value is ShadowEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  const strings = (list: unknown): boolean => Array.isArray(list) && list.every((item) => typeof item === 'string');
  return (
    typeof entry['at'] === 'string' &&
    (entry['commit'] === undefined || typeof entry['commit'] === 'string') &&
    typeof entry['base'] === 'string' &&
    typeof entry['head'] === 'string' &&
    typeof entry['runAll'] === 'boolean' &&
    typeof entry['selected'] === 'number' &&
    typeof entry['total'] === 'number' &&
    strings(entry['failed']) &&
    strings(entry['missed']) &&
    (entry['changed'] === undefined || strings(entry['changed']))
  );
}

/**
 * The entries of a shadow log, oldest first; blank lines are skipped. A line that is not an entry
 * throws `IMPACT_CORRUPT_MAP` naming the file and the line.
 *
 * @example
 * readShadowLog('/repo/.impact-analyzer/shadow.jsonl').filter((entry) => entry.missed.length > 0)
 */
export function readShadowLog(path: string): ShadowEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ImpactError(
      'IMPACT_CORRUPT_MAP',
      { action: `read the shadow log ${path}`, reason: firstLine(error), fix: 'Check the path' },
      { cause: error },
    );
  }
  const entries: ShadowEntry[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    if (!isEntry(value)) {
      throw new ImpactError('IMPACT_CORRUPT_MAP', {
        action: `read the shadow log ${path}`,
        reason: `line ${index + 1} is not a shadow entry`,
        fix: 'Delete or fix that line (each line is one JSON entry written by the reporter)',
      });
    }
    entries.push(value);
  }
  return entries;
}
