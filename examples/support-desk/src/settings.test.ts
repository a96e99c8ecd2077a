import { describe, expect, it } from '@jest/globals';
import { readSettings } from './settings.ts';

describe('readSettings', () => {
  it('should default to embedded PGlite, the OpenAI API and 127.0.0.1:3000', () => {
    expect(readSettings({})).toEqual({
      databaseUrl: undefined,
      pgliteDataDir: undefined,
      llm: { baseURL: 'https://api.openai.com/v1', apiKey: 'unset', model: 'gpt-4o-mini' },
      payments: { baseURL: 'https://api.payments.example/v1', apiKey: 'unset' },
      exports: { directory: undefined, linkSecret: undefined },
      http: { host: '127.0.0.1', port: 3000 },
    });
  });

  it('should read every variable', () => {
    const settings = readSettings({
      DATABASE_URL: 'postgres://desk:secret@db.internal:5432/desk',
      PGLITE_DATA_DIR: ' /var/lib/support-desk/pglite ',
      OPENAI_BASE_URL: 'http://127.0.0.1:4010/v1',
      OPENAI_API_KEY: 'sk-local',
      OPENAI_MODEL: 'support-desk-faq-1',
      PAYMENTS_BASE_URL: 'http://127.0.0.1:4020/v1',
      PAYMENTS_API_KEY: 'pk_test_local',
      EXPORT_DIR: '/var/lib/support-desk/exports',
      DOWNLOAD_LINK_SECRET: 'a-local-secret-of-at-least-32-bytes',
      HOST: '0.0.0.0',
      PORT: '8080',
    });

    expect(settings).toEqual({
      databaseUrl: 'postgres://desk:secret@db.internal:5432/desk',
      pgliteDataDir: '/var/lib/support-desk/pglite',
      llm: { baseURL: 'http://127.0.0.1:4010/v1', apiKey: 'sk-local', model: 'support-desk-faq-1' },
      payments: { baseURL: 'http://127.0.0.1:4020/v1', apiKey: 'pk_test_local' },
      exports: { directory: '/var/lib/support-desk/exports', linkSecret: 'a-local-secret-of-at-least-32-bytes' },
      http: { host: '0.0.0.0', port: 8080 },
    });
  });

  it('should report every unusable variable at once', () => {
    expect(() =>
      readSettings({
        DATABASE_URL: 'mysql://x',
        OPENAI_BASE_URL: 'not a url',
        PAYMENTS_BASE_URL: 'nope',
        PORT: 'eighty',
        DOWNLOAD_LINK_SECRET: 'short',
      }),
    ).toThrow(
      [
        'Failed to read the settings:',
        '- DATABASE_URL must be a postgres:// or postgresql:// connection string.',
        '- OPENAI_BASE_URL must be a URL, got "not a url".',
        '- PAYMENTS_BASE_URL must be a URL, got "nope".',
        '- PORT must be a port number, got "eighty".',
        '- DOWNLOAD_LINK_SECRET must be at least 32 bytes long.',
      ].join('\n'),
    );
  });
});
