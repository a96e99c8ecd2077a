import { basename } from 'node:path/posix';

/**
 * Whether `path` is a dotenv file: `.env` or `.env.<anything>` (`.env.test`, `.env.local`), not
 * `.envrc` (direnv's shell script, which sets variables by running code the analyzer cannot read).
 *
 * @example
 * isEnvFile('apps/web/.env.test') // true
 * isEnvFile('.envrc') // false
 */
export function isEnvFile(path: string): boolean {
  const name = basename(path);
  return name === '.env' || name.startsWith('.env.');
}

/**
 * The variables of a dotenv file: `KEY=value`, an optional `export ` prefix, `#` comments, single,
 * double or backtick quoted values that may span lines.
 *
 * @example
 * parseEnvFile('export A="x"\n# note\nB=1 # one') // Map { 'A' => 'x', 'B' => '1' }
 */
export function parseEnvFile(text: string): Map<string, string> {
  const variables = new Map<string, string>();
  const pattern = /^[ \t]*(?:export[ \t]+)?([\w.-]+)[ \t]*[=:][ \t]*('(?:\\'|[^'])*'|"(?:\\"|[^"])*"|`(?:\\`|[^`])*`|[^\n#]*)[^\n]*$/gm;
  const source = text.replace(/\r\n?/g, '\n');
  for (const match of source.matchAll(pattern)) {
    const raw = match[2]!.trim();
    const quote = raw.charAt(0);
    const value = (quote === '"' || quote === "'" || quote === '`') && raw.endsWith(quote) && raw.length > 1 ? raw.slice(1, -1) : raw;
    variables.set(match[1]!, value);
  }
  return variables;
}

/**
 * The keys added, removed or changed between two versions of a dotenv file (undefined: the file
 * does not exist on that side), sorted.
 *
 * @example
 * diffEnvFile('A=1\nB=2', 'A=1\nB=3\nC=4') // ['B', 'C']
 */
export function diffEnvFile(before: string | undefined, after: string | undefined): string[] {
  const old = parseEnvFile(before ?? '');
  const next = parseEnvFile(after ?? '');
  const keys = new Set([...old.keys(), ...next.keys()]);
  return [...keys].filter((key) => old.get(key) !== next.get(key)).sort();
}
