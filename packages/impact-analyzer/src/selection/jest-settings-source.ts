import type { ChangedFile, ImpactMap, JestSettings } from '../model.js';
import { readJestSettings, testFileMatcher } from '../config/jest-settings.js';
import { isImpactError } from '../errors.js';

/** The Jest settings a selection works with, and which files are tests under them. */
export interface JestSettingsSource {
  settings: JestSettings;
  isTest: (path: string) => boolean;
  /** Where they came from. */
  from: 'map' | 'jest';
}

/**
 * The Jest settings for a selection: the ones the map was recorded with while no configuration
 * file changed (asking Jest costs a second), else Jest's own `--showConfig`. When Jest cannot be
 * asked (a broken config in the change), the map's settings serve and the config change runs
 * everything anyway.
 *
 * @example
 * loadJestSettings(root, map, changes, { cwd: root, jestConfig: undefined }).isTest('test/a.test.ts')
 */
export function loadJestSettings(
  root: string,
  map: ImpactMap | undefined,
  changes: readonly ChangedFile[],
  options: { cwd: string; jestConfig: string | undefined },
): JestSettingsSource {
  const recorded = map?.jest;
  const configChanged =
    recorded === undefined ||
    changes.some(
      (change) =>
        recorded.configFiles.includes(change.path) ||
        /(^|\/)(jest\.config\.[cm]?[jt]s|jest\.config\.json|package\.json)$/.test(change.path) ||
        (change.previousPath !== undefined && recorded.configFiles.includes(change.previousPath)),
    );
  if (!configChanged) return { settings: recorded, isTest: testFileMatcher(recorded), from: 'map' };
  try {
    const settings = readJestSettings(root, {
      cwd: options.cwd,
      ...(options.jestConfig === undefined ? {} : { config: options.jestConfig }),
    });
    return { settings, isTest: testFileMatcher(settings), from: 'jest' };
  } catch (error) {
    if (recorded === undefined || !isImpactError(error)) throw error;
    return { settings: recorded, isTest: testFileMatcher(recorded), from: 'map' };
  }
}
