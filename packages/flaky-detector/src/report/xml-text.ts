/**
 * Text made safe for XML 1.0: characters XML cannot hold are removed, markup characters escaped,
 * and CDATA sections split where the text contains their terminator.
 */

/** Characters XML 1.0 cannot hold at all (C0 controls but tab, LF and CR; U+FFFE, U+FFFF; lone surrogates). */
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The ESC [ ... m colour codes Jest puts in failure messages, removed rather than kept as noise. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/**
 * `text` without the characters XML 1.0 cannot hold and without terminal colour codes.
 *
 * @example
 * xmlChars('a\u0000b\u001b[31mc') // 'abc'
 */
export function xmlChars(text: string): string {
  return text.replace(ANSI_COLOUR, '').replace(NOT_XML, '');
}

/**
 * `text` as an attribute value (without the quotes): markup escaped, and tab, LF and CR as character
 * references so a parser's attribute normalisation keeps them.
 *
 * @example
 * xmlAttribute('a "b" <c>\nd') // 'a &quot;b&quot; &lt;c&gt;&#10;d'
 */
export function xmlAttribute(text: string): string {
  return xmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/**
 * `text` as element content in a CDATA section; a `]]>` inside is split across two sections.
 *
 * @example
 * xmlCdata('a ]]> b') // '<![CDATA[a ]]]]><![CDATA[> b]]>'
 */
export function xmlCdata(text: string): string {
  return `<![CDATA[${xmlChars(text).split(']]>').join(']]]]><![CDATA[>')}]]>`;
}
