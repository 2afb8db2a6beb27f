import type { FactToken } from './fact-tokens.js';

// The unit a number is counted in: "7 days" is not "7 hours", "€15" is not "$15". The matcher
// compares numbers exactly but takes the unit for one more content word among several, so a nugget
// held with the wrong unit was present. Units are a closed class; their names in the seven corpus
// languages (en de fr es it nl pt), folded as `factTokens` folds them.

const timeUnits = new Map<string, string>();
for (const [unit, names] of [
  [
    'second',
    'second seconds sec secs sekunde sekunden seconde secondes segundo segundos secondo secondi seconden',
  ],
  ['minute', 'minute minutes min mins minuten minuto minutos minuti'],
  ['hour', 'hour hours hr hrs h stunde stunden std heure heures hora horas ora ore uur uren'],
  ['day', 'day days tag tage tagen jour jours dia dias giorno giorni dag dagen'],
  ['week', 'week weeks woche wochen semaine semaines semana semanas settimana settimane weken'],
  ['month', 'month months monat monate monaten mois mes meses mese mesi maand maanden'],
  // Not French "an" (the English article): "ans", "annee" cover French.
  ['year', 'year years jahr jahre jahren ans annee annees ano anos anno anni jaar jaren'],
] as const) {
  for (const name of names.split(' ')) timeUnits.set(name, unit);
}

/** German and Dutch compounds end in the unit: "Werktage", "Kalendertagen", "werkdagen". */
const compoundEndings: readonly [string, string][] = [
  ['tage', 'day'],
  ['tagen', 'day'],
  ['dagen', 'day'],
  ['wochen', 'week'],
  ['monate', 'month'],
  ['stunden', 'hour'],
];

function timeUnitOf(word: string): string | undefined {
  const unit = timeUnits.get(word);
  if (unit !== undefined) return unit;
  if (word.length < 7) return undefined;
  for (const [ending, named] of compoundEndings) if (word.endsWith(ending)) return named;
  return undefined;
}

const moneyUnits: ReadonlySet<string> = new Set(['€', '$', '£', '%']);

/** The units of the number at `index`: a currency or percent sign beside it, a time unit after it. */
function unitsAt(tokens: readonly FactToken[], index: number): { money?: string; time?: string } {
  const units: { money?: string; time?: string } = {};
  const previous = tokens[index - 1];
  const next = tokens[index + 1];
  if (next !== undefined && next.boundary === 0 && moneyUnits.has(next.value)) units.money = next.value;
  else if (previous !== undefined && tokens[index]!.boundary === 0 && moneyUnits.has(previous.value))
    units.money = previous.value;
  // The first time unit among the next two content words of its clause ("2 business days",
  // "€5,000 per month").
  let content = 0;
  for (
    let after = index + 1;
    after < tokens.length && tokens[after]!.boundary === 0 && content < 2;
    after += 1
  ) {
    const token = tokens[after]!;
    if (token.key) break;
    const unit = timeUnitOf(token.value);
    if (unit !== undefined) {
      units.time = unit;
      break;
    }
    if (!token.stop && !moneyUnits.has(token.value)) content += 1;
  }
  return units;
}

function isNumber(value: string): boolean {
  return /^\d+(\.\d+)?$/.test(value);
}

/**
 * Whether the answer's stretch (`occurrences[start..end]`, positions in `answer`) counts the
 * nugget's numbers in the nugget's units: false when some number of the nugget has a unit (a time
 * unit after it, a currency or percent sign beside it) and every occurrence of that number in the
 * stretch has another unit of the same kind ("held for 7 days" / "held for 7 hours", "€15" / "$15",
 * "€5,000 per month" / "per week"). A number without a unit on either side agrees.
 */
export function unitsAgree(
  answer: readonly FactToken[],
  nugget: readonly FactToken[],
  occurrences: readonly { word: number; position: number }[],
  start: number,
  end: number,
): boolean {
  for (let index = 0; index < nugget.length; index += 1) {
    const value = nugget[index]!.value;
    if (!nugget[index]!.key || !isNumber(value)) continue;
    const wanted = unitsAt(nugget, index);
    if (wanted.money === undefined && wanted.time === undefined) continue;
    let agrees = false;
    for (let at = start; at <= end && !agrees; at += 1) {
      const position = occurrences[at]!.position;
      if (answer[position]!.value !== value) continue;
      const found = unitsAt(answer, position);
      agrees =
        (wanted.money === undefined || found.money === undefined || wanted.money === found.money) &&
        (wanted.time === undefined || found.time === undefined || wanted.time === found.time);
    }
    if (!agrees) return false;
  }
  return true;
}
