#!/usr/bin/env node
/**
 * `proving-ground-cassettes`: lint and prune cassettes, convert HAR 1.2.
 *
 *   proving-ground-cassettes lint [dirs...] [--max-age 180d] [--max-bytes 1048576] [--usage usage.jsonl[,more.jsonl]] [--json]
 *   proving-ground-cassettes prune [dirs...] [--usage usage.jsonl[,more.jsonl]] [--dry-run]
 *   proving-ground-cassettes har export <cassette.json> [out.har]
 *   proving-ground-cassettes har import <file.har> <cassette.json>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { firstLine, nearestMatch } from '@proving-ground/kit';
import { readCassette, writeCassetteAtomically } from './cassette-store.js';
import { CassettesError, isCassettesError, type CassettesErrorCode } from './errors.js';
import type { Cassette } from './format.js';
import { cassetteToHar, harToCassette } from './har.js';
import { lintCassettes, lintOptionProblems, pruneCassettes } from './lint.js';
import { Redactor } from './redaction/redactor.js';

const USAGE = `Usage:
  proving-ground-cassettes lint [dirs...] [--max-age 180d] [--max-bytes 1048576] [--usage usage.jsonl[,more.jsonl]] [--json]
  proving-ground-cassettes prune [dirs...] [--usage usage.jsonl[,more.jsonl]] [--dry-run]
  proving-ground-cassettes har export <cassette.json> [out.har]
  proving-ground-cassettes har import <file.har> <cassette.json>`;

/** The flags of each command: those that take a value, and switches. */
const FLAGS: Record<string, { values: readonly string[]; switches: readonly string[] }> = {
  lint: { values: ['--max-age', '--max-bytes', '--usage'], switches: ['--json'] },
  prune: { values: ['--usage'], switches: ['--dry-run'] },
};

interface ParsedArgs {
  values: Map<string, string>;
  switches: Set<string>;
  positional: string[];
  /** Unknown flags and flags without their value. */
  problems: string[];
}

/** Split `args` into flags and positional arguments, listing unknown flags and missing values. */
function parseArgs(command: string, args: readonly string[]): ParsedArgs {
  const { values: valueFlags, switches: switchFlags } = FLAGS[command]!;
  const problems: string[] = [];
  const parsed: ParsedArgs = { values: new Map(), switches: new Set(), positional: [], problems };
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    const [name, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (valueFlags.includes(name)) {
      const value = inline ?? args[index + 1];
      if (inline === undefined) index += 1;
      if (value === undefined || value === '' || value.startsWith('--')) problems.push(`${name} needs a value`);
      else parsed.values.set(name, value);
    } else if (switchFlags.includes(name)) parsed.switches.add(name);
    else if (name.startsWith('-')) {
      const suggestion = nearestMatch(name, [...valueFlags, ...switchFlags]);
      problems.push(`${name} is not a flag of ${command}${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}`);
    } else parsed.positional.push(arg);
  }
  return parsed;
}

/**
 * Refuse the command when its flags or its arguments have problems, naming all of them at once: a
 * mistyped flag does not hide a folder that does not exist or a bad `--max-age`.
 */
function refuseProblems(command: string, parsed: ParsedArgs, options: Parameters<typeof lintOptionProblems>[0]): void {
  const problems = [...parsed.problems, ...lintOptionProblems(options)];
  if (problems.length === 0) return;
  const { values, switches } = FLAGS[command]!;
  throw new CassettesError('CASSETTES_INVALID_OPTIONS', {
    action: `${command} cassettes`,
    reason: problems.join('; '),
    details: [USAGE],
    fix: `Fix the ${problems.length > 1 ? 'arguments' : 'argument'} and run it again. Its flags: ${[...values, ...switches].join(', ')}`,
  });
}

/** A `--max-bytes` value as a number, or the text itself when it is not a whole number (lint then names it). */
function byteCount(value: string): number | string {
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** The text of a file the CLI reads, failing with the code, the file and what to do. */
function readInput(path: string, what: string, code: CassettesErrorCode, fix: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (error as Error).message;
    throw new CassettesError(code, { action: `read ${what} ${path}`, reason, fix }, { cause: error });
  }
}

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  const args = [...rest];
  if (command === 'lint') {
    const parsed = parseArgs(command, args);
    const { values, switches, positional } = parsed;
    const maxAge = values.get('--max-age');
    const maxBytes = values.get('--max-bytes');
    const usage = values.get('--usage');
    const json = switches.has('--json');
    const options = {
      dirs: positional.length > 0 ? positional : ['.'],
      ...(usage === undefined ? {} : { usage: usage.split(',') }),
      ...(maxAge === undefined ? {} : { maxAge }),
      // A value that is not a whole number is passed on as text, so it is reported with the other problems.
      ...(maxBytes === undefined ? {} : { maxBytes: byteCount(maxBytes) as number }),
    };
    refuseProblems(command, parsed, options);
    const report = lintCassettes(options);
    if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      for (const problem of report.problems) process.stdout.write(`${problem.file}: [${problem.rule}] ${problem.message}\n`);
      process.stdout.write(`${report.files} cassette(s) checked, ${report.problems.length} problem(s).\n`);
    }
    return report.problems.length > 0 ? 1 : 0;
  }
  if (command === 'prune') {
    const parsed = parseArgs(command, args);
    const usage = parsed.values.get('--usage');
    const dryRun = parsed.switches.has('--dry-run');
    const options = {
      dirs: parsed.positional.length > 0 ? parsed.positional : ['.'],
      ...(usage === undefined ? {} : { usage: usage.split(',') }),
    };
    refuseProblems(command, parsed, options);
    const removed = pruneCassettes({ ...options, dryRun });
    for (const file of removed) process.stdout.write(`${dryRun ? 'would remove' : 'removed'} ${file}\n`);
    process.stdout.write(`${removed.length} orphaned cassette(s) ${dryRun ? 'found' : 'removed'}.\n`);
    return 0;
  }
  if (command === 'har' && args[0] === 'export' && args[1] !== undefined) {
    const cassette = readCassette(args[1]);
    if (cassette === undefined) {
      throw new CassettesError('CASSETTES_INVALID_OPTIONS', {
        action: `export cassette ${args[1]} to HAR`,
        reason: 'the file does not exist',
        fix: 'Check the path (har export <cassette.json> [out.har])',
      });
    }
    const text = `${JSON.stringify(cassetteToHar(cassette), null, 2)}\n`;
    if (args[2] === undefined) process.stdout.write(text);
    else writeFileSync(args[2], text);
    return 0;
  }
  if (command === 'har' && args[0] === 'import' && args[1] !== undefined && args[2] !== undefined) {
    const harFile = args[1];
    const text = readInput(harFile, 'HAR file', 'CASSETTES_INVALID_HAR', 'Check the path (har import <file.har> <cassette.json>).');
    const exportAgain = 'Export it again as HAR 1.2 (e.g. "Save all as HAR" in dev tools)';
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      // The parse error is quoted, not nested: its message is all it holds.
      throw new CassettesError('CASSETTES_INVALID_HAR', {
        action: `import HAR file ${harFile}`,
        reason: `it is not valid JSON (${(error as Error).message})`,
        fix: exportAgain,
      });
    }
    let cassette: Cassette;
    try {
      cassette = harToCassette(document);
    } catch (error) {
      if (!isCassettesError(error)) throw error;
      // What is wrong with the log is the nested error's to say; this one names the file.
      throw new CassettesError(
        error.code,
        { action: `import HAR file ${harFile}`, reason: 'it is not a HAR 1.2 log', fix: exportAgain },
        { cause: error },
      );
    }
    const redactor = new Redactor();
    writeCassetteAtomically(args[2], cassette, (written, path) => {
      const leaks = redactor.findLeaksInCassette(written);
      if (leaks.length > 0) {
        throw new CassettesError('CASSETTES_SECRET_LEAK', {
          action: `write cassette ${path} from ${harFile}`,
          reason: `the verification scan found secrets that redaction missed: ${leaks.join('; ')}`,
          fix: 'Nothing was written. Remove them from the HAR file and import it again.',
        });
      }
    });
    process.stdout.write(`wrote ${args[2]} (${cassette.interactions.length} interaction(s))\n`);
    return 0;
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

/**
 * What the CLI prints for an error: its message, then the first line of each nested cassettes error
 * (a wrapped error says what the wrapper leaves out), then its code.
 */
function describeFailure(error: unknown): string {
  if (!isCassettesError(error)) return String(error instanceof Error ? error.message : error);
  const lines = [error.message];
  for (let cause = error.cause; isCassettesError(cause); cause = cause.cause) lines.push(`  caused by: ${firstLine(cause)}`);
  return `${lines.join('\n')}\n(${error.code})`;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${describeFailure(error)}\n`);
  process.exitCode = isCassettesError(error) && error.code === 'CASSETTES_INVALID_OPTIONS' ? 2 : 1;
}
