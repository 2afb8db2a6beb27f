// Everything XML 1.0 allows (tab, line ends, the BMP without surrogates and U+FFFE/U+FFFF, the
// astral planes). With the `u` flag a lone surrogate is its own code point, so it is dropped too:
// such characters cannot be escaped, only removed.
const invalidXmlCharacters = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const entities: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML or XML, in element content and in quoted attribute values alike, and drops
 * the characters XML cannot carry. Every string that comes from a user, a dataset or a model goes
 * through it before it reaches `report.html` or `junit.xml`.
 *
 * @param text - Any text.
 * @returns The text, safe between tags and inside `"…"` or `'…'` attributes.
 *
 * @example
 * ```ts
 * escapeMarkup('<script>alert("x")</script>'); // '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
 * ```
 */
export function escapeMarkup(text: string): string {
  return text.replace(invalidXmlCharacters, '').replace(/[&<>"']/g, (character) => entities[character]!);
}
