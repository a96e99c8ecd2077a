import { describe, expect, it } from '@jest/globals';
import type { TestModesError } from '../errors.js';
import { defaultServiceEnvironment, defineService } from './define-service.js';
import { upperSnake } from './options.js';
import { createPostgresService } from './postgres-service.js';

describe('upperSnake', () => {
  it('should turn service names into environment variable stems', () => {
    expect([upperSnake('postgres'), upperSnake('myCache'), upperSnake('object-store'), upperSnake('queue_2')]).toEqual([
      'POSTGRES',
      'MY_CACHE',
      'OBJECT_STORE',
      'QUEUE_2',
    ]);
  });
});

describe('defineService options', () => {
  it('should report every problem of a definition at once, by option name', () => {
    // Arrange
    const options = { contianer: () => Promise.resolve({}), embedded: 'pglite', url: 'postgres://127.0.0.1/app' } as never;

    // Act
    const error = (() => {
      try {
        defineService('', options);
      } catch (caught) {
        return caught as TestModesError;
      }
      throw new Error('expected defineService to throw');
    })();

    // Assert
    expect(error.code).toBe('TEST_MODES_INVALID_SERVICE');
    expect(error.message).toMatch(/^\[test-modes\] Failed to define a service: 4 problems\./);
    expect(error.message).toContain('- name: expected a non-empty name');
    expect(error.message).toContain('- contianer: unknown option. Did you mean "container"?');
    expect(error.message).toContain('- embedded: expected a function returning a promise of { url, stop }, got "pglite".');
    expect(error.message).toContain(
      '- url: expected the name of an environment variable (letters, digits and "_"), got "postgres://127.0.0.1/app"; to hard-code a URL, pass a function',
    );
  });
});

describe('createPostgresService options', () => {
  it('should report every invalid preset option at once', () => {
    // Arrange
    const options = { image: 'postgres 17', maxConnection: 5, container: 'no' } as never;

    // Act
    const act = (): unknown => createPostgresService(options, defaultServiceEnvironment);

    // Assert
    expect(act).toThrow(
      [
        '[test-modes] Failed to define service "postgres": 3 problems.',
        '- image: expected an image reference such as "postgres:18-alpine", got "postgres 17".',
        '- maxConnection: unknown option. Did you mean "maxConnections"? Known options: name, url, image, container, maxConnections.',
        '- container: expected true or false, got "no".',
      ].join('\n'),
    );
  });
});
