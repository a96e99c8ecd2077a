import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  aliasOrigin,
  isCassettesError,
  namedCassettePath,
  readCassette,
  withCassette,
  type CassetteOptions,
} from '@proving-ground/cassettes';
import { live } from '@proving-ground/test-modes';
import type { RoutedMessage } from '../../src/router/agent-handoffs.ts';
import { IntentRouter } from '../../src/router/intent-router.ts';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import { UPSTREAM_ALIAS } from '../router/routing-cassettes.ts';
import { ROUTING_MODEL } from '../router/routing-model.ts';
import { startRoutingUpstream } from '../router/routing-upstream.ts';
import { buildDesk, openDeskDatabase, type DeskDatabase, type RunningSupportDesk } from '../support-desk.ts';

/** The recorded episode (one conversation, four customer turns, four model calls): `<dir>/<name>.json`. */
const EPISODE_DIR = fileURLToPath(new URL('../../cassettes/test', import.meta.url));
const EPISODE_NAME = 'replay/support-episode';

/** The conversation and the time the episode was recorded with: an exact replay needs both again. */
const RECORDED_CONVERSATION = '7d4f5b7e-3c0a-4a8e-9f1e-2b6c8d0e1a35';
const RECORDED_AT = new Date('2026-01-15T09:30:00.000Z');

const EPISODE = [
  'Hi, how long does shipping take to Germany?',
  "Thanks. Where is my parcel? Order 4512 still hasn't arrived",
  'And I was charged twice for it',
  'Can I talk to a person today?',
];
const RECORDED_INTENTS = ['faq', 'order_status', 'payment_issue', 'human_request'];

/** Turn 2 said otherwise: same meaning, other words. */
const REWORDED_EPISODE = EPISODE.with(1, 'Thanks. Any news on my order 4512? It still has not arrived');

/** A clock that moves one minute per routed message, from `start`. */
function minuteClock(start: Date): () => Date {
  let turns = 0;
  return () => new Date(start.getTime() + 60_000 * turns++);
}

function cassetteOptions(strategy: 'exact' | 'similar' | 'adaptive', mode: CassetteOptions['mode'] = 'replay'): CassetteOptions {
  return {
    mode,
    dir: EPISODE_DIR,
    hosts: [UPSTREAM_ALIAS],
    match: { strategy },
    normalize: { responseJson: { id: 'chatcmpl-recorded', created: 0 } },
  };
}

describe('episode replay', () => {
  let db: DeskDatabase;
  let tenant: Tenant;
  let userId: string;
  let desk: RunningSupportDesk | undefined;

  beforeAll(async () => {
    db = await openDeskDatabase();
    const setup = await buildDesk(db.database);
    tenant = await setup.createTenant('Episode Mugs');
    userId = (await setup.createUser(tenant.id, { email: 'eve@episode.test', name: 'Eve' })).id;
    await setup.close();
  });

  afterEach(async () => {
    await desk?.close();
    desk = undefined;
    // The next episode starts over in a conversation of the same id.
    await db.database.withTenant(tenant.id, (sql) => sql.query('DELETE FROM conversations WHERE id = $1', [RECORDED_CONVERSATION]));
  });

  afterAll(async () => {
    await db?.close();
  });

  /**
   * Play `turns` through the API in a new conversation (`conversationId`), routed by a model at
   * `baseURL` whose prompts carry the time of `clock`; resolves with each turn's answer.
   */
  async function playEpisode(turns: readonly string[], conversationId: string, clock: () => Date, baseURL = `${UPSTREAM_ALIAS}/v1`) {
    const router = new IntentRouter({ llm: { baseURL, apiKey: 'local-upstream-key', model: ROUTING_MODEL, maxRetries: 0 }, now: clock });
    desk = await buildDesk(db.database, { router });
    await db.database.withTenant(tenant.id, (sql) =>
      sql.query('INSERT INTO conversations (tenant_id, id, user_id) VALUES ($1, $2, $3)', [tenant.id, conversationId, userId]),
    );
    const answers: RoutedMessage[] = [];
    for (const text of turns) {
      const response = await desk.app.inject({
        method: 'POST',
        url: `/conversations/${conversationId}/route`,
        headers: { [TENANT_HEADER]: tenant.id },
        payload: { text },
      });
      expect(response.statusCode).toBe(200);
      answers.push(response.json<RoutedMessage>());
    }
    return answers;
  }

  /** Replay `turns` under `strategy`; resolves with the answers, or with the cassette's refusal. */
  async function replay(strategy: 'exact' | 'similar' | 'adaptive', turns: readonly string[], conversationId: string, clock: () => Date) {
    let answers: RoutedMessage[] = [];
    try {
      await withCassette(
        EPISODE_NAME,
        async () => {
          answers = await playEpisode(turns, conversationId, clock);
        },
        cassetteOptions(strategy),
      );
      return { answers, refusal: undefined };
    } catch (error) {
      return { answers, refusal: error as Error };
    }
  }

  const sources = (answers: RoutedMessage[]) => answers.map((answer) => answer.source);
  const intents = (answers: RoutedMessage[]) => answers.map((answer) => answer.intent);

  // Records the cassette: runs only in live_smoke (skipped with the reason in mock and golden, which replay it).
  live.it('should record the episode through the API from the local routing upstream', async () => {
    const upstream = await startRoutingUpstream();
    aliasOrigin(new URL(upstream.baseURL).origin, UPSTREAM_ALIAS);
    try {
      // Records under TEST_RECORD=missing or all; without it, the episode runs live and nothing is written.
      const answers = await withCassette(
        EPISODE_NAME,
        () => playEpisode(EPISODE, RECORDED_CONVERSATION, minuteClock(RECORDED_AT), upstream.baseURL),
        cassetteOptions('exact', 'auto'),
      );
      expect(intents(answers)).toEqual(RECORDED_INTENTS);
    } finally {
      await upstream.close();
    }
  });

  it('should hold one model call per customer turn, each naming the recorded conversation and time', () => {
    const cassette = readCassette(namedCassettePath(EPISODE_NAME, EPISODE_DIR))!;

    const contexts = cassette.interactions.map((interaction) => {
      const body = (interaction.request.body as { json: { messages: { content: string }[] } }).json;
      return body.messages[1]!.content;
    });

    expect(contexts).toEqual(
      EPISODE.map(
        (_text, index) =>
          `Conversation ${RECORDED_CONVERSATION}, customer message ${index + 1}, received at ${new Date(RECORDED_AT.getTime() + 60_000 * index).toISOString()}.`,
      ),
    );
  });

  it('should replay the recorded episode under exact matching when the conversation and the clock are the same', async () => {
    const { answers, refusal } = await replay('exact', EPISODE, RECORDED_CONVERSATION, minuteClock(RECORDED_AT));

    expect(refusal).toBeUndefined();
    expect(sources(answers)).toEqual(['llm', 'llm', 'llm', 'llm']);
    expect(intents(answers)).toEqual(RECORDED_INTENTS);
    expect(answers[2]!.handoff).toMatchObject({ queue: 'billing', conversationId: RECORDED_CONVERSATION });
    expect(answers[3]!.handoff).toEqual(answers[2]!.handoff);
  });

  it('should refuse a new conversation id and time under exact matching, naming the field that differs', async () => {
    const { answers, refusal } = await replay('exact', EPISODE, randomUUID(), minuteClock(new Date()));

    // The service still answered every turn, from its keyword rules: the cassette's refusal is what fails.
    expect(sources(answers)).toEqual(['rules', 'rules', 'rules', 'rules']);
    expect(isCassettesError(refusal) || refusal instanceof AggregateError).toBe(true);
    expect(refusal?.message).toMatch(
      /Failed to replay "POST http:\/\/llm-router\.cassettes\.test\/v1\/chat\/completions".*no recorded interaction matches/,
    );
    expect(refusal?.message).toContain(`body.messages[1].content: recorded "Conversation ${RECORDED_CONVERSATION}, customer message 1`);
  });

  it('should replay a new conversation id and time under similar matching', async () => {
    const { answers, refusal } = await replay('similar', EPISODE, randomUUID(), minuteClock(new Date()));

    expect(refusal).toBeUndefined();
    expect(sources(answers)).toEqual(['llm', 'llm', 'llm', 'llm']);
    expect(intents(answers)).toEqual(RECORDED_INTENTS);
  });

  it('should refuse a reworded customer turn under similar matching', async () => {
    const { answers, refusal } = await replay('similar', REWORDED_EPISODE, randomUUID(), minuteClock(new Date()));

    expect(sources(answers)).toEqual(['llm', 'rules', 'llm', 'llm']);
    expect(refusal?.message).toMatch(/no recorded interaction matches/);
    expect(refusal?.message).toContain('body.messages[2].content: recorded "Thanks. Where is my parcel?');
  });

  it('should replay a reworded customer turn under adaptive matching, from the nearest recording, with a warning', async () => {
    const warnings: string[] = [];
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      warnings.push(String(chunk));
      return true;
    });
    let result: Awaited<ReturnType<typeof replay>>;
    try {
      result = await replay('adaptive', REWORDED_EPISODE, randomUUID(), minuteClock(new Date()));
    } finally {
      stderr.mockRestore();
    }

    expect(result.refusal).toBeUndefined();
    expect(sources(result.answers)).toEqual(['llm', 'llm', 'llm', 'llm']);
    // Turn 2 got the answer recorded for turn 2, not for a neighbour: the turn number in the prompt tells them apart.
    expect(intents(result.answers)).toEqual(RECORDED_INTENTS);
    const adaptive = warnings.filter((warning) => warning.includes('adaptive matching'));
    expect(adaptive).toHaveLength(1);
    expect(adaptive[0]).toContain('body.messages[2].content: "Thanks. Where is my parcel?');
  });
});
