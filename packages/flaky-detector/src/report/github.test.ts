import { describe, expect, it } from '@jest/globals';
import { escapeAnnotationData, escapeAnnotationProperty, formatAnnotation } from './github.js';

describe('GitHub Actions annotations', () => {
  it('should escape %, CR and LF in the message, and also : and , in properties', () => {
    const line = formatAnnotation({
      level: 'warning',
      file: 'src/a,b:c.test.ts',
      line: 12,
      title: 'Flaky: 50%, then\r\nmore',
      message: 'score 50%: a, b\nnext line\r',
    });

    expect(line).toBe(
      '::warning file=src/a%2Cb%3Ac.test.ts,line=12,title=Flaky%3A 50%25%2C then%0D%0Amore::score 50%25: a, b%0Anext line%0D',
    );
  });

  it('should escape % before the characters it introduces, so an escaped text reads back once', () => {
    expect(escapeAnnotationData('%0A\n')).toBe('%250A%0A');
    expect(escapeAnnotationProperty('%3A:')).toBe('%253A%3A');
  });
});
