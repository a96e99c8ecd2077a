/**
 * Checks the errors of every published package: each code of the package's error-code union
 * (`export type XErrorCode = 'A' | 'B'` in src/) is used somewhere in src/ outside that union and
 * the tests (so no code is dead), and has a row in the package README's error table (a row that
 * starts with the code in backticks); the README names no code the union lacks; and no
 * `throw new Error(` is left in src/ (every error carries a code that names its situation).
 *
 * All problems are reported at once; the exit code is 1 when there are any.
 *
 * @example
 * node scripts/check-error-codes.mjs
 * node scripts/check-error-codes.mjs --root /path/to/a/checkout
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const UNION = /export\s+type\s+(\w+ErrorCode)\s*=([^;]+);/g;

/**
 * The codes in the first column of the tables under the README's errors heading (`## Errors`),
 * up to the next heading of the same or a higher level.
 */
function documentedCodes(readme) {
  const codes = new Set();
  let level = 0;
  for (const line of readme.split('\n')) {
    const heading = /^(#+)\s+(.*)$/.exec(line);
    if (heading !== null) {
      if (level > 0 && heading[1].length <= level) level = 0;
      if (level === 0 && /\berrors?\b/i.test(heading[2])) level = heading[1].length;
      continue;
    }
    const firstCell = level > 0 ? /^\|([^|]*)\|/.exec(line) : null;
    if (firstCell !== null) for (const code of firstCell[1].matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g)) codes.add(code[1]);
  }
  return codes;
}

function sourceFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.[cm]?ts$/.test(entry.name) && !/\.test\.[cm]?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * Every problem with the error codes of the published packages under `<root>/packages`.
 *
 * @param {string} root - the repository root
 * @returns {{ problems: string[], checked: Array<{ name: string, codes: number }> }}
 * @example
 * const { problems } = checkErrorCodes(process.cwd());
 */
export function checkErrorCodes(root) {
  const problems = [];
  const checked = [];
  const packagesDir = join(root, 'packages');
  for (const folder of readdirSync(packagesDir).sort()) {
    const packageDir = join(packagesDir, folder);
    const manifestFile = join(packageDir, 'package.json');
    if (!existsSync(manifestFile)) continue;
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    if (manifest.private === true) continue;
    const files = sourceFiles(join(packageDir, 'src')).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
    const where = (file) => relative(root, file);

    const codes = new Map();
    for (const { file, text } of files) {
      for (const union of text.matchAll(UNION)) {
        for (const literal of union[2].matchAll(/'([A-Z0-9_]+)'/g)) codes.set(literal[1], { file, union: union[1] });
      }
    }
    if (codes.size === 0) {
      problems.push(
        `[errors] Failed to check packages/${folder}: no \`export type <Name>ErrorCode = '...' | '...'\` union in src/. Declare the package's codes as one union.`,
      );
      continue;
    }
    checked.push({ name: manifest.name, codes: codes.size });

    for (const [code, { file, union }] of codes) {
      const used = files.some(({ file: other, text }) => {
        const withoutUnion = other === file ? text.replace(UNION, '') : text;
        return withoutUnion.includes(`'${code}'`) || withoutUnion.includes(`"${code}"`);
      });
      if (!used) {
        problems.push(
          `[errors] Failed to check ${code} (${union} in ${where(file)}): no code in src/ throws it. Throw it where the situation arises, or remove it from the union and the README.`,
        );
      }
    }

    const readmeFile = join(packageDir, 'README.md');
    const readme = existsSync(readmeFile) ? readFileSync(readmeFile, 'utf8') : '';
    const documented = documentedCodes(readme);
    for (const code of codes.keys()) {
      if (!documented.has(code)) {
        problems.push(
          `[errors] Failed to check packages/${folder}/README.md: the error table has no row for ${code}. Add "| \`${code}\` | what it means | what to do |".`,
        );
      }
    }
    for (const code of documented) {
      if (!codes.has(code)) {
        problems.push(
          `[errors] Failed to check packages/${folder}/README.md: the error table documents ${code}, which the package no longer has. Remove the row or restore the code.`,
        );
      }
    }

    for (const { file, text } of files) {
      // Code that runs in a browser page (it references the DOM library) cannot reach the package's error class.
      if (text.startsWith('/// <reference lib="dom" />')) continue;
      text.split('\n').forEach((line, index) => {
        if (/\bthrow\s+new\s+Error\s*\(/.test(line)) {
          problems.push(
            `[errors] Failed to check ${where(file)}:${index + 1}: it throws a plain Error. Throw the package's error class with a code that names the situation.`,
          );
        }
      });
    }
  }
  return { problems, checked };
}

function main(argv) {
  const rootFlag = argv.indexOf('--root');
  const root = rootFlag === -1 ? resolve(fileURLToPath(new URL('..', import.meta.url))) : resolve(argv[rootFlag + 1] ?? '.');
  const { problems, checked } = checkErrorCodes(root);
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    console.error(`\n[errors] ${problems.length} problem${problems.length === 1 ? '' : 's'}.`);
    return 1;
  }
  console.log(
    `[errors] ${checked.map(({ name, codes }) => `${name} (${codes} codes)`).join(', ')}: every code thrown and documented; no plain Error thrown.`,
  );
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
