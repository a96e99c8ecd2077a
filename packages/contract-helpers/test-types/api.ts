// Type-level tests of the public API: `tsc -p tsconfig.json --noEmit` fails if they break.
import { expect } from '@jest/globals';
import { z } from 'zod';
import {
  findPii,
  isContractError,
  loadApiSpec,
  redactPii,
  type ContractErrorCode,
  type PiiCategory,
  type PiiFinding,
} from '@proving-ground/contract-helpers';
import { consumerPact, type PactMockServer } from '@proving-ground/contract-helpers/pact';

declare const response: Response;
declare const injected: { statusCode: number; payload: string; headers: Record<string, string> };

const api = loadApiSpec('openapi.yaml');

// fetch responses are read asynchronously: the matcher returns a promise for them...
const pending: Promise<void> = expect(response).toSatisfyApiSpec(api);
// ...and not for responses that are already read.
const done: void = expect(injected).toSatisfyApiSpec(api, { allow: ['$.meta.*'] });
expect({ a: 1 }).toMatchSchema({ type: 'object' });
expect({ a: 1 }).toMatchSchema(z.object({ a: z.number() }));
expect({ a: 1 }).not.toContainPii({ allow: { paths: ['$.a'], categories: ['email'] } });
expect(injected).toBeProblemDetails({ status: 404, type: 'about:blank' });
// @ts-expect-error: not a PII category
expect({}).not.toContainPii({ categories: ['passport'] });
// @ts-expect-error: a schema, not a string
expect({}).toMatchSchema('Order');
// Undeclared values are printed only when asked for.
expect({ a: 1 }).toMatchSchema({ type: 'object' }, { showUndeclaredValues: true });
const shown: void = expect(injected).toSatisfyApiSpec(api, { showUndeclaredValues: true });

const category: PiiCategory = 'iban';
const findings: PiiFinding[] = findPii({ category });
const redacted: { a: string } = redactPii({ a: 'x' });

const pact = consumerPact({ consumer: 'a', provider: 'b' });
const run: Promise<number> = pact
  .addInteraction()
  .uponReceiving('x')
  .withRequest('GET', '/x')
  .willRespondWith(200)
  .executeTest((server: PactMockServer) => Promise.resolve(server.port));

function check(error: unknown): string | undefined {
  return isContractError(error) ? error.code : undefined;
}

// The codes name their situation; a test hook such as schemaCompileCount is not public API.
const unknownSchema: ContractErrorCode = 'CONTRACT_UNKNOWN_SCHEMA';
// @ts-expect-error: replaced by CONTRACT_MISSING_JEST_GLOBALS
const oldMappingCode: ContractErrorCode = 'CONTRACT_ERROR_MAPPING';
// @ts-expect-error: internal, stripped from the published declarations
export { schemaCompileCount } from '@proving-ground/contract-helpers';

export { pending, done, shown, findings, redacted, run, check, unknownSchema, oldMappingCode };
