import { describe, expect, it } from '@jest/globals';
import { checkMessage, describeFailure, resolveQueueOptions } from './message-queue.ts';

describe('resolveQueueOptions', () => {
  it('should fill in the defaults', () => {
    // Act
    const resolved = resolveQueueOptions({});

    // Assert
    expect(resolved).toMatchObject({ name: 'support-desk', maxDeliveries: 5, retryDelayMs: 1000, ackWaitMs: 30_000 });
  });

  it.each([
    [{ name: 'Not OK' }, 'Failed to open the message queue: its name "Not OK" must be lowercase letters, digits and dashes.'],
    [{ maxDeliveries: 0 }, 'Failed to open the message queue: maxDeliveries must be a positive integer, got 0.'],
    [{ retryDelayMs: 1.5 }, 'Failed to open the message queue: retryDelayMs must be a positive integer, got 1.5.'],
  ])('should refuse %j', (options, message) => {
    // Act
    const resolve = () => resolveQueueOptions(options);

    // Assert
    expect(resolve).toThrow(new RangeError(message));
  });
});

describe('checkMessage', () => {
  it('should accept dotted lowercase subjects and refuse others', () => {
    // Arrange
    const message = { id: 'm', tenantId: '00000000-0000-4000-8000-000000000000', payload: {} };

    // Act
    const accepted = () => checkMessage({ ...message, subject: 'order.placed_v2' });
    const refused = () => checkMessage({ ...message, subject: 'order..placed' });

    // Assert
    expect(accepted).not.toThrow();
    expect(refused).toThrow('Failed to publish message m: its subject "order..placed" must be dotted lowercase words.');
  });
});

describe('describeFailure', () => {
  it('should keep a failure short', () => {
    // Act
    const text = describeFailure(new Error('x'.repeat(1000)));

    // Assert
    expect(text).toHaveLength(500);
    expect(text.startsWith('Error: xxx')).toBe(true);
    expect(describeFailure('plain')).toBe('plain');
  });
});
