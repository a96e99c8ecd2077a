#!/usr/bin/env node
/**
 * `proving-ground-cassettes`: lint and prune cassettes, convert HAR 1.2.
 *
 *   proving-ground-cassettes lint [dirs...] [--max-age 180d] [--max-bytes 1048576] [--usage usage.jsonl[,more.jsonl]] [--json]
 *   proving-ground-cassettes prune [dirs...] [--dry-run]
 *   proving-ground-cassettes har export <cassette.json> [out.har]
 *   proving-ground-cassettes har import <file.har> <cassette.json>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readCassette, writeCassetteAtomically } from './cassette-store.js';
import { isCassettesError } from './errors.js';
import { cassetteToHar, harToCassette } from './har.js';
import { lintCassettes, pruneCassettes } from './lint.js';
import { Redactor } from './redaction.js';

const USAGE = `Usage:
  proving-ground-cassettes lint [dirs...] [--max-age 180d] [--max-bytes 1048576] [--usage usage.jsonl[,more.jsonl]] [--json]
  proving-ground-cassettes prune [dirs...] [--dry-run]
  proving-ground-cassettes har export <cassette.json> [out.har]
  proving-ground-cassettes har import <file.har> <cassette.json>`;

function flag(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at === -1) return undefined;
  const value = args[at + 1];
  args.splice(at, 2);
  return value;
}

function toggle(args: string[], name: string): boolean {
  const at = args.indexOf(name);
  if (at !== -1) args.splice(at, 1);
  return at !== -1;
}

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  const args = [...rest];
  if (command === 'lint') {
    const maxAge = flag(args, '--max-age');
    const maxBytes = flag(args, '--max-bytes');
    const usage = flag(args, '--usage');
    const json = toggle(args, '--json');
    const report = lintCassettes({ dirs: args.length > 0 ? args : ['.'], ...(usage === undefined ? {} : { usage: usage.split(',') }), ...(maxAge === undefined ? {} : { maxAge }), ...(maxBytes === undefined ? {} : { maxBytes: Number(maxBytes) }) });
    if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      for (const problem of report.problems) process.stdout.write(`${problem.file}: [${problem.rule}] ${problem.message}\n`);
      process.stdout.write(`${report.files} cassette(s) checked, ${report.problems.length} problem(s).\n`);
    }
    return report.problems.length > 0 ? 1 : 0;
  }
  if (command === 'prune') {
    const dryRun = toggle(args, '--dry-run');
    const removed = pruneCassettes({ dirs: args.length > 0 ? args : ['.'], dryRun });
    for (const file of removed) process.stdout.write(`${dryRun ? 'would remove' : 'removed'} ${file}\n`);
    process.stdout.write(`${removed.length} orphaned cassette(s) ${dryRun ? 'found' : 'removed'}.\n`);
    return 0;
  }
  if (command === 'har' && args[0] === 'export' && args[1] !== undefined) {
    const cassette = readCassette(args[1]);
    if (cassette === undefined) throw new Error(`[cassettes] Failed to export ${args[1]}: the file does not exist.`);
    const text = `${JSON.stringify(cassetteToHar(cassette), null, 2)}\n`;
    if (args[2] === undefined) process.stdout.write(text);
    else writeFileSync(args[2], text);
    return 0;
  }
  if (command === 'har' && args[0] === 'import' && args[1] !== undefined && args[2] !== undefined) {
    const cassette = harToCassette(JSON.parse(readFileSync(args[1], 'utf8')));
    const redactor = new Redactor();
    writeCassetteAtomically(args[2], cassette, (text, path) => {
      const leaks = redactor.findLeaksInCassette(text);
      if (leaks.length > 0) throw new Error(`[cassettes] Failed to write ${path}: secrets remain: ${leaks.join('; ')}.`);
    });
    process.stdout.write(`wrote ${args[2]} (${cassette.interactions.length} interaction(s))\n`);
    return 0;
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${isCassettesError(error) ? error.message : String(error instanceof Error ? error.message : error)}\n`);
  process.exitCode = 1;
}
