/**
 * Preloaded (`--require` through `NODE_OPTIONS`) into the Node child processes a recorded test
 * starts, so a test that runs a CLI, a script or a whole Jest in a child is linked to the files that
 * child loaded. It notes every module the child loads (Node's module hooks where Node has them,
 * `require.cache` otherwise) and every file it reads with `readFileSync` (Jest loads test modules
 * that way), outside `node_modules`, and appends one JSON line to the file named in
 * `IMPACT_ANALYZER_CHILD_LOG` when the child exits. Children that start children pass it on.
 *
 * Plain CommonJS with no imports of its own: it runs in whatever Node the test starts, old ones
 * included, and does nothing there that could fail or print.
 */
import type * as Fs from 'node:fs';
import * as importedFs from 'node:fs';
import * as nodeModule from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD_LOG_VARIABLE = 'IMPACT_ANALYZER_CHILD_LOG';
const NODE_MODULES = /[\\/]node_modules[\\/]/;

type LoadHook = (url: string, context: unknown, next: (url: string, context: unknown) => unknown) => unknown;
type WithHooks = { registerHooks?: (hooks: { load: LoadHook }) => unknown };

const log = process.env[CHILD_LOG_VARIABLE];
if (log !== undefined && log !== '') {
  const seen = new Set<string>();
  const note = (path: string): void => {
    if (!NODE_MODULES.test(path)) seen.add(resolve(path));
  };
  const registerHooks = (nodeModule as WithHooks).registerHooks;
  if (typeof registerHooks === 'function') {
    try {
      registerHooks({
        load(url, context, next) {
          if (url.startsWith('file:')) note(fileURLToPath(url));
          return next(url, context);
        },
      });
    } catch {
      // A Node whose hooks refuse: require.cache below still has the CommonJS modules.
    }
  }
  // The real module object (a bundled `import * as` is a copy): patching it reaches every caller.
  const fs = (process.getBuiltinModule?.('node:fs') as typeof Fs | undefined) ?? importedFs;
  const readFileSync = fs.readFileSync;
  const patched = function (this: unknown, ...args: Parameters<typeof fs.readFileSync>) {
    const [path] = args;
    if (typeof path === 'string') note(path);
    else if (path instanceof URL && path.protocol === 'file:') note(fileURLToPath(path));
    return readFileSync.apply(this, args);
  } as typeof fs.readFileSync;
  try {
    (fs as { readFileSync: typeof fs.readFileSync }).readFileSync = patched;
  } catch {
    // A frozen fs (never in Node today): modules are still noted.
  }
  const appendFileSync = fs.appendFileSync;
  process.on('exit', () => {
    for (const key of Object.keys(require.cache)) note(key);
    const main = process.argv[1];
    if (main !== undefined) note(main);
    try {
      appendFileSync(log, `${JSON.stringify({ pid: process.pid, files: [...seen] })}\n`);
    } catch {
      // The run folder is gone (the parent finished first): nothing to hand over.
    }
  });
}
