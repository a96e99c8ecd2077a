import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface NativeModule {
  filename: string;
  paths: string[];
  require(id: string): unknown;
}

interface NodeModuleClass {
  new (id: string): NativeModule;
  _nodeModulePaths(dir: string): string[];
}

const hosts = new Map<string, NativeModule>();

/**
 * A module of Node's own loader that resolves like a file placed in `directory`.
 *
 * Jest replaces `createRequire` (and `process.getBuiltinModule`) inside test code, but its `Module`
 * class extends Node's, so `Module.prototype.require` still runs Node's own loader: it works in both
 * Jest modes, outside Jest's module registry, and loads ESM-only packages (require(esm), Node >= 22.12).
 */
function hostModule(directory: string): NativeModule {
  let host = hosts.get(directory);
  if (host === undefined) {
    const { Module } = process.getBuiltinModule('node:module') as unknown as { Module: NodeModuleClass };
    const filename = join(directory, '[proving-ground-native-require]');
    host = new Module(filename);
    host.filename = filename;
    host.paths = Module._nodeModulePaths(directory);
    hosts.set(directory, host);
  }
  return host;
}

/**
 * Load `specifier` with Node's own `require`, resolved as from a file in `directory`.
 *
 * @example
 * const pg = nativeRequireFrom(process.cwd(), 'pg') as typeof import('pg')
 */
export function nativeRequireFrom(directory: string, specifier: string): unknown {
  return hostModule(directory).require(specifier);
}

/**
 * Load `specifier` with Node's own `require`, resolved from the location of the package that bundles
 * this kit (its built file in `dist/`).
 *
 * @example
 * const { PGlite } = nativeRequire('@electric-sql/pglite') as typeof import('@electric-sql/pglite')
 */
export function nativeRequire(specifier: string): unknown {
  return nativeRequireFrom(dirname(fileURLToPath(import.meta.url)), specifier);
}

/**
 * Load `specifier` with Node's own `require`, resolved from the user's project first (`cwd`, by
 * default the working directory, where Jest runs), then from this package's location. A peer the
 * user installed is found even when the package manager does not link it next to this package.
 *
 * @example
 * const testcontainers = nativeRequireFromProject('testcontainers') as typeof import('testcontainers')
 */
export function nativeRequireFromProject(specifier: string, cwd: string = process.cwd()): unknown {
  try {
    return nativeRequireFrom(cwd, specifier);
  } catch (error) {
    if (!isModuleNotFound(error, specifier)) throw error;
    return nativeRequire(specifier);
  }
}

/**
 * Whether `error` says that `specifier` itself cannot be found (not one of its dependencies, and
 * not a failure while evaluating it).
 *
 * @example
 * try { nativeRequire('testcontainers') } catch (error) { if (isModuleNotFound(error, 'testcontainers')) ... }
 */
export function isModuleNotFound(error: unknown, specifier: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return false;
  const firstLine = String(message).split('\n', 1)[0] ?? '';
  return firstLine.includes(`'${specifier}'`);
}
