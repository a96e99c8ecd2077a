import { describe, expect, it } from '@jest/globals';
import { checkPactAgainstSpec, contractMatchers, loadApiSpec, type SchemaOptions } from '../src/index.js';

expect.extend(contractMatchers);

const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const CARD_NUMBER = '5555555555554444';

/** A user as a service leaks it: declared `id`, then fields the schema never promised. */
const leakyUser = {
  id: 1,
  card: { number: CARD_NUMBER },
  aws_secret_access_key: AWS_SECRET,
  credentials: { user: 'svc-orders', value: 'tr0ub4dor&3' },
  dob: '1990-04-12',
  note: 'hello',
};
const userSchema = { type: 'object', properties: { id: { type: 'integer' } } };

function failureMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the matcher to fail');
}

function schemaFailure(value: unknown, schema: Record<string, unknown>, options?: SchemaOptions): string {
  return failureMessage(() => expect(value).toMatchSchema(schema, options));
}

/** Whether `message` holds any 6-character run of `secret` (a partial leak is a leak). */
function leaksPartOf(message: string, secret: string): boolean {
  for (let start = 0; start + 6 <= secret.length; start++) if (message.includes(secret.slice(start, start + 6))) return true;
  return false;
}

describe('toMatchSchema with undeclared fields', () => {
  it('should print the type and size of each undeclared field, not its value', () => {
    const message = schemaFailure(leakyUser, userSchema);

    expect(message).toContain('$.card: extra field "card" is not declared (object, 1 key)');
    expect(message).toContain('$.aws_secret_access_key: extra field "aws_secret_access_key" is not declared (string, 40 characters)');
    expect(message).toContain('$.credentials: extra field "credentials" is not declared (object, 2 keys)');
    expect(message).toContain('$.dob: extra field "dob" is not declared (string, 10 characters)');
    expect(message).toContain('$.note: extra field "note" is not declared (string, 5 characters)');
    expect(leaksPartOf(message, CARD_NUMBER)).toBe(false);
    expect(leaksPartOf(message, AWS_SECRET)).toBe(false);
    expect(message).not.toContain('svc-orders');
    expect(message).not.toContain('1990-04-12');
  });

  it('should print the sizes of arrays, numbers, booleans and null', () => {
    const message = schemaFailure({ id: 1, tags: ['a', 'b', 'c'], pin: 4321, admin: true, parent: null }, userSchema);

    expect(message).toContain('$.tags: extra field "tags" is not declared (array, 3 items)');
    expect(message).toContain('$.pin: extra field "pin" is not declared (number, 4 digits)');
    expect(message).toContain('$.admin: extra field "admin" is not declared (boolean)');
    expect(message).toContain('$.parent: extra field "parent" is not declared (null)');
    expect(message).not.toContain('4321');
  });

  it('should print the values with showUndeclaredValues, masking personal data and anything under a secret-sounding key', () => {
    const message = schemaFailure(leakyUser, userSchema, { showUndeclaredValues: true });

    expect(message).toContain('$.note: extra field "note" is not declared (value "hello")');
    expect(message).toContain('$.dob: extra field "dob" is not declared (value "****-**-**")');
    expect(message).toContain('$.aws_secret_access_key: extra field "aws_secret_access_key" is not declared (value ');
    expect(message).toContain('$.credentials: extra field "credentials" is not declared (value ');
    expect(leaksPartOf(message, CARD_NUMBER)).toBe(false);
    expect(leaksPartOf(message, AWS_SECRET)).toBe(false);
    expect(message).not.toContain('tr0ub4dor');
  });

  it('should mask a declared value under a secret-sounding key, at any depth, when it breaks the schema', () => {
    const schema = {
      type: 'object',
      properties: {
        aws_secret_access_key: { type: 'integer' },
        credentials: { type: 'object', properties: { value: { type: 'integer' } } },
      },
    };

    const message = schemaFailure({ aws_secret_access_key: AWS_SECRET, credentials: { value: 'tr0ub4dor&3' } }, schema);

    expect(message).toContain('$.aws_secret_access_key: must be integer');
    expect(message).toContain('$.credentials.value: must be integer');
    expect(leaksPartOf(message, AWS_SECRET)).toBe(false);
    expect(message).not.toContain('tr0ub4dor');
  });
});

const api = loadApiSpec(new URL('fixtures/orders-api.yaml', import.meta.url).pathname);

describe('toSatisfyApiSpec with undeclared fields', () => {
  it('should print the type and size of an undeclared body field by default, and its masked value when asked', () => {
    // Arrange
    const response = {
      status: 200,
      method: 'GET',
      path: '/v1/orders/1',
      headers: { 'content-type': 'application/json' },
      body: { id: 1, sku: 'A-1', quantity: 2, status: 'open', card: { number: CARD_NUMBER } },
    };

    // Act
    const hidden = failureMessage(() => expect(response).toSatisfyApiSpec(api));
    const shown = failureMessage(() => expect(response).toSatisfyApiSpec(api, { showUndeclaredValues: true }));

    // Assert
    expect(hidden).toContain('$.card: extra field "card" is not declared (object, 1 key)');
    expect(shown).toContain('$.card: extra field "card" is not declared (value ');
    expect(leaksPartOf(`${hidden}\n${shown}`, CARD_NUMBER)).toBe(false);
  });
});

describe('checkPactAgainstSpec with undeclared fields', () => {
  it('should print the type and size of an undeclared response field', () => {
    const pact = {
      consumer: { name: 'web' },
      provider: { name: 'orders' },
      interactions: [
        {
          description: 'an order',
          request: { method: 'GET', path: '/v1/orders/1' },
          response: {
            status: 200,
            headers: { 'Content-Type': 'application/json' },
            body: { id: 1, sku: 'A-1', quantity: 2, status: 'open', aws_secret_access_key: AWS_SECRET },
          },
        },
      ],
    };

    const report = checkPactAgainstSpec(pact, api);

    expect(report.problems.map((problem) => problem.message)).toContain(
      '$.aws_secret_access_key: extra field "aws_secret_access_key" is not declared (string, 40 characters)',
    );
    expect(leaksPartOf(JSON.stringify(report), AWS_SECRET)).toBe(false);
  });
});
