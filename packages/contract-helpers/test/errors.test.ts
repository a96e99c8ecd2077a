import { describe, expect, it } from '@jest/globals';
import { isProvingGroundError } from '@proving-ground/kit';
import { describeErrorMapping, fuzzApi, isContractError, loadApiSpec, type ContractErrorCode } from '../src/index.js';

const api = loadApiSpec(new URL('fixtures/orders-api.yaml', import.meta.url).pathname);

/** The code and message of what `run` throws (or rejects with). */
async function failureOf(run: () => unknown): Promise<{ code: ContractErrorCode | undefined; message: string; error: unknown }> {
  try {
    await run();
  } catch (error) {
    return { code: isContractError(error) ? error.code : undefined, message: (error as Error).message, error };
  }
  throw new Error('expected a failure');
}

describe('ContractError', () => {
  it('should name an unknown component schema as such, with the nearest name', async () => {
    const failure = await failureOf(() => api.schema('Ordr'));

    expect(failure.code).toBe('CONTRACT_UNKNOWN_SCHEMA');
    expect(failure.message).toMatch(
      /^\[contract-helpers\] Failed to find the schema "Ordr" in .*orders-api\.yaml: components\.schemas has no such entry \(did you mean "Order"\?\)\. Known: /,
    );
  });

  it('should name an operation the fuzzer was asked for that the document lacks as an unknown operation', async () => {
    const failure = await failureOf(() => fuzzApi(() => Promise.reject(new Error('never sent')), api, { operations: ['GET /order'] }));

    expect(failure.code).toBe('CONTRACT_UNKNOWN_OPERATION');
    expect(failure.message).toContain('Failed to fuzz');
    expect(failure.message).toContain('no operation matches ["GET /order"]');
  });

  it('should say the Jest globals are missing when describeErrorMapping runs outside a test file', async () => {
    // Arrange
    const globals = globalThis as { describe?: unknown };
    const jestDescribe = globals.describe;
    globals.describe = undefined;

    // Act
    const failure = await failureOf(() => describeErrorMapping('mapping', [], () => undefined)).finally(() => {
      globals.describe = jestDescribe;
    });

    // Assert
    expect(failure.code).toBe('CONTRACT_MISSING_JEST_GLOBALS');
    expect(failure.message).toContain('Failed to register the error mapping tests: describe/it/expect are not globals here.');
  });

  it('should report a schema the JSON Schema meta-schema rejects at its place in the document, not as a nested message', async () => {
    const document = {
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: {
        '/names': {
          get: {
            responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'string', minLength: -1 } } } } },
          },
        },
      },
    };

    const failure = await failureOf(() => loadApiSpec(document, { name: 'names.yaml' }));

    expect(failure.code).toBe('CONTRACT_INVALID_SPEC');
    expect(failure.message).toContain(
      "names.yaml $.paths['/names'].get.responses['200'].content['application/json'].schema.minLength: must be >= 0 (JSON Schema meta-schema)",
    );
    expect(failure.message.match(/\[contract-helpers\]/g)).toHaveLength(1);
  });

  it('should be recognised across copies by its brand, as a Proving Ground error too', async () => {
    const failure = await failureOf(() => api.schema('Nope'));

    expect(isContractError(failure.error)).toBe(true);
    expect(isProvingGroundError(failure.error)).toBe(true);
    expect((failure.error as Error).name).toBe('ContractError');
  });
});
