import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import type { ImpactMap, Reason, SelectOptions, Selection, TestDecision } from '../model.js';
import { openRepository } from '../git/repository.js';
import { readImpactMap, currentVariant, DEFAULT_MAP_PATH } from '../map/map-file.js';
import { readShadowLog, DEFAULT_SHADOW_LOG } from '../shadow/shadow-log.js';
import { buildStaticGraph } from '../graph/static-graph.js';
import { openScanCache, DEFAULT_SCAN_CACHE_PATH } from '../graph/scan-cache.js';
import { coFailureRates, failureScore, orderByFailureLikelihood } from '../prediction/failure-order.js';
import { resolveSelectOptions } from './select-options.js';
import { mapStaleness } from './map-freshness.js';
import { readFailureHistory } from './failure-history.js';
import { runtimeIndex } from './runtime-index.js';
import { loadJestSettings } from './jest-settings-source.js';
import { collectEvidence, type Evidence } from './change-evidence.js';

/** Everything runs when any of these reasons holds, whatever else the change says. */
function runAllFromMap(map: ImpactMap | undefined, mapPath: string, staleness: string | undefined): Reason | undefined {
  if (map === undefined) {
    return {
      code: 'stale-map',
      message: `There is no map at ${mapPath}: without a record of what each test loads and reads, a change to a fixture or a dynamic import cannot be placed. Record one with a full Jest run with the recorder and the reporter.`,
    };
  }
  if (staleness !== undefined)
    return { code: 'stale-map', message: `The map cannot be trusted: ${staleness}. Record it again with a full Jest run.` };
  return undefined;
}

/**
 * Selects the Jest test files a change can affect, with a reason for every decision: the static
 * graph of the whole workspace, what each test loaded and read in the recorded run (the map), and
 * safety rules that run everything when the analyzer cannot be sure. The selected tests come in
 * the order most likely to fail first.
 *
 * @example
 * const selection = await selectTests({ base: 'origin/main' })
 * if (!selection.runAll) console.log(selection.selected.join('\n'))
 */
export async function selectTests(options: SelectOptions = {}): Promise<Selection> {
  const startedAt = performance.now();
  const settings = resolveSelectOptions(options);
  const repo = openRepository(settings.cwd);
  const root = repo.root;
  const head = settings.head === undefined ? undefined : repo.resolveRevision(settings.head);
  const requestedBase = repo.resolveRevision(settings.base);
  const runAll: Reason[] = [];

  const checkedOut = repo.head();
  const mergeBase = repo.mergeBase(requestedBase, head ?? checkedOut);
  if (mergeBase === undefined) {
    runAll.push({
      code: 'no-merge-base',
      message: repo.isShallow()
        ? `This is a shallow clone and the merge base of ${settings.base} and ${settings.head ?? 'the working tree'} is not in it: fetch the history (git fetch --unshallow, or fetch-depth: 0 in actions/checkout).`
        : `${settings.base} and ${settings.head ?? 'HEAD'} have no common ancestor, so the change cannot be told apart from their whole difference.`,
    });
  }
  const base = mergeBase ?? requestedBase;
  const mapPath = resolve(root, settings.map ?? DEFAULT_MAP_PATH);
  // The analyzer's own files (map, selection, shadow log, scan cache) are never a change to test.
  const ownFiles = [relative(root, mapPath).split(sep).join('/'), '.impact-analyzer/', `${DEFAULT_SCAN_CACHE_PATH}`];
  const changes = repo
    .changedFiles(base, head)
    .filter((change) => !ownFiles.some((own) => change.path === own || (own.endsWith('/') && change.path.startsWith(own))));
  if (mergeBase !== undefined) {
    const tagged = repo.commitMessages(base, head ?? checkedOut).find((message) => /\[impact:all\]/i.test(message));
    if (tagged !== undefined) {
      runAll.push({ code: 'commit-tag', message: `A commit message carries [impact:all]: "${tagged.split('\n', 1)[0]}".` });
    }
  }

  const map = readImpactMap(mapPath);
  const staleness = map === undefined ? undefined : mapStaleness(map, repo, base, settings.maxStaleCommits, currentVariant());
  const mapReason = runAllFromMap(map, relative(root, mapPath) || mapPath, staleness);
  if (mapReason !== undefined) runAll.push(mapReason);
  const usableMap = mapReason === undefined ? map : undefined;

  const onDisk = head === undefined || head === checkedOut;
  const files = head === undefined ? repo.workingFiles() : repo.filesAt(head);
  const readAtHead = (path: string): string | undefined => {
    if (!onDisk) return repo.fileAt(head, path);
    const absolute = join(root, path);
    return existsSync(absolute) ? readFileSync(absolute, 'utf8') : undefined;
  };
  const jest = loadJestSettings(root, map, changes, settings);
  const isTest = jest.isTest;
  const tests = files.filter((file) => isTest(file)).sort();

  const hasRemovals = changes.some((change) => change.status === 'deleted' || change.status === 'renamed');
  const baseFiles = hasRemovals && mergeBase !== undefined ? new Set(repo.filesAt(base)) : undefined;
  const cache = openScanCache(join(root, DEFAULT_SCAN_CACHE_PATH));
  const graph = buildStaticGraph({ root, files, jest: jest.settings, baseFiles, cache, readFile: onDisk ? undefined : readAtHead });
  cache.save();

  const evidence: Evidence = collectEvidence({
    root,
    repo,
    base,
    readAtHead,
    changes,
    tests,
    graph,
    jest: jest.settings,
    map: usableMap,
    index: runtimeIndex(usableMap),
    runAllOn: settings.runAllOn,
  });
  runAll.push(...evidence.runAll);

  const history = await readFailureHistory(root, settings.history, tests);
  const shadowPath = join(root, DEFAULT_SHADOW_LOG);
  const past = existsSync(shadowPath) ? readShadowLog(shadowPath) : [];
  const coFailure = coFailureRates(
    past,
    changes.map((change) => change.path),
  );
  const includes = settings.include.map((glob) => picomatch(glob, { dot: true }));

  const decisions: TestDecision[] = tests.map((test) => {
    const reasons: Reason[] = [...(evidence.reasons.get(test) ?? [])];
    const record = usableMap?.tests[test];
    if (usableMap !== undefined && record === undefined && !reasons.some((reason) => reason.code === 'new-test')) {
      reasons.push({ code: 'new-test', message: 'The map has no record of it: it was not part of the recorded run.' });
    }
    const lastFailed = record?.status === 'failed' || history?.lastFailed.has(test) === true;
    if (lastFailed)
      reasons.push({
        code: 'failed-last-time',
        message: record?.status === 'failed' ? 'It failed in the recorded run.' : `It failed in the last run of ${history!.source}.`,
      });
    const glob = settings.include.find((_, i) => includes[i]!(test));
    if (glob !== undefined) reasons.push({ code: 'include-glob', message: `It matches the include glob "${glob}".` });
    if (graph.facts(test)?.unskippable === true) reasons.push({ code: 'unskippable', message: 'Its docblock says @impact unskippable.' });
    const selected = reasons.length > 0 || runAll.length > 0;
    const distance = evidence.distance.get(test);
    const decision: TestDecision = {
      path: test,
      selected,
      reasons: reasons.length > 0 ? reasons : selected ? runAll : [evidence.notAffected(test)],
      ...(record === undefined ? {} : { durationMs: record.durationMs }),
    };
    if (selected) {
      decision.failureScore = failureScore({
        distance,
        failureRate: history?.failureRate.get(test),
        failedLastTime: lastFailed,
        coFailure: coFailure.get(test),
      });
    }
    return decision;
  });

  const ordered = orderByFailureLikelihood(decisions);
  return {
    base,
    head: head ?? 'working-tree',
    changes,
    runAll: runAll.length > 0,
    runAllReasons: runAll,
    tests: ordered,
    selected: ordered.filter((decision) => decision.selected).map((decision) => decision.path),
    elapsedMs: Math.round(performance.now() - startedAt),
  };
}
