/**
 * The primary subtag of a BCP 47 tag, lower-cased, as the language detector names languages:
 * `en-GB` and `EN` → `en`. Tasks and criteria carry BCP 47 tags; the detector knows languages only.
 */
export function primaryLanguage(tag: string): string {
  return tag.toLowerCase().split(/[-_]/)[0] ?? '';
}
