import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  arbitraryFromSchema,
  fuzzApi,
  invalidArbitraryFromSchema,
  isContractError,
  loadApiSpec,
  validateAgainstSchema,
} from '../src/index.js';

function errorOf(run: () => unknown): { code?: string; message: string } {
  try {
    run();
  } catch (error) {
    return { code: isContractError(error) ? error.code : undefined, message: (error as Error).message };
  }
  throw new Error('expected an error');
}

describe('arbitraryFromSchema on narrow schemas', () => {
  it('should construct multiples for multipleOf instead of filtering doubles', () => {
    const schema = {
      type: 'object',
      properties: { share: { type: 'number', multipleOf: 0.25, minimum: 0, exclusiveMaximum: 1 } },
      required: ['share'],
    };

    const values = fc.sample(arbitraryFromSchema(schema), { numRuns: 50, seed: 7 }) as Array<{ share: number }>;

    expect(values.every((value) => validateAgainstSchema(value, schema).length === 0)).toBe(true);
    expect(new Set(values.map((value) => value.share))).toEqual(new Set([0, 0.25, 0.5, 0.75]));
  });

  it('should stop with the schema path when a pattern cannot fit maxLength, instead of looping', () => {
    const schema = { type: 'object', properties: { code: { type: 'string', pattern: '^[A-Z]{10}$', maxLength: 5 } } };

    const failure = errorOf(() => fc.sample(arbitraryFromSchema(schema, { maxRejections: 50 }), { numRuns: 5, seed: 1 }));

    expect(failure.code).toBe('CONTRACT_INVALID_SCHEMA');
    expect(failure.message).toContain('#/properties/code');
    expect(failure.message).toContain('50 candidates in a row were rejected');
  });

  it('should stop naming the data path when the strict validator rejects every candidate', () => {
    const schema = { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'], not: { required: ['a'] } };

    const failure = errorOf(() => fc.sample(arbitraryFromSchema(schema, { maxRejections: 20 }), { numRuns: 3, seed: 1 }));

    expect(failure.code).toBe('CONTRACT_INVALID_SCHEMA');
    expect(failure.message).toMatch(/at data path \$: .*\(not\)/);
  });

  it('should say so when a schema accepts everything, so nothing invalid can be generated', () => {
    const failure = errorOf(() => fc.sample(invalidArbitraryFromSchema(true, { maxRejections: 20 }), { numRuns: 3, seed: 1 }));

    expect(failure.code).toBe('CONTRACT_INVALID_SCHEMA');
    expect(failure.message).toContain('Failed to generate a value breaking the schema');
  });
});

describe('fuzzApi with an unsatisfiable request schema', () => {
  it('should fail fast with the schema error rather than hang', async () => {
    const api = loadApiSpec(
      {
        openapi: '3.1.0',
        info: { title: 't', version: '1' },
        paths: {
          '/codes': {
            post: {
              requestBody: {
                required: true,
                content: {
                  'application/json': {
                    schema: { type: 'object', properties: { code: { type: 'string', format: 'email', maxLength: 3 } }, required: ['code'] },
                  },
                },
              },
              responses: { '204': { description: 'ok' } },
            },
          },
        },
      },
      { name: 'narrow.yaml' },
    );
    const target = (): Promise<{ status: number; headers: Record<string, string>; body: undefined }> =>
      Promise.resolve({ status: 204, headers: {}, body: undefined });

    const run = fuzzApi(target, api, { numRuns: 5, seed: 3 });

    const caught = await run.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((caught as Error).message).toMatch(
      /Failed to fuzz POST \/codes of narrow.yaml: no request could be generated\.\n\s+caused by: .*#\/properties\/code: .*format "email"/,
    );
    const cause = (caught as Error).cause;
    expect(isContractError(cause) && cause.code).toBe('CONTRACT_INVALID_SCHEMA');
    expect((cause as Error).message).toMatch(/Failed to generate a value matching the schema at #\/properties\/code: .*format "email"/);
  });
});
