import { basename } from 'node:path';
import picomatch from 'picomatch';
import type { ChangedFile, GraphEdge, ImpactMap, JestSettings, Reason, ReasonCode } from '../model.js';
import type { Repository } from '../git/repository.js';
import type { StaticGraph } from '../graph/static-graph.js';
import { reverseClosure } from '../graph/reverse-closure.js';
import { configChangeReason } from '../changes/config-files.js';
import { diffManifest } from '../changes/manifest-diff.js';
import { diffLockfile, isLockfile } from '../changes/lockfile-diff.js';
import { diffEnvFile, isEnvFile } from '../changes/env-file-diff.js';
import { classifyChange } from '../precision/classify-change.js';
import { builtFromIndex, testsListing, type RuntimeIndex } from './runtime-index.js';
import { configClosure, describeChain } from './config-closure.js';

/** What {@link collectEvidence} works from. */
export interface EvidenceInput {
  root: string;
  repo: Repository;
  base: string;
  readAtHead: (path: string) => string | undefined;
  changes: readonly ChangedFile[];
  tests: readonly string[];
  graph: StaticGraph;
  jest: JestSettings;
  /** The map, when it can be trusted. */
  map: ImpactMap | undefined;
  index: RuntimeIndex;
  runAllOn: readonly string[];
}

/** What the change says about the tests. */
export interface Evidence {
  /** Reasons to run everything. */
  runAll: Reason[];
  /** Reasons each affected test runs. */
  reasons: ReadonlyMap<string, readonly Reason[]>;
  /** Edges from the nearest changed file to each affected test (0: the test itself changed). */
  distance: ReadonlyMap<string, number>;
  /** Why a test is not affected, for one that is skipped. */
  notAffected(test: string): Reason;
}

/** Changes confined to function bodies, narrowed below module level. */
interface BodyChange {
  functions: readonly string[];
  exports: readonly string[];
}

function chainOf(edges: readonly GraphEdge[], test: string): string[] {
  return edges.length === 0 ? [test] : [edges[0]!.to, ...edges.map((edge) => edge.from)];
}

/**
 * Turns each changed file into reasons: run everything (configuration, unknown dependency
 * changes, trigger globs), or run the tests it reaches through the static graph, the recorded run
 * (loads, reads, folder listings, variables, packages) or function-level coverage.
 *
 * @example
 * const evidence = collectEvidence({ root, repo, base, readAtHead, changes, tests, graph, jest, map, index, runAllOn: [] })
 * evidence.reasons.get('test/a.test.ts')?.[0]?.code // 'static-dependency'
 */
export function collectEvidence(input: EvidenceInput): Evidence {
  const { graph, index, map, repo, base } = input;
  const testSet = new Set(input.tests);
  const reasons = new Map<string, Reason[]>();
  const distance = new Map<string, number>();
  const skipNotes = new Map<string, string>();
  const runAll: Reason[] = [];
  const select = (
    test: string,
    code: ReasonCode,
    message: string,
    changedFile: string,
    chain: readonly string[],
    hops: number,
    edges?: readonly GraphEdge[],
  ): void => {
    if (!testSet.has(test)) return;
    let list = reasons.get(test);
    if (list === undefined) reasons.set(test, (list = []));
    if (!list.some((reason) => reason.code === code && reason.changedFile === changedFile)) {
      const steps = edges?.map((edge) => ({ kind: edge.kind, specifier: edge.specifier }));
      list.push({ code, message, changedFile, chain, ...(steps === undefined || steps.length === 0 ? {} : { steps }) });
    }
    distance.set(test, Math.min(distance.get(test) ?? Infinity, hops));
  };
  const readAtBase = (path: string): string | undefined => repo.fileAt(base, path);

  const triggers = input.runAllOn.map((glob) => picomatch(glob, { dot: true }));
  const configFiles = new Set([...input.jest.configFiles, ...input.jest.projects.flatMap((project) => project.configFiles)]);
  const closure = configClosure(graph, configFiles, testSet);
  const changedPackages = new Map<string, string>();
  const moduleLevel: string[] = [];
  const bodyOnly = new Map<string, BodyChange>();
  const withFunctions = new Set(Object.values(map?.tests ?? {}).flatMap((record) => Object.keys(record.functions ?? {})));

  for (const change of input.changes) {
    const paths = change.previousPath === undefined ? [change.path] : [change.previousPath, change.path];
    for (const path of paths) {
      const trigger = input.runAllOn.find((_, i) => triggers[i]!(path));
      if (trigger !== undefined)
        runAll.push({ code: 'trigger-glob', message: `${path} matches the runAllOn glob "${trigger}".`, changedFile: path });
      const config = configChangeReason(path);
      if (config !== undefined) runAll.push({ code: 'config-changed', message: config, changedFile: path });
      else if (configFiles.has(path)) {
        runAll.push({
          code: 'config-changed',
          message: `${path} is part of the Jest configuration (config file, setup file, environment, transform or resolver): it can change every test.`,
          changedFile: path,
        });
      } else if (closure.has(path)) {
        const chain = closure.get(path)!;
        runAll.push({
          code: 'config-changed',
          message: `${path} is loaded by the Jest configuration (${describeChain(chain)}): it can change every test.`,
          changedFile: path,
          chain,
        });
      }

      const name = basename(path);
      if (name === 'package.json') {
        const diff = diffManifest(readAtBase(path), input.readAtHead(path));
        if (diff.runAllFields.length > 0) {
          runAll.push({
            code: 'config-changed',
            message: `${path} changed ${diff.runAllFields.join(', ')}, which changes how modules load.`,
            changedFile: path,
          });
        }
        for (const dependency of diff.dependencies) changedPackages.set(dependency, path);
      } else if (isLockfile(path)) {
        const names = diffLockfile(name, readAtBase(path), input.readAtHead(path));
        if (names === undefined) {
          runAll.push({
            code: 'dependencies-unknown',
            message: `${path} changed and cannot be compared package by package.`,
            changedFile: path,
          });
        } else for (const dependency of names) changedPackages.set(dependency, path);
      } else if (isEnvFile(path)) {
        for (const variable of diffEnvFile(readAtBase(path), input.readAtHead(path))) {
          for (const test of index.byVariable.get(variable) ?? []) {
            select(test, 'environment-variable', `It read ${variable}, which ${path} changes.`, path, [path, test], 1);
          }
        }
      }

      if (testSet.has(path)) {
        select(
          path,
          change.status === 'added' ? 'new-test' : 'test-changed',
          change.status === 'added' ? 'It is a new test file.' : 'The test file itself changed.',
          path,
          [path],
          0,
        );
      }
      if (change.status !== 'modified') {
        for (const [test, folder] of testsListing(index, path)) {
          select(
            test,
            'directory-listing',
            `It listed ${folder}, where ${path} was ${change.status === 'added' ? 'added' : 'removed'}.`,
            path,
            [path, test],
            1,
          );
        }
      }
      // Narrowing parses both versions: only worth reading them where it can skip a test.
      const narrowable = change.status === 'modified' && graph.facts(path) !== undefined && worthNarrowing(path, graph, withFunctions);
      const before = narrowable ? readAtBase(path) : undefined;
      const after = before === undefined ? undefined : input.readAtHead(path);
      const narrowed = before !== undefined && after !== undefined ? classifyChange(path, before, after) : undefined;
      if (narrowed?.level === 'functions') bodyOnly.set(path, narrowed);
      else moduleLevel.push(path);
    }
  }

  if (changedPackages.size > 0) {
    if (map === undefined) {
      runAll.push({
        code: 'dependencies-unknown',
        message: `Installed packages changed (${[...changedPackages.keys()].slice(0, 5).join(', ')}) and no map says which tests load them.`,
      });
    } else {
      for (const [dependency, source] of changedPackages) {
        for (const test of index.byPackage.get(dependency) ?? []) {
          select(test, 'package-changed', `It loaded ${dependency}, which ${source} changes.`, source, [source, test], 1);
        }
      }
    }
  }

  // Each closure once: the static reasons, the build-output links and the body-only narrowing share them.
  const moduleClosure = reverseClosure(graph, moduleLevel);
  const bodyClosures = new Map([...bodyOnly.keys()].map((path) => [path, reverseClosure(graph, [path])] as const));
  for (const [reached, edges] of moduleClosure) {
    const chain = chainOf(edges, reached);
    if (reached !== chain[0])
      select(reached, 'static-dependency', `It depends on ${chain[0]} (${describeChain(chain)}).`, chain[0]!, chain, edges.length, edges);
  }
  for (const path of moduleLevel) {
    for (const test of index.byFile.get(path) ?? []) {
      if (test !== path) select(test, 'runtime-dependency', `It loaded or read ${path} in the recorded run.`, path, [path, test], 1);
    }
  }

  // A test that ran build output (a CLI in a child process, a package's dist/) depends on the
  // sources it was built from, and on what they depend on, whatever the function bodies say.
  const builtFrom = map === undefined ? undefined : builtFromIndex(index, (path) => graph.sourceOf(path));
  if (builtFrom !== undefined && builtFrom.size > 0) {
    const ranBuildOutput = (source: string, chain: readonly string[], edges?: readonly GraphEdge[]): void => {
      for (const [test, output] of builtFrom.get(source) ?? []) {
        const through = chain.length > 1 ? `; ${source} depends on ${chain[0]} (${describeChain(chain)})` : '';
        select(
          test,
          'runtime-dependency',
          `It ran ${output}, built from ${source}, in the recorded run${through}.`,
          chain[0]!,
          [...chain, test],
          chain.length,
          edges,
        );
      }
    };
    const closures: [readonly string[], ReadonlyMap<string, readonly GraphEdge[]>][] = [
      [moduleLevel, moduleClosure],
      ...[...bodyClosures].map(([path, closure]): [readonly string[], ReadonlyMap<string, readonly GraphEdge[]>] => [[path], closure]),
    ];
    for (const [roots, closure] of closures) {
      for (const path of roots) ranBuildOutput(path, [path]);
      for (const [reached, edges] of closure) {
        const chain = chainOf(edges, reached);
        if (reached !== chain[0]) ranBuildOutput(reached, chain, edges);
      }
    }
  }

  for (const [path, change] of bodyOnly) {
    const names = new Set(change.functions);
    const plain = bodyClosures.get(path)!;
    const precise = reverseClosure(graph, [path], { precise: new Map([[path, new Set(change.exports)]]) });
    const candidates = new Set([...[...plain.keys()].filter((file) => testSet.has(file)), ...(index.byFile.get(path) ?? [])]);
    for (const test of candidates) {
      if (test === path) continue;
      const ran = map?.tests[test]?.functions?.[path];
      const chain = plain.has(test) ? chainOf(plain.get(test)!, test) : [path, test];
      if (ran !== undefined) {
        const hit = ran.find((fn) => names.has(fn));
        if (hit !== undefined)
          select(test, 'function-changed', `It ran ${hit}() of ${path}, whose body changed.`, path, chain, chain.length - 1);
        else
          skipNotes.set(
            test,
            `only the bodies of ${change.functions.join(', ')} in ${path} changed, and it ran none of them in the recorded run`,
          );
      } else if (precise.has(test)) {
        const preciseChain = chainOf(precise.get(test)!, test);
        select(
          test,
          'static-dependency',
          `It uses ${change.exports.join(', ')} of ${path} (${describeChain(preciseChain)}).`,
          path,
          preciseChain,
          preciseChain.length - 1,
          precise.get(test),
        );
      } else if (plain.has(test)) {
        skipNotes.set(
          test,
          `only the bodies of ${change.functions.join(', ')} in ${path} changed, and it imports none of them (${describeChain(chain)})`,
        );
      } else {
        select(
          test,
          'runtime-dependency',
          `It loaded ${path} in the recorded run by a path the static graph does not see.`,
          path,
          chain,
          1,
        );
      }
    }
  }

  return {
    runAll,
    reasons,
    distance,
    notAffected(test) {
      const note = skipNotes.get(test);
      return {
        code: 'not-affected',
        message:
          note !== undefined
            ? `Not affected: ${note}.`
            : map === undefined
              ? 'Not affected: no changed file reaches it in the static graph.'
              : 'Not affected: no changed file reaches it in the static graph, and in the recorded run it loaded, read and listed none of them.',
      };
    },
  };
}

/** Narrowing can skip a test only below a barrel, or where the map has function coverage of the file. */
function worthNarrowing(path: string, graph: StaticGraph, withFunctions: ReadonlySet<string>): boolean {
  return withFunctions.has(path) || graph.edgesTo(path).some((edge) => graph.facts(edge.from)?.barrel === true);
}
