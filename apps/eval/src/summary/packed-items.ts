import type { ErrorInfo } from '@baton/core';
import type { FreeRunTurn } from '../free-run/free-run-turn.js';
import type { ItemResult, ScoreValue } from '../item-result.js';

/** How one item's score is stored in a {@link PackedItems} column. */
enum ScoreKind {
  Missing = 0,
  Null = 1,
  False = 2,
  True = 3,
  Number = 4,
  Text = 5,
}

/** One score name's column: a kind per row, the numbers in a typed array, texts (rare) apart. */
interface ScoreColumn {
  kinds: Uint8Array;
  /** Allocated when the column first holds a number. */
  numbers?: Float64Array;
  /** Category scores, by row (pluggable scorers only). */
  texts?: Map<number, string>;
}

const outcomes = [
  'answered',
  'escalated',
  'failed',
  'error',
] as const satisfies readonly ItemResult['outcome'][];
const nuggetSources = [undefined, 'annotated', 'extracted', 'none'] as const;
/** `flags` bits: whether there is a reference, and whether nuggets are absent, empty or present. */
const hasReference = 1;
const nuggetsEmpty = 2;
const nuggetsPresent = 4;

const noTexts: string[] = [];
const someNuggets = [''];
const noGold: ItemResult['gold'] = { domains: [] };
const noDelegations: ItemResult['delegations'] = [];

/**
 * A run's items as its summary reads them, packed into columns: ids as shared strings, numbers in
 * typed arrays, every score in a column of its own (a byte for its kind, eight for a number), the
 * rare errors and free-run records by row. About 0.29 KB an item, ids and the columns' spare room
 * included, where the fixed-shape objects it replaces took 0.57 KB (each score a property, each
 * fractional score a heap number of its own); measured on 24,000 items of a generated run. The
 * summary of a 300,000-item run holds every item at once.
 *
 * {@link PackedItems.add} returns a {@link PackedItem}: an {@link ItemResult} whose summary fields
 * read the columns, so the summary code takes it like any item. What the summary does not read
 * (texts, labels, delegation records) is blank, as it was in the objects this replaces.
 *
 * @example
 * ```ts
 * const packed = new PackedItems();
 * const item = packed.add(parsedLine); // keep `item`, drop `parsedLine`
 * itemMetricValue(item, 'answerQuality'); // read from the columns
 * ```
 */
export class PackedItems {
  private rows = 0;
  private capacity = 0;
  private readonly texts = new Map<string, string>();
  /** @internal The columns, read by {@link PackedItem}; the typed arrays are replaced as they grow. */
  readonly columns: Columns = {
    itemIds: [],
    conversationIds: [],
    strategies: [],
    turnIndexes: new Int32Array(0),
    repeats: new Int32Array(0),
    outcomes: new Uint8Array(0),
    nuggetSources: new Uint8Array(0),
    flags: new Uint8Array(0),
    costs: new Float64Array(0),
    latencies: new Float64Array(0),
    inputTokens: new Float64Array(0),
    outputTokens: new Float64Array(0),
    errors: new Map(),
    freeRuns: new Map(),
  };
  private readonly scores = new Map<string, ScoreColumn>();

  /** Items added so far. */
  get size(): number {
    return this.rows;
  }

  /**
   * Packs an item's summary fields and returns the item that reads them. The argument is not kept
   * (its error and free-run record are, by reference).
   *
   * @param item - A validated item (at least its summary fields; see `itemSummaryFields`).
   * @returns The packed item.
   */
  add(item: ItemResult): PackedItem {
    if (this.rows === this.capacity) this.grow();
    const row = this.rows++;
    const columns = this.columns;
    columns.itemIds.push(this.text(item.itemId));
    columns.conversationIds.push(this.text(item.conversationId));
    columns.strategies.push(this.text(item.strategy));
    columns.turnIndexes[row] = item.turnIndex;
    columns.repeats[row] = item.repeat;
    columns.outcomes[row] = outcomes.indexOf(item.outcome);
    columns.nuggetSources[row] = nuggetSources.indexOf(item.nuggetSource);
    columns.flags[row] =
      (item.reference === null ? 0 : hasReference) |
      (item.nuggets === undefined ? 0 : item.nuggets.length > 0 ? nuggetsPresent : nuggetsEmpty);
    columns.costs[row] = item.costUsd;
    columns.latencies[row] = item.latencyMs;
    columns.inputTokens[row] = item.usage.inputTokens;
    columns.outputTokens[row] = item.usage.outputTokens;
    if (item.error !== undefined) columns.errors.set(row, item.error);
    if (item.freeRun !== undefined) columns.freeRuns.set(row, item.freeRun);
    for (const name of Object.keys(item.scores)) this.setScore(row, name, item.scores[name]!);
    return new PackedItem(this, row);
  }

  /** The score `name` of `row`, as the item carried it (`undefined`: it had none). */
  score(row: number, name: string): ScoreValue | undefined {
    const column = this.scores.get(name);
    if (column === undefined) return undefined;
    switch (column.kinds[row] as ScoreKind) {
      case ScoreKind.Missing:
        return undefined;
      case ScoreKind.Null:
        return null;
      case ScoreKind.False:
        return false;
      case ScoreKind.True:
        return true;
      case ScoreKind.Number:
        return column.numbers![row]!;
      case ScoreKind.Text:
        return column.texts!.get(row)!;
    }
  }

  /** The names of the scores `row` carries, in the order their columns were made. */
  scoreNames(row: number): string[] {
    const names: string[] = [];
    for (const [name, column] of this.scores) if (column.kinds[row] !== ScoreKind.Missing) names.push(name);
    return names;
  }

  private setScore(row: number, name: string, value: ScoreValue): void {
    let column = this.scores.get(name);
    if (column === undefined) {
      column = { kinds: new Uint8Array(this.capacity) };
      this.scores.set(this.text(name), column);
    }
    if (value === null) column.kinds[row] = ScoreKind.Null;
    else if (value === true) column.kinds[row] = ScoreKind.True;
    else if (value === false) column.kinds[row] = ScoreKind.False;
    else if (typeof value === 'number') {
      column.kinds[row] = ScoreKind.Number;
      column.numbers ??= new Float64Array(this.capacity);
      column.numbers[row] = value;
    } else {
      column.kinds[row] = ScoreKind.Text;
      column.texts ??= new Map();
      column.texts.set(row, value);
    }
  }

  /** One copy of each id: every strategy's item of a turn shares its ids. */
  private text(value: string): string {
    const kept = this.texts.get(value);
    if (kept !== undefined) return kept;
    this.texts.set(value, value);
    return value;
  }

  /** Doubles every column's room (the string columns are plain arrays and grow by themselves). */
  private grow(): void {
    const capacity = Math.max(1024, this.capacity * 2);
    const columns = this.columns;
    for (const name of typedColumns) (columns[name] as TypedColumn) = widen(columns[name], capacity);
    for (const column of this.scores.values()) {
      column.kinds = widen(column.kinds, capacity);
      if (column.numbers) column.numbers = widen(column.numbers, capacity);
    }
    this.capacity = capacity;
  }
}

type TypedColumn = Int32Array | Uint8Array | Float64Array;

/** The columns {@link PackedItems} keeps per row. */
interface Columns {
  itemIds: string[];
  conversationIds: string[];
  strategies: string[];
  turnIndexes: Int32Array;
  repeats: Int32Array;
  /** Index into `outcomes`. */
  outcomes: Uint8Array;
  /** Index into `nuggetSources`. */
  nuggetSources: Uint8Array;
  /** `hasReference`, `nuggetsEmpty`, `nuggetsPresent`. */
  flags: Uint8Array;
  costs: Float64Array;
  latencies: Float64Array;
  inputTokens: Float64Array;
  outputTokens: Float64Array;
  /** By row: the few items that carry one. */
  errors: Map<number, ErrorInfo>;
  freeRuns: Map<number, FreeRunTurn>;
}

const typedColumns = [
  'turnIndexes',
  'repeats',
  'outcomes',
  'nuggetSources',
  'flags',
  'costs',
  'latencies',
  'inputTokens',
  'outputTokens',
] as const satisfies readonly (keyof Columns)[];

/** A copy of `array` with room for `capacity` entries. */
function widen<T extends TypedColumn>(array: T, capacity: number): T {
  const wider = new (array.constructor as new (length: number) => T)(capacity);
  wider.set(array);
  return wider;
}

/**
 * An item of a {@link PackedItems}: its summary fields read the columns; the fields no summary
 * reads are blank (`input` and texts empty, no delegation records). `scores` builds an object on
 * each read: the summary reads scores through {@link PackedItem.score} (see `scoreOf`).
 */
export class PackedItem implements ItemResult {
  constructor(
    private readonly packed: PackedItems,
    private readonly row: number,
  ) {}

  // Getters, not fields, even for the blanks: an instance holds two slots and nothing else.
  get input(): string {
    return '';
  }
  get gold(): ItemResult['gold'] {
    return noGold;
  }
  get answer(): null {
    return null;
  }
  get respondedBy(): string[] {
    return noTexts;
  }
  get delegations(): ItemResult['delegations'] {
    return noDelegations;
  }
  get itemId(): string {
    return this.packed.columns.itemIds[this.row]!;
  }
  get conversationId(): string {
    return this.packed.columns.conversationIds[this.row]!;
  }
  get turnIndex(): number {
    return this.packed.columns.turnIndexes[this.row]!;
  }
  get repeat(): number {
    return this.packed.columns.repeats[this.row]!;
  }
  get strategy(): string {
    return this.packed.columns.strategies[this.row]!;
  }
  get outcome(): ItemResult['outcome'] {
    return outcomes[this.packed.columns.outcomes[this.row]!]!;
  }
  /** `''` when the item had a reference (its text is not kept), `null` for a routing-only turn. */
  get reference(): string | null {
    return this.packed.columns.flags[this.row]! & hasReference ? '' : null;
  }
  /** Whether there were nuggets, not what they said: absent, empty, or one empty string. */
  get nuggets(): string[] | undefined {
    const flags = this.packed.columns.flags[this.row]!;
    return flags & nuggetsPresent ? someNuggets : flags & nuggetsEmpty ? noTexts : undefined;
  }
  get nuggetSource(): ItemResult['nuggetSource'] {
    return nuggetSources[this.packed.columns.nuggetSources[this.row]!];
  }
  get error(): ErrorInfo | undefined {
    return this.packed.columns.errors.get(this.row);
  }
  get usage(): ItemResult['usage'] {
    const { inputTokens, outputTokens } = this.packed.columns;
    return { inputTokens: inputTokens[this.row]!, outputTokens: outputTokens[this.row]! };
  }
  get costUsd(): number {
    return this.packed.columns.costs[this.row]!;
  }
  get latencyMs(): number {
    return this.packed.columns.latencies[this.row]!;
  }
  get freeRun(): FreeRunTurn | undefined {
    return this.packed.columns.freeRuns.get(this.row);
  }
  /** The scores as an object, built on each read (the summary reads {@link PackedItem.score}). */
  get scores(): Record<string, ScoreValue> {
    const scores: Record<string, ScoreValue> = {};
    for (const name of this.packed.scoreNames(this.row)) scores[name] = this.packed.score(this.row, name)!;
    return scores;
  }

  /** One score, as the item carried it; `undefined` when it had none. */
  score(name: string): ScoreValue | undefined {
    return this.packed.score(this.row, name);
  }

  /** The names of the scores the item carries. */
  scoreNames(): string[] {
    return this.packed.scoreNames(this.row);
  }
}

/** An item's score `name`, read from its columns when it is packed. */
export function scoreOf(item: ItemResult, name: string): ScoreValue | undefined {
  return item instanceof PackedItem ? item.score(name) : item.scores[name];
}

/** The names of an item's scores, read from its columns when it is packed. */
export function scoreNamesOf(item: ItemResult): string[] {
  return item instanceof PackedItem ? item.scoreNames() : Object.keys(item.scores);
}
