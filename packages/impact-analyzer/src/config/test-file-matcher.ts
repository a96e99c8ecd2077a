import { extname } from 'node:path/posix';
import picomatch from 'picomatch';
import type { JestProjectSettings, JestSettings } from '../model.js';

/**
 * The path a regex of the settings (`testRegex`, `testPathIgnorePatterns`,
 * `modulePathIgnorePatterns`) is tested against: the repository-relative path with a leading `/`,
 * standing for the absolute path Jest tests them against, the repository root shown as `/` (see
 * {@link jestSettingsFromConfigs}, which strips the root from the patterns the same way).
 *
 * @example
 * regexSubject('src/a.test.ts') // '/src/a.test.ts'
 */
export function regexSubject(path: string): string {
  return `/${path}`;
}

/** Jest's `globsToMatcher`: positive globs keep a path, negated ones only drop it; all-negated sets keep what none drops. */
function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const matchers = globs.map((glob) => {
    const isMatch = picomatch(glob, { dot: true }, true);
    return { isMatch, negated: isMatch.state?.negated === true || isMatch.state?.negatedExtglob === true };
  });
  const negatives = matchers.filter((matcher) => matcher.negated).length;
  return (path) => {
    let kept: boolean | undefined;
    for (const { isMatch, negated } of matchers) {
      const matched = isMatch(path);
      if (!matched && negated) kept = false;
      else if (matched && !negated) kept = true;
    }
    return negatives === matchers.length ? kept !== false : kept === true;
  };
}

function regexMatcher(patterns: readonly string[]): ((subject: string) => boolean) | undefined {
  return patterns.length === 0
    ? undefined
    : (
        (regex) => (subject: string) =>
          regex.test(subject)
      )(new RegExp(patterns.join('|')));
}

function projectMatcher(project: JestProjectSettings): (path: string) => boolean {
  const roots = project.roots.map((root) => (root === '.' ? '' : `${root}/`));
  const extensions = new Set(['snap', ...project.moduleFileExtensions]);
  const testMatch = project.testMatch.length > 0 ? globMatcher(project.testMatch) : undefined;
  const ignored = regexMatcher(project.testPathIgnorePatterns);
  const outsideHasteMap = regexMatcher(project.modulePathIgnorePatterns ?? []);
  const testRegex = project.testRegex.map((source) => new RegExp(source));
  return (path) => {
    const subject = regexSubject(path);
    // Jest only considers files its haste map holds: under a root, with a module file extension,
    // outside node_modules and modulePathIgnorePatterns.
    if (!roots.some((root) => path.startsWith(root))) return false;
    if (!extensions.has(extname(path).slice(1))) return false;
    if (subject.includes('/node_modules/') || outsideHasteMap?.(subject) === true) return false;
    if (testMatch !== undefined && !testMatch(path)) return false;
    if (ignored?.(subject) === true) return false;
    return testRegex.length === 0 || testRegex.some((regex) => regex.test(subject));
  };
}

/**
 * Whether a repository-relative path is a test file of any project, with Jest's own rules: under
 * one of the project's `roots`, matching `testMatch` (globs, negations and extglobs as Jest's
 * picomatch options read them) and `testRegex`, and not matching `testPathIgnorePatterns`.
 *
 * @example
 * const isTest = testFileMatcher(readJestSettings(root))
 * isTest('src/math.test.ts') // true
 * isTest('src/math.ts') // false
 */
export function testFileMatcher(settings: JestSettings): (path: string) => boolean {
  const projects = settings.projects.map(projectMatcher);
  return (path) => projects.some((matches) => matches(path));
}
