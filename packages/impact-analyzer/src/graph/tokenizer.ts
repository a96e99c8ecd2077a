/** One token of a JavaScript or TypeScript source: enough to find module references, not a parser. */
export interface Token {
  type: 'id' | 'str' | 'tpl' | 'num' | 'punct' | 'regex';
  /** The identifier, the punctuator, or the string's (or template's single part's) text. */
  value: string;
  /** 1-based line where the token starts. */
  line: number;
  /** For a template: the text parts between `${}` expressions. */
  quasis?: string[];
  /** For a template: the tokens of each `${}` expression. */
  expressions?: Token[][];
}

/** The tokens of a source and the comments that precede its first token. */
export interface Tokens {
  tokens: Token[];
  /** The text of every comment before the first token (the docblock). */
  leadingComments: string[];
}

const KEYWORDS_BEFORE_EXPRESSION = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'instanceof',
  'new',
  'delete',
  'void',
  'throw',
  'yield',
  'await',
  'of',
  'extends',
]);

const MULTI_PUNCTUATORS = ['...', '=>', '?.', '===', '!==', '==', '!='];

function isIdentifierStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 36 || code === 95 || code === 35 || code > 127;
}

function isIdentifierPart(code: number): boolean {
  return isIdentifierStart(code) || (code >= 48 && code <= 57);
}

/** Whether a `/` after `previous` starts a regular expression rather than a division. */
function regexAllowed(previous: Token | undefined): boolean {
  if (!previous) return true;
  if (previous.type === 'punct') return previous.value !== ')' && previous.value !== ']';
  if (previous.type === 'id') return KEYWORDS_BEFORE_EXPRESSION.has(previous.value);
  return false;
}

interface Cursor {
  pos: number;
  line: number;
}

/**
 * Splits a source into tokens, skipping comments and keeping strings, templates (with their nested
 * `${}` expressions) and regular expressions whole, so that text inside them never looks like code.
 *
 * @example
 * tokenize("import a from 'b' // require('c')").tokens.map((t) => t.value) // ['import', 'a', 'from', 'b']
 */
export function tokenize(source: string): Tokens {
  const cursor: Cursor = { pos: 0, line: 1 };
  const leadingComments: string[] = [];
  if (source.startsWith('#!')) {
    const end = source.indexOf('\n');
    cursor.pos = end === -1 ? source.length : end;
  }
  const tokens = readTokens(source, cursor, false, leadingComments);
  return { tokens, leadingComments };
}

function readTokens(source: string, cursor: Cursor, inExpression: boolean, leadingComments?: string[]): Token[] {
  const tokens: Token[] = [];
  let braces = 0;
  const length = source.length;
  while (cursor.pos < length) {
    const code = source.charCodeAt(cursor.pos);
    if (code === 10) {
      cursor.line++;
      cursor.pos++;
      continue;
    }
    if (code === 32 || code === 9 || code === 13 || code === 0xfeff || code === 11 || code === 12 || code === 0xa0) {
      cursor.pos++;
      continue;
    }
    const next = source.charCodeAt(cursor.pos + 1);
    if (code === 47 && next === 47) {
      const end = source.indexOf('\n', cursor.pos);
      const stop = end === -1 ? length : end;
      if (leadingComments && tokens.length === 0) leadingComments.push(source.slice(cursor.pos, stop));
      cursor.pos = stop;
      continue;
    }
    if (code === 47 && next === 42) {
      const end = source.indexOf('*/', cursor.pos + 2);
      const stop = end === -1 ? length : end + 2;
      const text = source.slice(cursor.pos, stop);
      if (leadingComments && tokens.length === 0) leadingComments.push(text);
      cursor.line += countLines(text);
      cursor.pos = stop;
      continue;
    }
    const line = cursor.line;
    if (code === 39 || code === 34) {
      tokens.push({ type: 'str', value: readString(source, cursor, code), line });
      continue;
    }
    if (code === 96) {
      tokens.push(readTemplate(source, cursor, line));
      continue;
    }
    if (isIdentifierStart(code)) {
      const start = cursor.pos;
      cursor.pos++;
      while (cursor.pos < length && isIdentifierPart(source.charCodeAt(cursor.pos))) cursor.pos++;
      tokens.push({ type: 'id', value: source.slice(start, cursor.pos), line });
      continue;
    }
    if ((code >= 48 && code <= 57) || (code === 46 && next >= 48 && next <= 57)) {
      const start = cursor.pos;
      cursor.pos++;
      while (cursor.pos < length && (isIdentifierPart(source.charCodeAt(cursor.pos)) || source.charCodeAt(cursor.pos) === 46)) cursor.pos++;
      tokens.push({ type: 'num', value: source.slice(start, cursor.pos), line });
      continue;
    }
    if (code === 47 && regexAllowed(tokens.at(-1))) {
      const regex = readRegex(source, cursor.pos);
      if (regex !== undefined) {
        tokens.push({ type: 'regex', value: source.slice(cursor.pos, regex), line });
        cursor.pos = regex;
        continue;
      }
    }
    if (inExpression) {
      if (code === 123) braces++;
      else if (code === 125) {
        if (braces === 0) {
          cursor.pos++;
          return tokens;
        }
        braces--;
      }
    }
    const multi = MULTI_PUNCTUATORS.find((punctuator) => source.startsWith(punctuator, cursor.pos));
    const value = multi ?? source[cursor.pos]!;
    // `a?.5:b` is a conditional, not optional chaining.
    const punctuator = value === '?.' && next === 46 && /\d/.test(source[cursor.pos + 2] ?? '') ? '?' : value;
    tokens.push({ type: 'punct', value: punctuator, line });
    cursor.pos += punctuator.length;
  }
  return tokens;
}

function countLines(text: string): number {
  let lines = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) lines++;
  return lines;
}

function readString(source: string, cursor: Cursor, quote: number): string {
  let value = '';
  let pos = cursor.pos + 1;
  while (pos < source.length) {
    const code = source.charCodeAt(pos);
    if (code === quote) {
      pos++;
      break;
    }
    // An unterminated string (often an apostrophe in JSX text) ends at the line's end.
    if (code === 10) break;
    if (code === 92) {
      const escaped = source[pos + 1] ?? '';
      if (escaped === '\n') cursor.line++;
      else if (escaped === '\r' && source[pos + 2] === '\n') {
        cursor.line++;
        pos++;
      } else value += escaped;
      pos += 2;
      continue;
    }
    value += source[pos];
    pos++;
  }
  cursor.pos = pos;
  return value;
}

function readTemplate(source: string, cursor: Cursor, line: number): Token {
  const quasis: string[] = [];
  const expressions: Token[][] = [];
  let text = '';
  cursor.pos++;
  while (cursor.pos < source.length) {
    const char = source[cursor.pos];
    if (char === '`') {
      cursor.pos++;
      break;
    }
    if (char === '\\') {
      const escaped = source[cursor.pos + 1] ?? '';
      if (escaped === '\n') cursor.line++;
      text += escaped;
      cursor.pos += 2;
      continue;
    }
    if (char === '$' && source[cursor.pos + 1] === '{') {
      quasis.push(text);
      text = '';
      cursor.pos += 2;
      expressions.push(readTokens(source, cursor, true));
      continue;
    }
    if (char === '\n') cursor.line++;
    text += char;
    cursor.pos++;
  }
  quasis.push(text);
  return { type: 'tpl', value: quasis.join('*'), line, quasis, expressions };
}

/** The end of a regular expression literal starting at `start`, or undefined when the line ends first. */
function readRegex(source: string, start: number): number | undefined {
  let pos = start + 1;
  let inClass = false;
  while (pos < source.length) {
    const char = source[pos];
    if (char === '\n' || char === '\r') return undefined;
    if (char === '\\') {
      pos += 2;
      continue;
    }
    if (char === '[') inClass = true;
    else if (char === ']') inClass = false;
    else if (char === '/' && !inClass) {
      pos++;
      while (pos < source.length && isIdentifierPart(source.charCodeAt(pos))) pos++;
      return pos;
    }
    pos++;
  }
  return undefined;
}
