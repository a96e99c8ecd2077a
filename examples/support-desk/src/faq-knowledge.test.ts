import { describe, expect, it } from '@jest/globals';
import { answerFaq, FALLBACK_ANSWER, FAQ_ENTRIES, findFaqEntry } from './faq-knowledge.ts';

describe('findFaqEntry', () => {
  it.each([
    ['Can I get my money back?', 'refunds'],
    ['When will my parcel arrive?', 'shipping'],
    ['I want to cancel order 42', 'cancellation'],
    ['Why is the total price so high?', 'totals'],
    ['How do I invite a colleague?', 'account'],
  ])('should match "%s" to %s', (question, id) => {
    expect(findFaqEntry(question)?.id).toBe(id);
  });

  it('should prefer the entry with the most matching keywords', () => {
    expect(findFaqEntry('Do I get a refund if the parcel is returned before delivery? It was shipped to the wrong address')?.id).toBe(
      'shipping',
    );
  });

  it('should match its own questions', () => {
    expect(FAQ_ENTRIES.map((entry) => findFaqEntry(entry.question)?.id)).toEqual(FAQ_ENTRIES.map((entry) => entry.id));
  });
});

describe('answerFaq', () => {
  it('should fall back when nothing matches', () => {
    expect(answerFaq('What is the airspeed velocity of an unladen swallow?')).toBe(FALLBACK_ANSWER);
  });
});
