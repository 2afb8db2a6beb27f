import { contentTerms, splitSentences } from './text-terms.js';

// Discourse markers that open a new, independent request, in the languages the corpus covers.
const markers =
  /\s+(?=(?:and also|also,|another thing|one more thing|second(?:ly)?,|plus,|additionally|besides that|p\.?s\.?|btw|by the way|además|también quería|otra cosa|außerdem|zusätzlich|noch etwas|und noch|en plus|autre chose|par ailleurs|et aussi|aussi,)\b)/iu;

/**
 * Splits a message into the independent requests it contains: sentences and list items, further cut
 * at discourse markers ("also", "another thing", "außerdem", "en plus"…). Fragments without content
 * words (greetings, "thanks") are attached to their neighbour. One request yields one part.
 *
 * @example
 * ```ts
 * splitRequest('Reset my password please. Also, why was I charged twice?');
 * // ['Reset my password please.', 'Also, why was I charged twice?']
 * ```
 */
export function splitRequest(text: string): string[] {
  const pieces = splitSentences(text).flatMap((sentence) => sentence.split(markers));
  const parts: string[] = [];
  let pending = '';
  for (const piece of pieces) {
    const trimmed = piece.trim();
    if (!trimmed) continue;
    if (contentTerms(trimmed).length < 2) {
      // Too little to stand alone: keep it with the next part (or the previous one at the end).
      pending = pending ? `${pending} ${trimmed}` : trimmed;
      continue;
    }
    parts.push(pending ? `${pending} ${trimmed}` : trimmed);
    pending = '';
  }
  if (pending) {
    if (parts.length > 0) parts[parts.length - 1] = `${parts[parts.length - 1]} ${pending}`;
    else parts.push(pending);
  }
  return parts.length > 0 ? parts : [text];
}
