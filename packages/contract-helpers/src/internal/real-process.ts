interface NativeModule {
  filename: string;
  require(id: string): unknown;
}

let realProcess: NodeJS.Process | undefined;

/**
 * The process object of Node itself, not the copy Jest gives each test file.
 *
 * Inside Jest, `process.env` is a per-file copy: writing to it never reaches the real environment,
 * which native code (Pact's Rust core reads it with `getenv`) and child processes inherit. Jest's
 * `Module` class extends Node's, so a `Module` instance's `require` still runs Node's own loader,
 * which hands out the real `process` builtin. Outside Jest this is just `process`.
 */
export function nodeProcess(): NodeJS.Process {
  if (realProcess !== undefined) return realProcess;
  try {
    const { Module } = process.getBuiltinModule('node:module') as unknown as { Module: new (id: string) => NativeModule };
    const host = new Module('[contract-helpers-real-process]');
    host.filename = '[contract-helpers-real-process]';
    realProcess = host.require('node:process') as NodeJS.Process;
  } catch {
    realProcess = process;
  }
  return realProcess;
}

/**
 * Set an environment variable unless it is set, in both the real environment and this (possibly
 * Jest-sandboxed) `process.env`.
 */
export function defaultEnvironmentVariable(name: string, value: string): void {
  nodeProcess().env[name] ??= value;
  process.env[name] ??= value;
}
