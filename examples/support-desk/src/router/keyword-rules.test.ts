import { describe, expect, it } from '@jest/globals';
import { handoffQueueFor } from './intents.ts';
import { classifyByKeywords } from './keyword-rules.ts';

describe('classifyByKeywords', () => {
  it.each([
    ['I was charged twice for my order', 'payment_issue'],
    ['Let me talk to a human', 'human_request'],
    ['This is unacceptable, the mug arrived broken', 'complaint'],
    ['We need a quote for 500 mugs for our company', 'sales_lead'],
    ['Where is my parcel?', 'order_status'],
    ["I'd like to order two mugs", 'place_order'],
    ['How long does shipping take?', 'faq'],
  ])('should route %j to %s', (text, intent) => {
    expect(classifyByKeywords(text).intent).toBe(intent);
  });

  it('should route a text no rule knows to other, with a confidence low enough to hand it to a person', () => {
    const decision = classifyByKeywords('qwertyuiop');

    expect(decision).toEqual({ intent: 'other', confidence: 0.2 });
    expect(handoffQueueFor(decision, 0.5)).toBe('customer_care');
  });

  it('should route a complaint about a parcel as a complaint, not as tracking', () => {
    expect(classifyByKeywords('Terrible! My parcel is damaged').intent).toBe('complaint');
  });

  it('should read typographic apostrophes and full-width letters like plain ones', () => {
    expect(classifyByKeywords('I’d like to order a mug').intent).toBe('place_order');
    expect(classifyByKeywords('ＷＨＥＲＥ ＩＳ my parcel').intent).toBe('order_status');
  });
});

describe('handoffQueueFor', () => {
  it('should send payments to billing, leads to sales, complaints and requests for a person to customer care', () => {
    expect(handoffQueueFor({ intent: 'payment_issue', confidence: 0.9 }, 0.5)).toBe('billing');
    expect(handoffQueueFor({ intent: 'sales_lead', confidence: 0.9 }, 0.5)).toBe('sales');
    expect(handoffQueueFor({ intent: 'complaint', confidence: 0.9 }, 0.5)).toBe('customer_care');
    expect(handoffQueueFor({ intent: 'human_request', confidence: 0.9 }, 0.5)).toBe('customer_care');
  });

  it('should let the bot answer a confident FAQ, and escalate an unsure one', () => {
    expect(handoffQueueFor({ intent: 'faq', confidence: 0.5 }, 0.5)).toBeUndefined();
    expect(handoffQueueFor({ intent: 'faq', confidence: 0.49 }, 0.5)).toBe('customer_care');
  });
});
