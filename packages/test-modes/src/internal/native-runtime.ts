import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Runtime from '../runtime.js';

let cached: typeof Runtime | undefined;

interface NodeModuleClass {
  new (id: string): { filename: string; paths: string[]; require(id: string): unknown };
  _nodeModulePaths(dir: string): string[];
}

/**
 * Load the guard runtime with Node's own `require`, outside Jest's module registry: once per
 * process, in both Jest modes, and able to load ESM-only dependencies (require(esm), Node >= 22.12).
 *
 * Jest replaces `createRequire` (and `process.getBuiltinModule`) inside test code, but its
 * `Module` class extends Node's, so `Module.prototype.require` still runs Node's own loader.
 */
export function loadNativeRuntime(): typeof Runtime {
  if (cached === undefined) {
    const { Module } = process.getBuiltinModule('node:module') as unknown as { Module: NodeModuleClass };
    const filename = fileURLToPath(import.meta.url);
    const host = new Module(filename);
    host.filename = filename;
    host.paths = Module._nodeModulePaths(dirname(filename));
    cached = host.require('@proving-ground/test-modes/runtime') as typeof Runtime;
  }
  return cached;
}
