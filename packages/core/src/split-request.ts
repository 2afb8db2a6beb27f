import { contentTerms, splitSentences } from './text-terms.js';

// Discourse markers that open a new, independent request, in the languages the corpus covers.
const markers =
  /\s+(?=(?:and also|also,|another thing|one more thing|second(?:ly)?,|plus,|additionally|besides that|p\.?s\.?|btw|by the way|además|también quería|otra cosa|außerdem|zusätzlich|noch etwas|und noch|en plus|autre chose|par ailleurs|et aussi|aussi,|verder|daarnaast|nog iets|inoltre|un'altra cosa|além disso|outra coisa)\b)/iu;

// Coordinating words that can join two independent requests in one sentence ("reset my password and
// why was I charged twice"), in en, es, de, fr, nl, it, pt. A sentence is cut before them, and
// after commas and semicolons, but a cut only stands when both sides carry a request of their own
// (see `minTerms`): "salt and pepper" stays whole.
const joiners = /(?<=[,;])\s+|\s+(?=(?:and|also|y|e|ed|und|sowie|et|en|ook)\s)/iu;

/**
 * Splits a message into the independent requests it contains: sentences and list items, further cut
 * at discourse markers ("also", "another thing", "außerdem", "en plus"…) and at "and", commas and
 * their equivalents in the seven corpus languages (y, und, et, en, e…). A fragment without
 * enough content words of its own (a greeting, "thanks", "the readers and printer") stays with its
 * neighbour. One request yields one part.
 *
 * @param options.minTerms - content words a part needs to stand alone (default 2)
 *
 * @example
 * ```ts
 * splitRequest('Reset my password please. Also, why was I charged twice?');
 * // ['Reset my password please.', 'Also, why was I charged twice?']
 * splitRequest('need to reset my password and why was i charged twice this month');
 * // ['need to reset my password', 'and why was i charged twice this month']
 * ```
 */
export function splitRequest(text: string, options: { minTerms?: number } = {}): string[] {
  const minTerms = options.minTerms ?? 2;
  const pieces = splitSentences(text)
    .flatMap((sentence) => sentence.split(markers))
    .flatMap((sentence) => clauses(sentence, minTerms));
  const parts: string[] = [];
  let pending = '';
  for (const piece of pieces) {
    const trimmed = piece.trim();
    if (!trimmed) continue;
    if (contentTerms(trimmed).length < minTerms) {
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

/** Cuts a sentence at joiners where both sides keep enough content words; merges the rest back. */
function clauses(sentence: string, minTerms: number): string[] {
  const cuts = sentence.split(joiners).filter((piece) => piece.trim() !== '');
  if (cuts.length < 2) return [sentence];
  const merged: string[] = [];
  for (const cut of cuts) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && contentTerms(previous).length < minTerms) {
      merged[merged.length - 1] = `${previous} ${cut}`;
    } else merged.push(cut);
  }
  const last = merged[merged.length - 1];
  if (merged.length > 1 && last !== undefined && contentTerms(last).length < minTerms) {
    merged.pop();
    merged[merged.length - 1] = `${merged[merged.length - 1]} ${last}`;
  }
  return merged;
}
