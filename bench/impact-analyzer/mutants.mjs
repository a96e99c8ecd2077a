// Small seeded mutations for the mutation-replay and APFD benches: flip a comparison, change a
// numeric or string constant, remove a line. One at a time, applied to the working tree.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OPERATORS = [
  { name: '=== → !==', find: /===/g, replace: '!==' },
  { name: '!== → ===', find: /!==/g, replace: '===' },
  { name: '< → >=', find: / < /g, replace: ' >= ' },
  { name: '>= → <', find: / >= /g, replace: ' < ' },
  { name: 'number + 1', find: /(?<![\w.$])(\d+)(?![\w.])/g, replace: (match) => String(Number(match) + 1) },
  { name: 'string constant', find: /'([a-z][\w-]*)'(?=;)/g, replace: (match, inner) => `'${inner}x'` },
  { name: 'remove line', lines: true },
];

/** Candidate mutations of `text`: [{ operator, index, apply(text) }]. */
export function candidateMutations(text, { skipLine = () => false } = {}) {
  const lines = text.split('\n');
  const offsets = [];
  let offset = 0;
  for (const line of lines) {
    offsets.push(offset);
    offset += line.length + 1;
  }
  const lineOf = (index) => {
    let n = 0;
    while (n + 1 < offsets.length && offsets[n + 1] <= index) n++;
    return n;
  };
  const out = [];
  for (const operator of OPERATORS) {
    if (operator.lines) {
      lines.forEach((line, n) => {
        const trimmed = line.trim();
        if (
          !/;$/.test(trimmed) ||
          /^[})\]]/.test(trimmed) ||
          /^(import\b|export\b|const \w+ = require|'use strict'|module\.exports|return\b)/.test(trimmed) ||
          skipLine(line)
        )
          return;
        out.push({ operator: operator.name, line: n + 1, before: trimmed, apply: () => lines.filter((_, k) => k !== n).join('\n') });
      });
      continue;
    }
    for (const match of text.matchAll(operator.find)) {
      const n = lineOf(match.index);
      const line = lines[n];
      if (/require\(|import |^\s*\/\/|^\s*\*/.test(line) || skipLine(line)) continue;
      const replacement = typeof operator.replace === 'function' ? operator.replace(...match) : operator.replace;
      out.push({
        operator: operator.name,
        line: n + 1,
        before: line.trim(),
        apply: () => text.slice(0, match.index) + replacement + text.slice(match.index + match[0].length),
      });
    }
  }
  return out;
}

/** Picks one mutation of the file at `root/path` with `random` and writes it; returns a description and an undo. */
export function mutateFile(root, path, random, options) {
  const absolute = join(root, path);
  const text = readFileSync(absolute, 'utf8');
  const candidates = candidateMutations(text, options);
  if (candidates.length === 0) return undefined;
  // Pick an operator first so frequent ones (numbers) do not crowd out the others.
  const operators = [...new Set(candidates.map((c) => c.operator))];
  const operator = random.pick(operators);
  const mutation = random.pick(candidates.filter((c) => c.operator === operator));
  const mutated = mutation.apply();
  writeFileSync(absolute, mutated);
  return {
    path,
    operator: mutation.operator,
    line: mutation.line,
    before: mutation.before,
    after: mutated.split('\n')[mutation.line - 1]?.trim() ?? '',
    undo: () => writeFileSync(absolute, text),
  };
}

/** Mutates a JSON file read with fs: a number in it changes. */
export function mutateJson(root, path, random) {
  const absolute = join(root, path);
  const text = readFileSync(absolute, 'utf8');
  const data = JSON.parse(text);
  const keys = Object.keys(data).filter((key) => typeof data[key] === 'number');
  if (keys.length === 0) return undefined;
  const key = random.pick(keys);
  writeFileSync(absolute, `${JSON.stringify({ ...data, [key]: data[key] + 1 }, null, 2)}\n`);
  return {
    path,
    operator: `json ${key} + 1`,
    line: 0,
    before: `${key}: ${data[key]}`,
    after: `${key}: ${data[key] + 1}`,
    undo: () => writeFileSync(absolute, text),
  };
}
