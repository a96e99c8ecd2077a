import { describe, expect, it } from '@jest/globals';
import { formatSpanTree, readSpan, spanTree, type SpanLike } from './span-records.js';

const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
const span = (name: string, spanId: string, parentSpanId?: string, extra: Partial<SpanLike> = {}): SpanLike => ({
  name,
  traceId: trace,
  spanId,
  ...(parentSpanId === undefined ? {} : { parentSpanId }),
  ...extra,
});

describe('readSpan', () => {
  it('should read kinds and statuses given as numbers or OTLP names, and an all-zero parent as none', () => {
    const record = readSpan(span('a', '01', '0000000000000000', { kind: 4, status: { code: 2, message: 'boom' } }));

    expect(record).toMatchObject({ kind: 'consumer', status: 'error', statusMessage: 'boom', ended: true });
    expect(record).not.toHaveProperty('parentSpanId');
    expect(
      readSpan(span('b', '02', undefined, { kind: 'SPAN_KIND_PRODUCER', status: { code: 'STATUS_CODE_ERROR' }, ended: false })),
    ).toMatchObject({
      kind: 'producer',
      status: 'error',
      ended: false,
    });
  });

  it('should take the parent from SDK 2 parentSpanContext', () => {
    const child = { name: 'c', spanContext: () => ({ traceId: trace, spanId: '03' }), parentSpanContext: { traceId: trace, spanId: '01' } };

    expect(readSpan(child)).toMatchObject({ spanId: '03', parentSpanId: '01', traceId: trace });
  });
});

describe('spanTree and formatSpanTree', () => {
  it('should hang children under their parent in order, keep traces apart and mark orphans', () => {
    const spans = [
      span('GET /a', '01'),
      span('db', '02', '01'),
      span('cache', '03', '02'),
      span('render', '04', '01', { status: { code: 2, message: 'template for jane.doe@corp.example failed' } }),
      span('late', '05', '99'),
      { ...span('GET /b', '01'), traceId: 'ffffffffffffffffffffffffffffffff' },
    ];

    expect(spanTree(spans).map((node) => node.span.name)).toEqual(['GET /a', 'late', 'GET /b']);
    expect(formatSpanTree(spans, { mark: new Set(['03']) })).toBe(
      [
        'GET /a  [internal, unset]',
        '├─ db  [internal, unset]',
        '│  └─ cache  [internal, unset]  ←',
        '└─ render  [internal, error: template for j***@c***.example failed]',
        '(parent 99… not among the spans) late  [internal, unset]',
        'GET /b  [internal, unset]',
      ].join('\n'),
    );
    expect(formatSpanTree([])).toBe('(no spans)');
  });
});
