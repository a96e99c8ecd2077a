import type { Intent } from './intents.ts';

/** A routing decision of the keyword rules. */
export interface KeywordDecision {
  intent: Intent;
  /** 0.2 when no rule matched (`other`), else 0.55 to 0.75: rules are never as sure as a model. */
  confidence: number;
}

/** How much of a text is routed (the API accepts messages of up to 4000 characters). */
export const MAX_ROUTED_CHARACTERS = 4000;

/** Phrases that point at an intent, with how strongly. Earlier intents win ties (a person before a bot). */
const RULES: readonly (readonly [Intent, readonly (readonly [RegExp, number])[]])[] = [
  [
    'human_request',
    [
      [/\b(human|real person|live agent|an agent|representative|operator|a manager|supervisor)\b/, 2],
      [/\b(speak|talk|chat) (to|with) (someone|somebody|a person|a human|an agent|staff)\b/, 2],
      [/\bcall me\b/, 1],
    ],
  ],
  [
    'complaint',
    [
      [/\b(unacceptable|terrible|awful|horrible|disappointed|disappointing|angry|furious|worst|ridiculous|rude|useless|disgrace)\b/, 2],
      [/\b(complain|complaint|not happy|unhappy|fed up|never again)\b/, 2],
      [/\b(broken|damaged|cracked|defective|wrong item)\b/, 1],
    ],
  ],
  [
    'payment_issue',
    [
      [/\b(charged|overcharged|double[- ]charged|charged twice|paid twice|chargeback)\b/, 2],
      [/\b(card|payment|invoice|billing|declined|transaction)\b/, 1],
      [/\brefund\b.*\b(not|never|still|yet)\b|\b(not|never|still)\b.*\brefund/, 1],
    ],
  ],
  [
    'sales_lead',
    [
      [/\b(bulk|wholesale|quote|quotation|enterprise|reseller|partnership|volume discount)\b/, 2],
      [/\b(our (company|business|team|office)|for (my|our) (company|business|team|staff|employees))\b/, 2],
      [/\b\d{3,}\s*(units|pieces|mugs|items|shirts)\b/, 1],
    ],
  ],
  [
    'order_status',
    [
      [/\b(where is|where's|track|tracking|status of|not arrived|hasn't arrived|has not arrived|still waiting)\b/, 2],
      [/\b(parcel|package|delivery|shipment|dispatched|shipped)\b/, 1],
      [/\border\s*#?\s*\d+\b/, 1],
    ],
  ],
  [
    'place_order',
    [
      [
        /\b(i('d| would) like to (order|buy)|i want to (order|buy)|can i (order|buy)|place an order|reorder|add to (my )?(cart|basket))\b/,
        2,
      ],
      [/\b(buy|purchase)\b/, 1],
    ],
  ],
  [
    'faq',
    [
      [/\b(how long|how do|how can|how much|what is|what are|do you|can i|is it possible|opening hours)\b/, 1],
      [/\b(return|returns|refund policy|shipping|warranty|exchange|gift card|password|account)\b/, 1],
    ],
  ],
];

/**
 * Route `text` by keyword rules: the deterministic fallback when the model fails or answers
 * something unusable. The highest total weight wins; `other` with a low confidence when nothing matches.
 *
 * @example
 * classifyByKeywords('I was charged twice for my order') // { intent: 'payment_issue', confidence: 0.75 }
 * classifyByKeywords('qwerty') // { intent: 'other', confidence: 0.2 }
 */
export function classifyByKeywords(text: string): KeywordDecision {
  // Messages are at most 4000 characters; a longer text is cut so the rules stay linear in time.
  const normalized = text.slice(0, MAX_ROUTED_CHARACTERS).normalize('NFKC').toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, ' ');
  let best: { intent: Intent; score: number } | undefined;
  for (const [intent, patterns] of RULES) {
    const score = patterns.reduce((sum, [pattern, weight]) => sum + (pattern.test(normalized) ? weight : 0), 0);
    if (score > 0 && (best === undefined || score > best.score)) best = { intent, score };
  }
  if (best === undefined) return { intent: 'other', confidence: 0.2 };
  return { intent: best.intent, confidence: Math.min(0.75, 0.45 + 0.1 * best.score) };
}
