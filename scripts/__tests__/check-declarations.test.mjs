import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { COMPILERS, checkDeclarations } from '../check-declarations.mjs';

const repository = fileURLToPath(new URL('../..', import.meta.url));
const roots = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A checkout with one built package `@proving-ground/widgets` whose declarations are `declarations`, linked as a workspace. */
function writeRepo(declarations) {
  const root = mkdtempSync(join(tmpdir(), 'check-declarations-'));
  roots.push(root);
  const files = {
    'packages/widgets/package.json': JSON.stringify({
      name: '@proving-ground/widgets',
      type: 'module',
      exports: {
        '.': {
          import: { types: './dist/index.d.mts', default: './dist/index.mjs' },
          require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
        },
        './package.json': './package.json',
      },
    }),
    'packages/widgets/dist/index.d.mts': declarations,
    'packages/widgets/dist/index.d.cts': declarations,
    'packages/kit/package.json': JSON.stringify({ name: '@proving-ground/kit', private: true }),
  };
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), content);
  }
  mkdirSync(join(root, 'node_modules', '@proving-ground'), { recursive: true });
  mkdirSync(join(root, 'node_modules', '@types'), { recursive: true });
  symlinkSync(join(root, 'packages', 'widgets'), join(root, 'node_modules', '@proving-ground', 'widgets'));
  // @types/node and the undici types it reads, from this repository.
  for (const name of ['@types/node', 'undici-types']) symlinkSync(join(repository, 'node_modules', name), join(root, 'node_modules', name));
  return root;
}

describe('checkDeclarations', () => {
  it('should fail a public declaration that names a type stripInternal removed, naming it', () => {
    const root = writeRepo('declare class FieldSpec {\n  constructor(recipe: FieldRecipe);\n}\nexport { FieldSpec };\n');

    const { ok, lines } = checkDeclarations(root, COMPILERS.slice(0, 1));

    assert.equal(ok, false);
    assert.ok(
      lines.some((line) => line.includes("error TS2304: Cannot find name 'FieldRecipe'.")),
      lines.join('\n'),
    );
  });

  it('should pass declarations a consumer can type-check', () => {
    const root = writeRepo(
      "type FieldRecipe = { kind: 'cycle' };\ndeclare class FieldSpec {\n  constructor(recipe: FieldRecipe);\n}\nexport { FieldSpec, type FieldRecipe };\n",
    );

    const { ok, lines } = checkDeclarations(root, COMPILERS.slice(0, 1));

    assert.deepEqual({ ok, lines }, { ok: true, lines: ['PASS  TypeScript 6.0: 1 entries of 1 packages, skipLibCheck false'] });
  });
});
