import {
  toFollowMetricConventions,
  toHaveHistogramObservation,
  toHaveMetric,
  type HistogramExpectation,
  type MetricExpectation,
} from './metric-matchers.js';
import type { MetricLintOptions } from './metric-lint.js';
import { toBeChildOf, toHaveSpan, type SpanExpectation } from './span-matchers.js';
import type { SpanLike, SpansInput } from './span-records.js';
import { toLeakPii } from './telemetry-pii.js';
import type { PiiScanOptions } from '../pii/pii-scan.js';

/**
 * The observability matchers as one object for `expect.extend(observabilityMatchers)`; the
 * `@proving-ground/contract-helpers/jest` setup entry registers them with the other matchers.
 *
 * @example
 * import { expect } from '@jest/globals'
 * import { observabilityMatchers } from '@proving-ground/contract-helpers/observability'
 * expect.extend(observabilityMatchers)
 */
export const observabilityMatchers = {
  toHaveMetric,
  toHaveHistogramObservation,
  toFollowMetricConventions,
  toHaveSpan,
  toBeChildOf,
  toLeakPii,
};

declare module 'expect' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- must repeat expect's declaration exactly
  interface Matchers<R extends void | Promise<void>, T = unknown> {
    /** The scrape has the metric, with these labels and value. See {@link toHaveMetric}. */
    toHaveMetric(name: string, expected?: MetricExpectation): R;
    /** The histogram counted observations (since an earlier scrape, within a bucket). See {@link toHaveHistogramObservation}. */
    toHaveHistogramObservation(name: string, expected?: HistogramExpectation): R;
    /** The scrape follows Prometheus' naming and labelling conventions. See {@link toFollowMetricConventions}. */
    toFollowMetricConventions(options?: MetricLintOptions): R;
    /** A finished span has this name, kind, status, attributes, events, parent. See {@link toHaveSpan}. */
    toHaveSpan(name: string | RegExp, expected?: SpanExpectation): R;
    /** The span's parent is `parent`. See {@link toBeChildOf}. */
    toBeChildOf(parent: SpanLike, spans?: SpansInput): R;
    /** Spans, log records or log lines carry personal data (use with `.not`). See {@link toLeakPii}. */
    toLeakPii(options?: PiiScanOptions): R;
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- the shape @types/jest declares its matchers in
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars -- must repeat @types/jest's declaration exactly
    interface Matchers<R, T = {}> {
      toHaveMetric(name: string, expected?: MetricExpectation): R;
      toHaveHistogramObservation(name: string, expected?: HistogramExpectation): R;
      toFollowMetricConventions(options?: MetricLintOptions): R;
      toHaveSpan(name: string | RegExp, expected?: SpanExpectation): R;
      toBeChildOf(parent: SpanLike, spans?: SpansInput): R;
      toLeakPii(options?: PiiScanOptions): R;
    }
  }
}
