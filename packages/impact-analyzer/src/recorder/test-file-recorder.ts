import type * as Fs from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AccessLog } from './access-log.js';
import type { ChildProcessLog } from './child-processes.js';
import { channelFileName, type ChannelRecord } from './run-channel.js';

const NODE_MODULES = `${sep}node_modules${sep}`;

/** The installed package a module path is in: its name and folder, or undefined outside `node_modules`. */
function packageOf(path: string): { name: string; folder: string } | undefined {
  const at = path.lastIndexOf(NODE_MODULES);
  if (at === -1) return undefined;
  const start = at + NODE_MODULES.length;
  const parts = path.slice(start).split(sep);
  const name = parts[0]?.startsWith('@') === true ? `${parts[0]}/${parts[1] ?? ''}` : parts[0];
  if (name === undefined || name === '' || name.endsWith('/')) return undefined;
  return { name: name.split(sep).join('/'), folder: join(path.slice(0, start), name) };
}

/**
 * Collects what one test file loads and reads, and writes it as one JSON file into the run folder.
 * Built by the recorder entry with the real `fs` module object and the test's `require.cache`.
 *
 * @example
 * const recorder = new TestFileRecorder({ fs, cache: require.cache, root, testPath, folder, self: __filename });
 * recorder.start(process); // then takeModules() after each test, finish() once
 */
export class TestFileRecorder {
  private readonly log: AccessLog;
  private readonly modules = new Set<string>();
  private readonly readFile: typeof Fs.readFileSync;
  private readonly writeFile: typeof Fs.writeFileSync;
  private readonly rename: typeof Fs.renameSync;
  private finished = false;

  constructor(
    private readonly options: {
      fs: typeof Fs;
      cache: Record<string, unknown>;
      root: string;
      testPath: string;
      folder: string;
      /** The recorder's own file: its wrappers call each other (`readFileSync` opens through the public `openSync`). */
      self: string;
      /** What the Node child processes the test file starts load, when the child hook is built. */
      children?: ChildProcessLog;
    },
  ) {
    const { cache, testPath, self } = options;
    this.log = new AccessLog((file) => file !== self && (file === testPath || file in cache));
    // Saved before patching: the recorder's own IO must not be recorded.
    this.readFile = options.fs.readFileSync;
    this.writeFile = options.fs.writeFileSync;
    this.rename = options.fs.renameSync;
  }

  /** Starts watching `fs` and `context.env`. */
  start(context: { env: NodeJS.ProcessEnv }): void {
    this.log.patchFs(this.options.fs);
    this.log.watchEnv(context);
    this.options.children?.start();
  }

  /** Notes the modules in the registry now (`jest.resetModules()` empties it, so this runs after each test too). */
  takeModules(): void {
    for (const key of Object.keys(this.options.cache)) this.modules.add(key);
  }

  /** Restores `fs` and the environment without writing (a test file that failed to load never finishes). */
  stop(): void {
    this.finished = true;
    this.log.restore();
    this.options.children?.stop();
  }

  /** Takes the modules a last time, restores `fs` and the environment, and writes the record. */
  finish(functions?: Record<string, string[]>): void {
    if (this.finished) return;
    this.finished = true;
    this.takeModules();
    this.log.restore();
    this.options.children?.stop();
    const record = this.toRecord(functions);
    const path = join(this.options.folder, channelFileName(this.options.testPath));
    const temporary = `${path}.${process.pid}.tmp`;
    this.writeFile(temporary, JSON.stringify(record));
    this.rename(temporary, path);
  }

  private toRecord(functions: Record<string, string[]> | undefined): ChannelRecord {
    const { root, testPath } = this.options;
    const inside = (absolute: string): string | undefined => {
      const path = relative(root, absolute);
      if (path.startsWith('..') || isAbsolute(path)) return undefined;
      return path === '' ? '.' : path.split(sep).join('/');
    };
    const absolute = (raw: string): string => (raw.startsWith('file:') ? fileURLToPath(raw) : resolve(raw));
    const repoPaths = (raws: Iterable<string>): string[] => {
      const paths = new Set<string>();
      for (const raw of raws) {
        const path = absolute(raw);
        if (path.includes(NODE_MODULES)) continue;
        const inRepo = inside(path);
        if (inRepo !== undefined) paths.add(inRepo);
      }
      return [...paths].sort();
    };

    const packages: Record<string, string> = {};
    const seen = new Set<string>();
    for (const key of this.modules) {
      const found = packageOf(key);
      if (found === undefined || seen.has(found.folder)) continue;
      seen.add(found.folder);
      const version = this.packageVersion(found.folder);
      if (version !== undefined) packages[found.name] = version;
    }

    const self = inside(testPath);
    // Children's files that are gone by now (a temporary project the test deleted) say nothing of the repository.
    const children = (this.options.children?.files() ?? []).filter((path) => this.options.fs.existsSync(path));
    const record: ChannelRecord = {
      testPath,
      root,
      modules: repoPaths([...this.modules, ...children]).filter((path) => path !== self),
      reads: repoPaths(this.log.files),
      directories: repoPaths(this.log.folders),
      env: [...this.log.env].sort(),
      packages: Object.fromEntries(Object.entries(packages).sort(([a], [b]) => a.localeCompare(b))),
    };
    if (functions !== undefined) record.functions = functions;
    return record;
  }

  private packageVersion(folder: string): string | undefined {
    try {
      const manifest = JSON.parse(this.readFile(join(folder, 'package.json'), 'utf8')) as { version?: unknown };
      return typeof manifest.version === 'string' ? manifest.version : undefined;
    } catch {
      return undefined;
    }
  }
}
