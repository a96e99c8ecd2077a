// Type-level tests for the matchers on the global `expect` (@types/jest's `jest.Matchers`), and misuse.
import { expect } from '@jest/globals';
import type { ApiSpec } from '@proving-ground/contract-helpers';

declare const api: ApiSpec;
declare const fetched: Response;
declare const injected: { statusCode: number; payload: string; headers: Record<string, string> };
// The shape @types/jest gives the global expect's matchers: declared by the package for both.
declare const globalMatchers: jest.Matchers<void, typeof injected>;
declare const globalFetchMatchers: jest.Matchers<void, Response>;

globalMatchers.toMatchSchema({ type: 'object' }, { allow: ['$.meta.*'] });
globalMatchers.toSatisfyApiSpec(api);
globalMatchers.toBeProblemDetails({ status: 404 });
globalMatchers.toContainPii({ categories: ['email'] });
const awaited: Promise<void> = globalFetchMatchers.toSatisfyApiSpec(api);

// @ts-expect-error: an allow-list is a list of JSONPath strings
globalMatchers.toMatchSchema({ type: 'object' }, { allow: '$.meta' });
// @ts-expect-error: toSatisfyApiSpec needs loadApiSpec()'s result, not a raw document
expect(injected).toSatisfyApiSpec({ openapi: '3.1.0' });
// @ts-expect-error: status is a number
expect(injected).toBeProblemDetails({ status: '404' });
// @ts-expect-error: a fetch Response's assertion is a promise and must be awaited, not used as void
const notAwaited: void = expect(fetched).toBeProblemDetails();
// @ts-expect-error: unknown option
expect({}).toMatchSchema({}, { strictness: true });

export { awaited, notAwaited };
