import { describe, expect, it } from '@jest/globals';
import { xmlAttribute, xmlCdata, xmlChars } from './xml-text.js';

describe('XML text', () => {
  it('should drop control characters, non-characters and lone surrogates but keep tab, newlines and pairs', () => {
    expect(xmlChars('a\u0000b\u0008c\td\ne\rf\u000bg\ufffeh\ud800i😀j\udc00k')).toBe('abc\td\ne\rfghi😀jk');
  });

  it('should escape markup in attributes and keep whitespace as character references', () => {
    expect(xmlAttribute(`<a href="x">'&'</a>\t\n\r`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;&#9;&#10;&#13;');
  });

  it('should split every CDATA terminator across two sections', () => {
    expect(xmlCdata(']]>a]]>')).toBe('<![CDATA[]]]]><![CDATA[>a]]]]><![CDATA[>]]>');
  });
});
