import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { isTestModesError, networkGuard } from '../src/index.js';

describe('networkGuard forward()', () => {
  let server: Server;
  let origin: string;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      response.setHeader('content-encoding', 'gzip');
      response.end(gzipSync('from the real server'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('should send the request once, outside the interceptors, and hand back the undecoded response as it streams', async () => {
    // Arrange
    const seenByHandler: string[] = [];
    const remove = networkGuard().addRequestHandler(async (intercepted) => {
      const { request, controller } = intercepted;
      seenByHandler.push(request.url);
      const response = await intercepted.forward();
      seenByHandler.push(response.headers.get('content-encoding') ?? 'none');
      controller.respondWith(response);
    });

    // Act
    const text = await fetch(`${origin}/once`).then((response) => response.text());
    remove();

    // Assert
    expect(text).toBe('from the real server');
    expect(seen).toEqual(['GET /once']);
    expect(seenByHandler).toEqual([`${origin}/once`, 'gzip']);
  });

  it('should apply the host policy: a host the guard blocks is refused with its error', async () => {
    const guard = networkGuard();
    const before = guard.config;
    guard.configure({ ...before, mode: 'golden' });
    try {
      const error = await guard.forward(new Request('http://api.example.com/x')).catch((failure: unknown) => failure);

      expect(isTestModesError(error)).toBe(true);
      expect((error as Error).message).toContain('[test-modes] Blocked GET http://api.example.com/x in golden mode');
      expect(guard.takeViolations()).toHaveLength(1);
    } finally {
      guard.configure(before);
    }
  });
});
