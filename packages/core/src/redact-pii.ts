/** What {@link redactPii} found and replaced. */
export interface PiiRedaction {
  text: string;
  count: number;
  kinds: Record<string, number>;
}

interface PiiPattern {
  kind: string;
  pattern: RegExp;
  accept?: (match: string) => boolean;
}

// Order matters: IBANs and card numbers are matched before the looser phone pattern eats their digits.
const patterns: PiiPattern[] = [
  { kind: 'email', pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu },
  { kind: 'iban', pattern: /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b/g },
  {
    kind: 'card',
    pattern: /\b\d(?:[ -]?\d){12,18}\b/g,
    accept: (match) => luhnValid(match.replace(/\D/g, '')),
  },
  {
    kind: 'phone',
    pattern: /(?<![\w-])\+?\d[\d ().-]{7,}\d\b/g,
    accept: (match) => match.replace(/\D/g, '').length >= 9,
  },
];

/**
 * Replaces e-mail addresses, IBANs, card numbers (Luhn-checked) and phone numbers with `[email]`,
 * `[iban]`, `[card]`, `[phone]`, for delegates not cleared to see personal data.
 *
 * @example
 * ```ts
 * redactPii('mail me at ana@example.com').text; // 'mail me at [email]'
 * ```
 */
export function redactPii(text: string): PiiRedaction {
  const kinds: Record<string, number> = {};
  let count = 0;
  let result = text;
  for (const { kind, pattern, accept } of patterns) {
    result = result.replace(pattern, (match) => {
      if (accept && !accept(match)) return match;
      count += 1;
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      return `[${kind}]`;
    });
  }
  return { text: result, count, kinds };
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}
