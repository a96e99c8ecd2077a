/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** How far a candidate may be from the input and still be offered: a third of the longer word, at least 2. */
function cutoff(input: string, candidate: string): number {
  return Math.max(2, Math.ceil(Math.max(input.length, candidate.length) / 3));
}

/**
 * The candidate the user most plausibly meant by `input`, or undefined when none is close enough.
 *
 * One rule for every package: case-insensitive; a candidate that starts with an input of three or
 * more characters (`rec` for `record`) always qualifies; otherwise the edit distance must be within
 * a third of the longer word (at least 2). The nearest qualifying candidate wins; ties go to the first.
 *
 * @example
 * nearestMatch('rec', ['replay', 'record']) // 'record'
 * nearestMatch('tiemout', ['timeout', 'retries']) // 'timeout'
 */
export function nearestMatch(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    if (lower === needle) return candidate;
    const distance = editDistance(needle, lower);
    const isPrefix = needle.length >= 3 && lower.startsWith(needle);
    if (!isPrefix && distance > cutoff(needle, lower)) continue;
    // A prefix ranks by how much is missing, so `rec` prefers `record` over `recording`.
    const score = isPrefix ? lower.length - needle.length : distance;
    if (best === undefined || score < best.score) best = { candidate, score };
  }
  return best?.candidate;
}

/**
 * `' Did you mean "name"?'` (with its leading space) or `''`, to append to a sentence.
 *
 * @example
 * `Unknown option "nmae".${didYouMean('nmae', ['name'])}` // 'Unknown option "nmae". Did you mean "name"?'
 */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const near = nearestMatch(input, candidates);
  return near === undefined ? '' : ` Did you mean ${JSON.stringify(near)}?`;
}

/**
 * `"nmae" (did you mean "name"?)`, or the quoted input alone, for the middle of a sentence.
 *
 * @example
 * describeChoice('nmae', ['name']) // '"nmae" (did you mean "name"?)'
 */
export function describeChoice(input: string, candidates: readonly string[]): string {
  const near = nearestMatch(input, candidates);
  return near === undefined ? JSON.stringify(input) : `${JSON.stringify(input)} (did you mean ${JSON.stringify(near)}?)`;
}

/**
 * `"a", "b" and "c"`, or `none` for an empty list.
 *
 * @example
 * listChoices(['mock', 'golden', 'live_smoke']) // '"mock", "golden" and "live_smoke"'
 */
export function listChoices(candidates: readonly string[]): string {
  if (candidates.length === 0) return 'none';
  const quoted = candidates.map((candidate) => JSON.stringify(candidate));
  return quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)!}`;
}
