import { describe, expect, it } from 'vitest';
import { redactSecrets, withoutCredentials } from './redact.js';

describe('redactSecrets', () => {
  it('hides the user and password of every URL, and every given key', () => {
    expect(
      redactSecrets(
        'Langfuse at https://admin:hunter2@lf.example.com/api is down; see http://x@host:3000 (key sk-lf-0123456789)',
        ['sk-lf-0123456789', undefined, 'pk'],
      ),
    ).toBe('Langfuse at https://***@lf.example.com/api is down; see http://***@host:3000 (key ***)');
  });

  it('leaves short secrets alone, which would match ordinary words', () => {
    expect(redactSecrets('package pk', ['pk'])).toBe('package pk');
  });
});

describe('withoutCredentials', () => {
  it('drops the user and password, and says it did', () => {
    expect(withoutCredentials('https://admin:hunter2@lf.example.com/base/')).toEqual({
      url: 'https://lf.example.com/base',
      hadCredentials: true,
    });
    expect(withoutCredentials('http://localhost:3000')).toEqual({
      url: 'http://localhost:3000',
      hadCredentials: false,
    });
  });
});
