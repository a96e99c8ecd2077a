import { describe, expect, it } from '@jest/globals';
import { findPii } from './pii-scan.js';
import { redactPii } from './redaction.js';

describe('findPii on context-only categories', () => {
  it('should read a bare name key through its parent object', () => {
    const value = { customer: { name: 'Marie-Claire Dubois' }, product: { name: 'Jordan Air Max 90' } };

    const findings = findPii(value);

    expect(findings.map((finding) => [finding.category, finding.path])).toEqual([['name', '$.customer.name']]);
  });

  it('should find names, birth dates and addresses inside JSON text and key=value log lines', () => {
    const line =
      '{"shipping":{"address":"Prinsengracht 263-1, 1016 GV Amsterdam"},"birthDate":"1993-08-19"} customerName="Henrik Sørensen"';

    const categories = findPii(line).map((finding) => finding.category);

    expect(categories.sort()).toEqual(['address', 'date-of-birth', 'name']);
  });

  it('should not take other dates, greetings without a name or street-like product names for personal data', () => {
    const negatives = [
      { createdAt: '1984-03-12T09:00:00Z', releaseDate: '1999-03-31', dobFormat: 'DD/MM/YYYY' },
      'Dear Valued Customer,\nyour order has shipped.',
      { collection: '221 Baker Street Collection', sku: 'MAIN-ST-01', emailAddressVerified: 'yes' },
      'Born on the Fourth of July premiered 1989-12-20',
    ];

    expect(findPii(negatives)).toEqual([]);
  });

  it('should redact only the personal field of nested JSON text and keep it valid', () => {
    const text = '{"customer":{"name":"Marie Dubois","dob":"1980-01-02"},"product":{"name":"Mug"}}';

    const redacted = redactPii(text);

    expect(JSON.parse(redacted)).toEqual({
      customer: { name: '[REDACTED:name]', dob: '[REDACTED:date-of-birth]' },
      product: { name: 'Mug' },
    });
  });
});
