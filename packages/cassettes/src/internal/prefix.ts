import { prefixed as kitPrefixed } from '@proving-ground/kit';

/**
 * `[cassettes] <text>` with URL passwords masked, for what is not an error: warnings printed to
 * stderr and matcher messages.
 *
 * @example
 * prefixed('Nothing written to a.json: the test failed while recording.') // '[cassettes] Nothing written ...'
 */
export function prefixed(text: string): string {
  return kitPrefixed('cassettes', text);
}
