import { describe, expect, it } from '@jest/globals';
import { requestFacts, targetMatcher } from './target.js';

describe('requestFacts', () => {
  it.each([
    ['http://127.0.0.1:8080/a/b?x=1#f', { hostname: '127.0.0.1', host: '127.0.0.1:8080', path: '/a/b' }],
    ['https://[::1]:3000/p', { hostname: '[::1]', host: '[::1]:3000', path: '/p' }],
    ['https://API.Example.com?q=1', { hostname: 'api.example.com', host: 'api.example.com', path: '/' }],
    ['https://api.example.com:443/v1/chat', { hostname: 'api.example.com', host: 'api.example.com', path: '/v1/chat' }],
  ])('should read %s as new URL() does', (url, expected) => {
    const facts = requestFacts(new Request(url));
    const parsed = new URL(url);

    expect({ hostname: facts.hostname, host: facts.host, path: facts.path }).toEqual(expected);
    expect([facts.hostname, facts.host, facts.path]).toEqual([parsed.hostname, parsed.host, parsed.pathname]);
  });
});

describe('targetMatcher', () => {
  const facts = (url: string, init?: RequestInit) => requestFacts(new Request(url, init));

  it('should match a host wildcard, any case, and a host with its port', () => {
    expect(targetMatcher({ host: '*.OpenAI.com' })(facts('https://api.openai.com/v1'))).toBe(true);
    expect(targetMatcher({ host: 'localhost:3000' })(facts('http://localhost:3000/'))).toBe(true);
    expect(targetMatcher({ host: 'localhost:3000' })(facts('http://localhost:4000/'))).toBe(false);
  });

  it('should let * in a path cross slashes, as msw does, and keep the case of paths', () => {
    expect(targetMatcher({ path: '/v1/*' })(facts('https://a.test/v1/chat/completions'))).toBe(true);
    expect(targetMatcher({ path: '/V1/*' })(facts('https://a.test/v1/chat'))).toBe(false);
  });

  it('should reuse a global RegExp without carrying lastIndex between requests', () => {
    const matches = targetMatcher({ path: /orders/g });

    expect([matches(facts('https://a.test/orders')), matches(facts('https://a.test/orders'))]).toEqual([true, true]);
  });
});
