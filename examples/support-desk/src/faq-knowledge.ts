/** One question the support desk has a settled answer to. */
export interface FaqEntry {
  /** Stable identifier, for logs and tests. */
  id: string;
  /** The question as customers usually ask it. */
  question: string;
  /** Word beginnings that point to this entry (`refund` matches "refunds" and "refunded"). */
  keywords: readonly string[];
  /** The answer, word for word. */
  answer: string;
}

/** The support desk's knowledge base, in the order ties are broken. */
export const FAQ_ENTRIES: readonly FaqEntry[] = [
  {
    id: 'refunds',
    question: 'How do I get a refund?',
    keywords: ['refund', 'money', 'reimburs', 'return'],
    answer:
      'Refunds are available within 30 days of delivery. Reply to your order confirmation with the order id, and the amount is returned to the original payment method within 5 business days.',
  },
  {
    id: 'shipping',
    question: 'How long does shipping take?',
    keywords: ['ship', 'deliver', 'arriv', 'track', 'parcel'],
    answer: 'Standard shipping takes 3 to 5 business days and express shipping 1 to 2. Every order confirmation carries a tracking link.',
  },
  {
    id: 'cancellation',
    question: 'Can I cancel an order?',
    keywords: ['cancel', 'abort', 'withdraw'],
    answer: 'An order can be cancelled free of charge until it ships. After that, wait for the delivery and ask for a refund.',
  },
  {
    id: 'totals',
    question: 'How is my order total calculated?',
    keywords: ['total', 'price', 'cost', 'charge', 'invoice'],
    answer:
      'The total is the sum of quantity times unit price over all lines of the order, computed by the service in whole cents of the order currency.',
  },
  {
    id: 'account',
    question: 'How do I add a colleague to our account?',
    keywords: ['colleague', 'account', 'user', 'invite', 'team'],
    answer:
      'Any user of your tenant can add a colleague with POST /users, giving their name and email. Each email can be used once per tenant.',
  },
];

/** What the desk answers when no entry matches. */
export const FALLBACK_ANSWER =
  'I do not know the answer to that yet. A support agent will get back to you by email within one business day.';

function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The knowledge base of one tenant: its own entries (`faq_entries`, read under row level security,
 * src/faq-entries.ts) first, so they win ties, then the shared {@link FAQ_ENTRIES}. Another
 * tenant's entries can never be among `own`: the caller reads them inside this tenant's transaction.
 *
 * @example
 * tenantKnowledge([]) === FAQ_ENTRIES // true: a tenant without entries gets the shared base as is
 */
export function tenantKnowledge(own: readonly FaqEntry[]): readonly FaqEntry[] {
  return own.length === 0 ? FAQ_ENTRIES : [...own, ...FAQ_ENTRIES];
}

/**
 * The entry of `entries` (the shared base by default) that best matches `question`: the one with
 * the most keywords found at the start of a word of the question, the earlier entry on a tie;
 * `undefined` when no keyword is found.
 *
 * @example
 * findFaqEntry('When will my parcel arrive?')?.id // 'shipping'
 */
export function findFaqEntry(question: string, entries: readonly FaqEntry[] = FAQ_ENTRIES): FaqEntry | undefined {
  const words = wordsOf(question);
  let best: FaqEntry | undefined;
  let bestScore = 0;
  for (const entry of entries) {
    const score = entry.keywords.filter((keyword) => words.some((word) => word.startsWith(keyword))).length;
    if (score > bestScore) {
      best = entry;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The answer to `question` from `entries` (the shared base by default): its entry's answer, or
 * {@link FALLBACK_ANSWER}.
 *
 * @example
 * answerFaq('Can I cancel my order?') // 'An order can be cancelled free of charge until it ships. ...'
 */
export function answerFaq(question: string, entries: readonly FaqEntry[] = FAQ_ENTRIES): string {
  return findFaqEntry(question, entries)?.answer ?? FALLBACK_ANSWER;
}
