#!/usr/bin/env node
// Docs show code that CI runs: a fenced block right after `<!-- snippet: path/from/repo/root -->`
// must equal that file. Fails listing every stale snippet at once.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const SKIP = new Set(['node_modules', 'dist', '.git', '.tmp', '.nx', 'reports']);

function markdownFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

const MARKER = /<!--\s*snippet:\s*(\S+)\s*-->/g;
const BLOCK = /^\s*\n(```|~~~)[^\n]*\n([\s\S]*?)\n\1/;
const problems = [];
let checked = 0;
for (const file of markdownFiles(root)) {
  const text = readFileSync(file, 'utf8');
  for (const marker of text.matchAll(MARKER)) {
    checked++;
    const source = marker[1];
    const where = relative(root, file);
    const fenced = BLOCK.exec(text.slice(marker.index + marker[0].length));
    if (fenced === null) {
      problems.push(
        `[docs] Failed to check a snippet in ${where}: no fenced code block follows the marker for ${source}. Put the file's content in a fenced block right after the marker.`,
      );
      continue;
    }
    const block = fenced[2];
    const sourcePath = join(root, source);
    if (!existsSync(sourcePath)) {
      problems.push(`[docs] Failed to check a snippet in ${where}: ${source} does not exist. Point the marker at a file CI runs.`);
      continue;
    }
    if (readFileSync(sourcePath, 'utf8').trimEnd() !== block.trimEnd()) {
      problems.push(
        `[docs] Failed to check a snippet in ${where}: the block differs from ${source}. Copy the file's current content into the block.`,
      );
    }
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
if (checked === 0) {
  console.error('[docs] Failed to check snippets: no <!-- snippet: path --> marker was found. Restore the markers in the docs.');
  process.exit(1);
}
console.log(`[docs] ${checked} snippets match the files they show.`);
