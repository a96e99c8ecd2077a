import type { Intent } from '../../src/router/intents.ts';

/** The model name the local routing upstream reports. */
export const ROUTING_MODEL = 'support-desk-router-1';

/** Cues of each intent, weighted: the local stand-in for a model's judgement. */
const CUES: Readonly<Record<Exclude<Intent, 'other'>, readonly (readonly [RegExp, number])[]>> = {
  human_request: [
    [/\b(human|real person|live agent|an? agent|representative|operator|manager|supervisor|someone real|actual person)\b/, 3],
    [/\b(speak|talk|chat)\s+(to|with)\b/, 1.5],
    [/\b(call me|phone me|ring me|call back)\b/, 2],
    [/\bnot (a|another) (bot|robot|machine)\b|\bstop (the )?bot\b/, 3],
  ],
  complaint: [
    [
      /\b(unacceptable|terrible|awful|horrible|disappointed|disappointing|angry|furious|worst|ridiculous|rude|useless|disgrace|appalling|shocking)\b/,
      2.5,
    ],
    [/\b(complain|complaint|not happy|unhappy|fed up|never (again|ordering)|waste of money|sick of)\b/, 2.5],
    [/\b(broken|damaged|cracked|smashed|defective|faulty|wrong (item|size|colour|color))\b/, 1.5],
    [/!{2,}/, 0.5],
  ],
  payment_issue: [
    [/\b(charged|overcharged|double[- ]charged|charged twice|paid twice|billed twice|chargeback|debited)\b/, 3],
    [/\b(card|payment|invoice|billing|declined|transaction|bank statement|vat)\b/, 1.5],
    [/\brefund\b.{0,60}\b(not|never|still|yet|missing|where)\b|\b(not|never|still|yet)\b.{0,60}\brefund/, 2.5],
  ],
  sales_lead: [
    [/\b(bulk|wholesale|quote|quotation|enterprise|reseller|partnership|volume (discount|pricing)|corporate|branded|custom logo)\b/, 3],
    [/\b(our|my) (company|business|team|office|staff|employees|school|event|cafe|restaurant)\b/, 2],
    [/\b\d{2,}\s*(units|pieces|mugs|items|shirts|tees|t-shirts)\b|\bhundreds of\b/, 2],
  ],
  order_status: [
    [
      /\b(where is|where's|track|tracking|status of|not (arrived|come|been delivered)|hasn't (arrived|come)|has not arrived|still waiting|when will .{0,30}(arrive|come|ship|be delivered))\b/,
      3,
    ],
    [/\b(parcel|package|delivery|shipment|dispatched|shipped|courier|out for delivery)\b/, 1],
    [/\border\s*(#|no\.?|number)?\s*\d+\b/, 1.5],
  ],
  place_order: [
    [
      /\b(i('d| would) like to (order|buy|get)|i want to (order|buy|get)|can i (order|buy)|place an order|reorder|order (another|more|again)|add .{0,30} to (my )?(cart|basket))\b/,
      3,
    ],
    [/\b(buy|purchase|checkout|in stock)\b/, 1],
  ],
  faq: [
    [
      /\b(how long|how do|how can|how much does|what is|what are|what's your|do you (ship|deliver|accept|offer|have)|can i (return|change|cancel|pay)|is it possible|opening hours|open on)\b/,
      2,
    ],
    [
      /\b(return policy|returns|refund policy|how .{0,20}refunds? work|shipping (cost|time|times|fee)|warranty|exchange|gift card|password|account|paypal|international)\b/,
      2,
    ],
  ],
};

/** Words that make a cue about being unhappy not count ("not angry, just asking"). */
const NEGATED_COMPLAINT = /\b(not|no|never) (angry|upset|complaining|a complaint)\b/;

/**
 * Classify a customer message as the local routing upstream's "model" does: weighted cues per
 * intent, a negation check, and a confidence from the margin between the two best intents. It
 * stands in for a hosted model when recording cassettes, so it is deliberately not perfect.
 *
 * @example
 * classifyAsModel('I was charged twice') // { intent: 'payment_issue', confidence: 0.9 }
 */
export function classifyAsModel(text: string): { intent: Intent; confidence: number } {
  const normalized = text.normalize('NFKC').toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, ' ');
  const scores = Object.entries(CUES).map(([intent, cues]) => {
    let score = cues.reduce((sum, [pattern, weight]) => sum + (pattern.test(normalized) ? weight : 0), 0);
    if (intent === 'complaint' && NEGATED_COMPLAINT.test(normalized)) score = Math.max(0, score - 3);
    return { intent: intent as Intent, score };
  });
  scores.sort((a, b) => b.score - a.score);
  const [best, second] = scores as [{ intent: Intent; score: number }, { intent: Intent; score: number }];
  if (best.score < 1) return { intent: 'other', confidence: 0.6 };
  const margin = (best.score - second.score) / best.score;
  return { intent: best.intent, confidence: Math.round((0.55 + 0.4 * margin) * 100) / 100 };
}
