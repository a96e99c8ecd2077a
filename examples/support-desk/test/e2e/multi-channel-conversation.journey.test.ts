import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { answerFaq } from '../../src/faq-knowledge.ts';
import { LLM_UPSTREAM_MODEL, startLlmUpstream, type LlmUpstream } from '../../src/llm-upstream.ts';
import type { ConversationMessage, ConversationMessageEvent } from '../../src/realtime/events.ts';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import type { User } from '../../src/users.ts';
import { openRealtime, realtimeUrl, type RealtimeClient } from '../realtime/realtime-client.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';

const isMessage = (event: { type: string }): event is ConversationMessageEvent => event.type === 'conversation.message';
const messagesOn = (socket: RealtimeClient) => socket.events.filter(isMessage).map((event) => event.message);

describe('multi-channel conversation journey', () => {
  // The assistant's model is the local OpenAI-compatible upstream on 127.0.0.1, streaming its answers.
  let upstream: LlmUpstream;
  let desk: RunningSupportDesk;
  let port: number;
  let tenant: Tenant;
  let carla: User;

  beforeAll(async () => {
    upstream = await startLlmUpstream({ chunkDelayMs: 5 });
    desk = await startSupportDesk({ llm: { baseURL: upstream.baseURL, apiKey: 'local', model: LLM_UPSTREAM_MODEL, maxRetries: 0 } });
    await desk.app.listen({ host: '127.0.0.1', port: 0 });
    port = (desk.app.server.address() as AddressInfo).port;
    tenant = await desk.createTenant('Two Channels Ltd');
    carla = await desk.createUser(tenant.id, { email: 'carla@channels.test', name: 'Carla' });
  });

  afterAll(async () => {
    await desk?.close();
    await upstream?.close();
  });

  const startConversation = async (tenantId: string, userId: string) => {
    const response = await desk.http({
      method: 'POST',
      url: '/conversations',
      headers: { [TENANT_HEADER]: tenantId },
      payload: { userId },
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ id: string; userId: string }>();
  };
  const listMessages = (tenantId: string, conversationId: string) =>
    desk.http({ method: 'GET', url: `/conversations/${conversationId}/messages`, headers: { [TENANT_HEADER]: tenantId } });

  it('should carry one conversation across HTTP and the socket: each question and answer is seen on both channels', async () => {
    // Arrange: Carla has a conversation and her socket open.
    const conversation = await startConversation(tenant.id, carla.id);
    const socket = await openRealtime(realtimeUrl(port, carla.id), tenant.id);
    const overHttp = 'How long does shipping take?';
    const overSocket = 'Can I get a refund for a broken mug?';

    // Act 1: a question over HTTP; the answer comes back on the socket.
    const sent = await desk.http({
      method: 'POST',
      url: `/conversations/${conversation.id}/messages`,
      headers: { [TENANT_HEADER]: tenant.id },
      payload: { text: overHttp },
    });
    await socket.until(() => messagesOn(socket).some((message) => message.author === 'assistant'));

    // Act 2: a question over the socket; the answer is in the HTTP listing.
    socket.send({ type: 'message', conversationId: conversation.id, text: overSocket });
    await socket.until(() => messagesOn(socket).filter((message) => message.author === 'assistant').length === 2);
    const listed = await listMessages(tenant.id, conversation.id);

    // Assert: the HTTP answer to the first question is the stored customer message...
    expect(sent.statusCode).toBe(201);
    const question = sent.json<ConversationMessage>();
    expect(question).toEqual({
      id: expect.any(String),
      conversationId: conversation.id,
      author: 'customer',
      channel: 'http',
      text: overHttp,
      createdAt: expect.any(String),
    });
    // ...the socket saw all four messages in order, the answers from the model (streamed from the upstream)...
    const pushed = messagesOn(socket);
    expect(pushed.map((message) => [message.author, message.channel, message.text])).toEqual([
      ['customer', 'http', overHttp],
      ['assistant', 'http', answerFaq(overHttp)],
      ['customer', 'websocket', overSocket],
      ['assistant', 'websocket', answerFaq(overSocket)],
    ]);
    expect(pushed[0]).toEqual(question);
    // Both answers were streamed whole by the model (not the knowledge-base fallback).
    expect(await Promise.all(upstream.streams.map((stream) => stream.ended))).toEqual(['completed', 'completed']);
    // ...and HTTP lists exactly what the socket saw, whichever channel each message came in on.
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toEqual({ messages: pushed });
    expect(socket.events.filter((event) => event.type === 'error')).toEqual([]);
    await socket.close();
  });

  it('should keep a conversation to its customer and tenant, on either channel', async () => {
    // Arrange: Dan is another customer of the same tenant, with a socket of his own; Olga is another tenant's.
    const dan = await desk.createUser(tenant.id, { email: 'dan@channels.test', name: 'Dan' });
    const other = await desk.createTenant('Other Channels Ltd');
    const carlasConversation = await startConversation(tenant.id, carla.id);
    const carlaSocket = await openRealtime(realtimeUrl(port, carla.id), tenant.id);
    const danSocket = await openRealtime(realtimeUrl(port, dan.id), tenant.id);
    const otherSocket = await openRealtime(realtimeUrl(port), other.id);

    // Act: Dan tries to write into Carla's conversation over his socket; the other tenant reads it over HTTP.
    danSocket.send({ type: 'message', conversationId: carlasConversation.id, text: 'Where is my order?' });
    const refused = await danSocket.waitFor((event) => event.type === 'error');
    const foreignRead = await listMessages(other.id, carlasConversation.id);
    const foreignWrite = await desk.http({
      method: 'POST',
      url: `/conversations/${carlasConversation.id}/messages`,
      headers: { [TENANT_HEADER]: other.id },
      payload: { text: 'Hello?' },
    });
    carlaSocket.send({ type: 'message', conversationId: carlasConversation.id, text: 'Can I cancel an order?' });
    await carlaSocket.until(() => messagesOn(carlaSocket).some((message) => message.author === 'assistant'));
    const carlaReads = await listMessages(tenant.id, carlasConversation.id);

    // Assert
    expect(refused).toMatchObject({ type: 'error', problem: { status: 404, instance: '/realtime' } });
    expect(foreignRead.statusCode).toBe(404);
    expect(foreignWrite.statusCode).toBe(404);
    expect(carlaReads.json<{ messages: ConversationMessage[] }>().messages.map((message) => message.author)).toEqual([
      'customer',
      'assistant',
    ]);
    expect(messagesOn(danSocket)).toEqual([]);
    expect(messagesOn(otherSocket)).toEqual([]);
    await Promise.all([carlaSocket.close(), danSocket.close(), otherSocket.close()]);
  });

  it('should refuse a conversation for a user the tenant does not have, and a blank message', async () => {
    const other = await desk.createTenant('Strangers Ltd');
    const stranger = await desk.createUser(other.id, { email: 'sam@strangers.test', name: 'Sam' });
    const conversation = await startConversation(tenant.id, carla.id);

    const forStranger = await desk.http({
      method: 'POST',
      url: '/conversations',
      headers: { [TENANT_HEADER]: tenant.id },
      payload: { userId: stranger.id },
    });
    const blank = await desk.http({
      method: 'POST',
      url: `/conversations/${conversation.id}/messages`,
      headers: { [TENANT_HEADER]: tenant.id },
      payload: { text: '   ' },
    });

    expect(forStranger.statusCode).toBe(422);
    expect(forStranger.json()).toMatchObject({ type: 'https://support-desk.example/problems/unknown-reference', pointer: '/body/userId' });
    expect(blank.statusCode).toBe(400);
    expect((await listMessages(tenant.id, conversation.id)).json()).toEqual({ messages: [] });
  });
});
