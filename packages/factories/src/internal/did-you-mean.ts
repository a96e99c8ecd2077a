function editDistance(a: string, b: string): number {
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

/** The candidate nearest to `input` (case-insensitive), or undefined when none is plausibly meant. */
export function nearestMatch(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(needle, candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { candidate, distance };
  }
  if (best === undefined) return undefined;
  return best.distance <= Math.max(2, Math.ceil(best.candidate.length / 3)) ? best.candidate : undefined;
}

/** `"nmae" (did you mean "name"?)` or just the quoted input, for error messages. */
export function describeChoice(input: string, candidates: readonly string[]): string {
  const near = nearestMatch(input, candidates);
  return near === undefined ? JSON.stringify(input) : `${JSON.stringify(input)} (did you mean ${JSON.stringify(near)}?)`;
}

/** `"a", "b" and "c"`, or `none` for an empty list. */
export function listChoices(candidates: readonly string[]): string {
  if (candidates.length === 0) return 'none';
  const quoted = candidates.map((candidate) => JSON.stringify(candidate));
  return quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)!}`;
}
