import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkErrorCodes } from '../check-error-codes.mjs';

const roots = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function writeRepo(files) {
  const root = mkdtempSync(join(tmpdir(), 'check-error-codes-'));
  roots.push(root);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), content);
  }
  return root;
}

const manifest = JSON.stringify({ name: '@proving-ground/widgets', version: '0.0.0' });
const errors = "export type WidgetsErrorCode =\n  | 'WIDGETS_BROKEN'\n  | 'WIDGETS_MISSING';\nexport class WidgetsError extends Error {}\n";
const readme = (rows) =>
  `# widgets\n\n## Errors\n\n| code | meaning | fix |\n| --- | --- | --- |\n${rows}\n\n## Requirements\n\n| \`NODE_OPTIONS\` | not an error | - |\n`;

describe('checkErrorCodes', () => {
  it('should accept a package whose codes are all thrown and documented', () => {
    const root = writeRepo({
      'packages/widgets/package.json': manifest,
      'packages/widgets/src/errors.ts': errors,
      'packages/widgets/src/spin.ts': "throw new WidgetsError('WIDGETS_BROKEN', 'x');\nthrow new WidgetsError(\"WIDGETS_MISSING\", 'y');\n",
      'packages/widgets/README.md': readme('| `WIDGETS_BROKEN`, `WIDGETS_MISSING` | broken or missing | fix it |'),
      'packages/kit/package.json': JSON.stringify({ name: '@proving-ground/kit', private: true }),
    });

    assert.deepEqual(checkErrorCodes(root), { problems: [], checked: [{ name: '@proving-ground/widgets', codes: 2 }] });
  });

  it('should report dead codes, undocumented codes, stale rows and plain Errors, all at once', () => {
    const root = writeRepo({
      'packages/widgets/package.json': manifest,
      'packages/widgets/src/errors.ts': errors,
      'packages/widgets/src/spin.ts': "throw new WidgetsError('WIDGETS_BROKEN', 'x');\nthrow new Error('plain');\n",
      'packages/widgets/src/page-script.ts': '/// <reference lib="dom" />\nthrow new Error(\'in the browser page\');\n',
      'packages/widgets/src/spin.test.ts':
        "expect(() => x()).toThrow(new WidgetsError('WIDGETS_MISSING'));\nthrow new Error('fine in tests');\n",
      'packages/widgets/README.md': readme('| `WIDGETS_BROKEN` | broken | fix |\n| `WIDGETS_GONE` | gone | - |'),
    });

    const { problems } = checkErrorCodes(root);

    assert.deepEqual(problems, [
      '[errors] Failed to check WIDGETS_MISSING (WidgetsErrorCode in packages/widgets/src/errors.ts): no code in src/ throws it. Throw it where the situation arises, or remove it from the union and the README.',
      '[errors] Failed to check packages/widgets/README.md: the error table has no row for WIDGETS_MISSING. Add "| `WIDGETS_MISSING` | what it means | what to do |".',
      '[errors] Failed to check packages/widgets/README.md: the error table documents WIDGETS_GONE, which the package no longer has. Remove the row or restore the code.',
      "[errors] Failed to check packages/widgets/src/spin.ts:2: it throws a plain Error. Throw the package's error class with a code that names the situation.",
    ]);
  });

  it('should report a package without an error-code union', () => {
    const root = writeRepo({ 'packages/widgets/package.json': manifest, 'packages/widgets/src/index.ts': 'export const x = 1;\n' });

    assert.match(checkErrorCodes(root).problems[0], /packages\/widgets: no `export type <Name>ErrorCode/);
  });
});
