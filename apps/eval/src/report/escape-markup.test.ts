import { describe, expect, it } from 'vitest';
import { escapeMarkup } from './escape-markup.js';

describe('escapeMarkup', () => {
  it('escapes the five markup characters', () => {
    expect(escapeMarkup(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;',
    );
  });

  it('drops characters XML cannot carry and keeps everything else', () => {
    expect(escapeMarkup('a\u0000b\u0007c\u001Fd\uFFFEe')).toBe('abcde');
    expect(escapeMarkup('lone \uD800 surrogate')).toBe('lone  surrogate');
    expect(escapeMarkup('tab\tline\nreturn\r emoji 🎉 ü')).toBe('tab\tline\nreturn\r emoji 🎉 ü');
  });
});
