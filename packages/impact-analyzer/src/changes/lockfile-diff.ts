import { basename } from 'node:path/posix';

/** What a lockfile says is installed: package name → the fingerprints (version, source, checksum) of each copy. */
type Installed = Map<string, Set<string>>;

const LOCKFILES = new Set(['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb']);

/**
 * Whether `path` is a lockfile of a package manager (npm, Yarn, pnpm, Bun). Bun's are recognised
 * but not read, so a change to one runs everything.
 *
 * @example
 * isLockfile('packages/a/package-lock.json') // true
 */
export function isLockfile(path: string): boolean {
  return LOCKFILES.has(basename(path));
}

function add(installed: Installed, name: string, fingerprint: string): void {
  let set = installed.get(name);
  if (set === undefined) installed.set(name, (set = new Set()));
  set.add(fingerprint);
}

function field(entry: Record<string, unknown>, key: string): string {
  const value = entry[key];
  return typeof value === 'string' || typeof value === 'boolean' ? String(value) : '';
}

function npmFingerprint(entry: Record<string, unknown>): string {
  return ['version', 'resolved', 'integrity', 'link'].map((key) => field(entry, key)).join('|');
}

function readNpm(text: string): Installed | undefined {
  let lock: { packages?: Record<string, Record<string, unknown>>; dependencies?: Record<string, Record<string, unknown>> };
  try {
    lock = JSON.parse(text) as typeof lock;
  } catch {
    return undefined;
  }
  if (typeof lock !== 'object' || lock === null) return undefined;
  const installed: Installed = new Map();
  if (typeof lock.packages === 'object' && lock.packages !== null) {
    // v2 and v3: one entry per install location; the root and workspace folders are the project's own.
    for (const [location, entry] of Object.entries(lock.packages)) {
      const at = location.lastIndexOf('node_modules/');
      if (at === -1) continue;
      add(installed, location.slice(at + 'node_modules/'.length), `${location}|${npmFingerprint(entry)}`);
    }
    return installed;
  }
  if (typeof lock.dependencies !== 'object' || lock.dependencies === null) return undefined;
  // v1: nested `dependencies` trees.
  const walk = (dependencies: Record<string, Record<string, unknown>>, path: string): void => {
    for (const [name, entry] of Object.entries(dependencies)) {
      add(installed, name, `${path}/${name}|${npmFingerprint(entry)}`);
      const nested = entry['dependencies'];
      if (typeof nested === 'object' && nested !== null) walk(nested as Record<string, Record<string, unknown>>, `${path}/${name}`);
    }
  };
  walk(lock.dependencies, '');
  return installed;
}

/** `a@^1.0.0`, `@scope/a@npm:^1`, `"a@1"` → the package name. */
function nameOfDescriptor(descriptor: string): string {
  const unquoted = descriptor.trim().replace(/^"|"$/g, '');
  const at = unquoted.indexOf('@', 1);
  return at === -1 ? unquoted : unquoted.slice(0, at);
}

function readYarn(text: string): Installed | undefined {
  const source = text.replace(/\r\n?/g, '\n');
  const berry = /^__metadata:/m.test(source);
  if (!berry && !source.includes('# yarn lockfile v1')) return undefined;
  const installed: Installed = new Map();
  for (const block of source.split(/\n(?=\S)/)) {
    const [header, ...body] = block.split('\n');
    if (header === undefined || header.startsWith('#') || header.startsWith('__metadata') || !header.endsWith(':')) continue;
    const descriptors = header.slice(0, -1).split(', ');
    const values: string[] = [];
    for (const line of body) {
      const match = /^ {2}(version|resolved|integrity|resolution|checksum):? (.*)$/.exec(line);
      if (match !== null) values.push(`${match[1]}=${match[2]!.replace(/^"|"$/g, '')}`);
    }
    const names = new Set(descriptors.map(nameOfDescriptor));
    for (const name of names) add(installed, name, values.sort().join('|'));
  }
  return installed;
}

/** `/@scope/a@1.0.0(peer@2)`, `a@1.0.0`, `/a/1.0.0` (v5) → the package name. */
function nameOfPnpmKey(key: string, pathStyle: boolean): string {
  const bare = key
    .replace(/^['"]|['"]$/g, '')
    .replace(/^\//, '')
    .replace(/\(.*$/, '');
  if (pathStyle) return bare.slice(0, Math.max(bare.lastIndexOf('/'), 0)) || bare;
  const at = bare.indexOf('@', 1);
  return at === -1 ? bare : bare.slice(0, at);
}

function readPnpm(text: string): Installed | undefined {
  const source = text.replace(/\r\n?/g, '\n');
  const version = /^lockfileVersion: ['"]?(\d+)/m.exec(source)?.[1];
  if (version === undefined) return undefined;
  const pathStyle = Number(version) < 6;
  const installed: Installed = new Map();
  let section = '';
  let current: { name: string; key: string; lines: string[]; field: string } | undefined;
  const flush = (): void => {
    if (current !== undefined) add(installed, current.name, `${section}|${current.key}|${current.lines.sort().join('|')}`);
    current = undefined;
  };
  for (const line of source.split('\n')) {
    if (/^\S/.test(line)) {
      flush();
      section = line.replace(/:.*$/, '');
      continue;
    }
    if (section !== 'packages' && section !== 'snapshots') continue;
    const entry = /^ {2}(\S.*):\s*(\{\})?$/.exec(line);
    if (entry !== null) {
      flush();
      current = { name: nameOfPnpmKey(entry[1]!, pathStyle), key: entry[1]!, lines: [], field: '' };
    } else if (current !== undefined) {
      // Only the copy's own identity counts: a changed dependency is reported under its own name.
      const key = /^ {4}(\w+)/.exec(line)?.[1];
      if (key !== undefined) current.field = key;
      if ((current.field === 'resolution' || current.field === 'version') && /^ {4,}\S/.test(line)) current.lines.push(line.trim());
    }
  }
  flush();
  return installed;
}

function read(fileName: string, text: string): Installed | undefined {
  switch (basename(fileName)) {
    case 'package-lock.json':
    case 'npm-shrinkwrap.json':
      return readNpm(text);
    case 'yarn.lock':
      return readYarn(text);
    case 'pnpm-lock.yaml':
      return readPnpm(text);
    default:
      return undefined;
  }
}

function same(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.size === b.size && [...a].every((value) => b.has(value));
}

/**
 * The names of installed packages a lockfile change adds, removes, or gives another version,
 * source or checksum, at any depth (npm v1 to v3, Yarn classic and Berry, pnpm v6 to v9).
 * Undefined when it cannot tell: an unknown or unparsable format, or a lockfile that appears or
 * disappears (what was installed without it is unknown). Callers then run everything.
 *
 * @example
 * diffLockfile('package-lock.json', before, after) // Set { 'lodash' }
 */
export function diffLockfile(fileName: string, before: string | undefined, after: string | undefined): ReadonlySet<string> | undefined {
  if (before === undefined && after === undefined) return new Set();
  if (before === undefined || after === undefined) return undefined;
  const old = read(fileName, before);
  const next = read(fileName, after);
  if (old === undefined || next === undefined) return undefined;
  const changed = new Set<string>();
  for (const name of new Set([...old.keys(), ...next.keys()])) {
    if (!same(old.get(name), next.get(name))) changed.add(name);
  }
  return changed;
}
