import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import axios from 'axios';
import Fastify, { type FastifyInstance } from 'fastify';
import request from 'supertest';
import { contractMatchers, loadApiSpec, type ApiSpec } from '../src/index.js';

expect.extend(contractMatchers);

const problem = { $ref: '#/components/schemas/Problem' };
const problemSchema = {
  type: 'object',
  properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } },
  required: ['type', 'title', 'status'],
};
const fileParameter = { name: 'name', in: 'path', required: true, schema: { type: 'string' } };

function document(version: '3.0.3' | '3.1.0', file: Record<string, unknown>): Record<string, unknown> {
  return {
    openapi: version,
    info: { title: 'files', version: '1' },
    paths: {
      '/files/{name}': {
        parameters: [fileParameter],
        get: {
          responses: {
            '200': {
              description: 'a file',
              content: { 'application/json; charset=utf-8': { schema: { $ref: '#/components/schemas/File' } } },
            },
            '4XX': { description: 'client error', content: { 'application/problem+json': { schema: problem } } },
            default: { description: 'error', content: { 'application/problem+json': { schema: problem } } },
          },
        },
        delete: { responses: { '204': { description: 'deleted' } } },
      },
    },
    components: { schemas: { File: file, Problem: problemSchema } },
  };
}

// OpenAPI 3.0: nullable and boolean exclusiveMinimum; 3.1: type arrays with null and numeric exclusiveMinimum.
const api30 = loadApiSpec(
  document('3.0.3', {
    type: 'object',
    properties: {
      name: { type: 'string' },
      size: { type: 'integer', minimum: 0, exclusiveMinimum: true },
      owner: { type: 'string', nullable: true },
    },
    required: ['name', 'size', 'owner'],
  }),
  { name: 'files-3.0.yaml' },
);
const api31 = loadApiSpec(
  document('3.1.0', {
    type: 'object',
    properties: { name: { type: 'string' }, size: { type: 'integer', exclusiveMinimum: 0 }, owner: { type: ['string', 'null'] } },
    required: ['name', 'size', 'owner'],
  }),
  { name: 'files-3.1.yaml' },
);

function buildApp(): FastifyInstance {
  const app = Fastify();
  app.get<{ Params: { name: string } }>('/files/:name', async (req, reply) => {
    const { name } = req.params;
    if (name === 'missing') {
      return reply.code(404).type('application/problem+json').send({ type: 'about:blank', title: 'Not Found', status: 404 });
    }
    if (name === 'broken')
      return reply.code(503).type('application/problem+json').send({ type: 'about:blank', title: 'Down', status: 503 });
    if (name === 'empty') return reply.code(200).type('application/json; charset=utf-8').send({ name, size: 0, owner: null });
    if (name === 'leaky') return reply.code(200).type('application/json; charset=utf-8').send({ name, size: 1, owner: null, path: '/srv' });
    if (name === 'text') return reply.code(200).type('text/plain').send('hello');
    if (name === 'teapot') return reply.code(302).header('location', '/x').send();
    return reply
      .code(200)
      .type('application/json; charset=utf-8')
      .send({ name, size: 12, owner: name.startsWith('a') ? 'ann' : null });
  });
  return app;
}

describe('toSatisfyApiSpec across OpenAPI versions and clients', () => {
  let app: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    app = buildApp();
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
  });

  it.each<[string, ApiSpec]>([
    ['3.0', api30],
    ['3.1', api31],
  ])('should accept null owners and reject a zero size under OpenAPI %s', async (_version, api) => {
    const withOwner = await app.inject({ method: 'GET', url: '/files/a.txt' });
    const withoutOwner = await app.inject({ method: 'GET', url: '/files/b.txt' });
    const zeroSize = await app.inject({ method: 'GET', url: '/files/empty' });

    expect(withOwner).toSatisfyApiSpec(api);
    expect(withoutOwner).toSatisfyApiSpec(api);
    expect(() => expect(zeroSize).toSatisfyApiSpec(api)).toThrow(/\$\.size: must be > 0/);
  });

  it('should match path parameters holding dots and percent-encoded characters with every client', async () => {
    const names = ['report.v2.final.pdf', 'a%25b', 'a%2Fb', '%E2%82%AC-plan'];
    const malformed = {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: { name: '100%', size: 1, owner: null },
      method: 'GET',
      path: '/files/100%',
    };

    for (const name of names) {
      const url = `/files/${name}`;
      await expect(await fetch(`${baseUrl}${url}`)).toSatisfyApiSpec(api31, { method: 'GET' });
      expect(await axios.get(`${baseUrl}${url}`)).toSatisfyApiSpec(api31);
      expect(await request(app.server).get(url)).toSatisfyApiSpec(api31);
      expect(await app.inject({ method: 'GET', url })).toSatisfyApiSpec(api31);
    }
    expect(malformed).toSatisfyApiSpec(api31);
    expect(api31.findOperation('GET', '/files/a%2Fb.tar.gz')?.pathParams).toEqual({ name: 'a/b.tar.gz' });
  });

  it('should reject an undeclared field with fetch, axios, supertest and inject alike', async () => {
    const url = '/files/leaky';
    const clients = [
      await fetch(`${baseUrl}${url}`),
      await axios.get(`${baseUrl}${url}`),
      await request(app.server).get(url),
      await app.inject({ method: 'GET', url }),
    ];

    for (const response of clients) {
      await expect(Promise.resolve().then(() => expect(response).toSatisfyApiSpec(api31))).rejects.toThrow(
        /\$\.path: extra field "path" is not declared/,
      );
    }
  });

  it('should use the 4XX range and default responses with problem+json, and check the media type with its charset', async () => {
    const notFound = await app.inject({ method: 'GET', url: '/files/missing' });
    const down = await app.inject({ method: 'GET', url: '/files/broken' });
    const text = await app.inject({ method: 'GET', url: '/files/text' });

    expect(notFound).toSatisfyApiSpec(api31);
    expect(notFound).toBeProblemDetails({ status: 404, type: 'about:blank' });
    expect(down).toSatisfyApiSpec(api31);
    expect(() => expect(text).toSatisfyApiSpec(api31)).toThrow(
      'content-type text/plain is not declared for GET /files/{name} 200 (declared: application/json; charset=utf-8)',
    );
  });

  it('should list what is documented when the status or the operation is not', async () => {
    const redirect = await app.inject({ method: 'GET', url: '/files/teapot' });
    const posted = { status: 201, headers: {}, body: undefined, method: 'POST', path: '/files/x' };
    const strayPath = { status: 200, headers: {}, body: undefined, method: 'GET', path: '/filez/x' };
    const onlyRanges = loadApiSpec(
      {
        openapi: '3.1.0',
        info: { title: 'r', version: '1' },
        paths: { '/ping': { get: { responses: { '200': { description: 'ok' }, '5XX': { description: 'down' } } } } },
      },
      { name: 'ping.yaml' },
    );

    expect(() => expect(redirect).toSatisfyApiSpec(onlyRanges, { path: '/ping' })).toThrow(
      'status 302 is not documented for GET /ping (documented: 200, 5XX)',
    );
    expect(() => expect(posted).toSatisfyApiSpec(api31)).toThrow(
      'POST /files/x is not an operation of files-3.1.yaml (it documents GET, DELETE there)',
    );
    expect(() => expect(strayPath).toSatisfyApiSpec(api31)).toThrow(
      'GET /filez/x is not an operation of files-3.1.yaml (did you mean /files/{name}?)',
    );
  });
});
