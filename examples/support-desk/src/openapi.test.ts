import { describe, expect, it } from '@jest/globals';
import { buildApp } from './app.ts';
import type { Database } from './database.ts';
import { FaqAssistant } from './faq.ts';
import { readOpenApiDocument } from './openapi.ts';
import { PaymentsProvider } from './payments-provider.ts';
import { PROBLEM_KINDS } from './problems.ts';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every route the app serves, as `METHOD /openapi/{template}`. */
async function servedRoutes(): Promise<string[]> {
  const routes: string[] = [];
  const database = {} as Database; // routes are registered, never called
  const app = buildApp({
    database,
    assistant: new FaqAssistant({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'unused' }),
    payments: new PaymentsProvider({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'unused' }),
  });
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push(`${method} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
    }
  });
  await app.ready();
  await app.close();
  return routes.sort();
}

describe('openapi.yaml', () => {
  it('should document exactly the routes the app serves', async () => {
    // Arrange
    const document = readOpenApiDocument();

    // Act
    const documented = Object.entries(document.paths)
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((key) => HTTP_METHODS.includes(key))
          .map((method) => `${method.toUpperCase()} ${path}`),
      )
      .sort();

    // Assert
    expect(documented).toEqual(await servedRoutes());
  });

  it('should document every problem status the service can answer', () => {
    // Arrange
    const document = readOpenApiDocument();
    const documentedStatuses = new Set(
      Object.values(document.paths).flatMap((item) =>
        Object.values(item).flatMap((operation) => Object.keys((operation as { responses?: object }).responses ?? {})),
      ),
    );

    // Act
    const undocumented = Object.entries(PROBLEM_KINDS)
      .filter(([, kind]) => !documentedStatuses.has(String(kind.status)))
      .map(([name]) => name);

    // Assert
    expect(undocumented).toEqual([]);
  });
});
