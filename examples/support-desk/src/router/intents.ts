/** What a customer message is about, as the intent router decides. */
export const INTENTS = [
  'faq',
  'order_status',
  'place_order',
  'payment_issue',
  'sales_lead',
  'complaint',
  'human_request',
  'other',
] as const;

/** One of {@link INTENTS}. */
export type Intent = (typeof INTENTS)[number];

/** The agent queues a conversation can be handed to. */
export const AGENT_QUEUES = ['billing', 'sales', 'customer_care'] as const;

/** One of {@link AGENT_QUEUES}. */
export type AgentQueue = (typeof AGENT_QUEUES)[number];

/** What each intent means, for the model's instructions. */
export const INTENT_DESCRIPTIONS: Readonly<Record<Intent, string>> = {
  faq: 'a general question about shipping, returns, refunds, opening hours, accounts or policies',
  order_status: 'where an existing order or parcel is, or when it will arrive',
  place_order: 'wants to buy, order or reorder products now',
  payment_issue: 'a problem with a charge, card, invoice, refund not received or double payment',
  sales_lead: 'a business or bulk purchase enquiry, a quote, pricing for a team, a partnership',
  complaint: 'is unhappy, angry or dissatisfied with a product or the service',
  human_request: 'asks to talk to a person, an agent or a manager',
  other: 'none of the above, or not understandable',
};

/** Intents a person answers, and the queue of agents that does. */
const INTENT_QUEUES: Readonly<Partial<Record<Intent, AgentQueue>>> = {
  payment_issue: 'billing',
  sales_lead: 'sales',
  complaint: 'customer_care',
  human_request: 'customer_care',
};

/**
 * Whether `value` is one of {@link INTENTS}.
 *
 * @example
 * isIntent('faq') // true
 * isIntent('refund') // false
 */
export function isIntent(value: unknown): value is Intent {
  return typeof value === 'string' && (INTENTS as readonly string[]).includes(value);
}

/**
 * The agent queue a routed message goes to, or undefined when the bot answers it: intents a person
 * handles always go to their queue, and anything routed with a confidence below `escalateBelow`
 * goes to customer care, since a wrong automatic answer costs more than a short wait.
 *
 * @example
 * handoffQueueFor({ intent: 'payment_issue', confidence: 0.9 }, 0.5) // 'billing'
 * handoffQueueFor({ intent: 'faq', confidence: 0.3 }, 0.5) // 'customer_care'
 * handoffQueueFor({ intent: 'faq', confidence: 0.9 }, 0.5) // undefined
 */
export function handoffQueueFor(decision: { intent: Intent; confidence: number }, escalateBelow: number): AgentQueue | undefined {
  return INTENT_QUEUES[decision.intent] ?? (decision.confidence < escalateBelow ? 'customer_care' : undefined);
}
