/**
 * Parses JSON with comments and trailing commas (tsconfig.json), or returns undefined when it is
 * not valid even then.
 *
 * @example
 * parseJsonc('{ "a": 1, // one\n }') // { a: 1 }
 */
export function parseJsonc(text: string): unknown {
  let out = '';
  for (let pos = 0; pos < text.length;) {
    const char = text[pos]!;
    if (char === '"') {
      let end = pos + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      out += text.slice(pos, end + 1);
      pos = end + 1;
    } else if (char === '/' && text[pos + 1] === '/') {
      const end = text.indexOf('\n', pos);
      pos = end === -1 ? text.length : end;
    } else if (char === '/' && text[pos + 1] === '*') {
      const end = text.indexOf('*/', pos + 2);
      pos = end === -1 ? text.length : end + 2;
    } else {
      out += char;
      pos++;
    }
  }
  try {
    return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
  } catch {
    return undefined;
  }
}
