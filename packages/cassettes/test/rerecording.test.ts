import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isCassettesError, readCassette, withCassette, type CassetteOptions } from '../src/index.js';
import { startScriptedServer, type ScriptedServer } from './fixtures/scripted-server.js';
import { stderrOf, failureOf } from './outcomes.js';

const tmpRoot = resolve(import.meta.dirname, '..', '.tmp');
mkdirSync(tmpRoot, { recursive: true });
const dir = mkdtempSync(join(tmpRoot, 'rerecording-'));
const cassette = (name: string): string => join(dir, `${name}.json`);

let server: ScriptedServer;
let hits = 0;
const base = (): CassetteOptions => ({ aliases: { [server.origin]: 'http://rerecording.local.test' } });
const get = async (path: string): Promise<unknown> => (await fetch(`${server.origin}${path}`)).json();

beforeAll(async () => {
  server = await startScriptedServer(({ request, response }) => {
    hits += 1;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ path: request.url, hit: hits }));
  });
});

afterEach(() => {
  jest.restoreAllMocks();
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('record-missing', () => {
  it('should give a request recorded again next to its earlier recording a new id, unique and the same as a full recording gives', async () => {
    // Arrange
    const missing = cassette('ids-missing');
    const full = cassette('ids-full');
    await withCassette(missing, () => get('/x'), { ...base(), mode: 'record-all' });

    // Act
    await withCassette(
      missing,
      async () => {
        await get('/x');
        await get('/x');
      },
      { ...base(), mode: 'record-missing' },
    );
    await withCassette(
      full,
      async () => {
        await get('/x');
        await get('/x');
      },
      { ...base(), mode: 'record-all' },
    );

    // Assert
    const ids = readCassette(missing)!.interactions.map((interaction) => interaction.id);
    expect(new Set(ids).size).toBe(2);
    expect(ids).toEqual(readCassette(full)!.interactions.map((interaction) => interaction.id));
  });

  it('should warn about recorded interactions the test no longer calls, and fail with strict', async () => {
    // Arrange
    const path = cassette('unused-missing');
    await withCassette(
      path,
      async () => {
        await get('/kept');
        await get('/gone');
      },
      { ...base(), mode: 'record-all' },
    );

    // Act
    const { stderr } = await stderrOf(() => withCassette(path, () => get('/kept'), { ...base(), mode: 'record-missing' }));
    const error = await failureOf(() => withCassette(path, () => get('/kept'), { ...base(), mode: 'record-missing', strict: true }));

    // Assert
    expect(stderr).toContain('1 recorded interaction(s)');
    expect(stderr).toContain('GET http://rerecording.local.test/gone');
    expect(isCassettesError(error) && error.code).toBe('CASSETTES_UNUSED_INTERACTIONS');
  });
});

describe('record-all over a cassette it cannot read', () => {
  it('should refuse a cassette of a newer format version, naming it and what to do, and leave it as it is', async () => {
    // Arrange
    const path = cassette('future');
    const future = `${JSON.stringify({ version: 99, recordedAt: '2030-01-01T00:00:00.000Z', recordedWith: 'x', interactions: [] })}\n`;
    writeFileSync(path, future);

    // Act
    const error = await failureOf(() => withCassette(path, () => get('/x'), { ...base(), mode: 'record-all' }));

    // Assert
    expect(isCassettesError(error) && error.code).toBe('CASSETTES_UNSUPPORTED_VERSION');
    expect(error.message).toMatch(/^\[cassettes\] Failed to read cassette .*future\.json: it has format version 99/);
    expect(error.message).toContain('delete it');
    expect(readFileSync(path, 'utf8')).toBe(future);
  });

  it('should refuse a truncated cassette, naming it and what to do, and leave it as it is', async () => {
    // Arrange
    const path = cassette('truncated');
    writeFileSync(path, '{"version": 2, "interac');

    // Act
    const error = await failureOf(() => withCassette(path, () => get('/x'), { ...base(), mode: 'record-all' }));

    // Assert
    expect(isCassettesError(error) && error.code).toBe('CASSETTES_CORRUPT_CASSETTE');
    expect(error.message).toMatch(/^\[cassettes\] Failed to read cassette .*truncated\.json: it is not valid JSON/);
    expect(error.message).toContain('git checkout --');
    expect(readFileSync(path, 'utf8')).toBe('{"version": 2, "interac');
  });
});

describe('maxAge', () => {
  it('should give the age of a cassette a little older than maxAge in hours', async () => {
    // Arrange
    const path = cassette('hours-old');
    await withCassette(path, () => get('/x'), { ...base(), mode: 'record-all' });
    const recorded = JSON.parse(readFileSync(path, 'utf8')) as { recordedAt: string };
    recorded.recordedAt = new Date(Date.now() - 13 * 3_600_000 - 60_000).toISOString();
    writeFileSync(path, JSON.stringify(recorded));

    // Act
    const { stderr } = await stderrOf(() => withCassette(path, () => get('/x'), { ...base(), mode: 'replay', maxAge: '12h' }));

    // Assert
    expect(stderr).toMatch(/was recorded 13 hours ago \(.*\), beyond maxAge 12h\./);
  });
});
