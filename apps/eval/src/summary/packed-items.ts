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
  private itemIds: string[] = [];
  private conversationIds: string[] = [];
  private strategies: string[] = [];
  private turnIndexes = new Int32Array(0);
  private repeats = new Int32Array(0);
  private outcomes = new Uint8Array(0);
  private nuggetSources = new Uint8Array(0);
  private flags = new Uint8Array(0);
  private costs = new Float64Array(0);
  private latencies = new Float64Array(0);
  private inputTokens = new Float64Array(0);
  private outputTokens = new Float64Array(0);
  private readonly errors = new Map<number, ErrorInfo>();
  private readonly freeRuns = new Map<number, FreeRunTurn>();
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
    this.itemIds.push(this.text(item.itemId));
    this.conversationIds.push(this.text(item.conversationId));
    this.strategies.push(this.text(item.strategy));
    this.turnIndexes[row] = item.turnIndex;
    this.repeats[row] = item.repeat;
    this.outcomes[row] = outcomes.indexOf(item.outcome);
    this.nuggetSources[row] = nuggetSources.indexOf(item.nuggetSource);
    this.flags[row] =
      (item.reference === null ? 0 : hasReference) |
      (item.nuggets === undefined ? 0 : item.nuggets.length > 0 ? nuggetsPresent : nuggetsEmpty);
    this.costs[row] = item.costUsd;
    this.latencies[row] = item.latencyMs;
    this.inputTokens[row] = item.usage.inputTokens;
    this.outputTokens[row] = item.usage.outputTokens;
    if (item.error !== undefined) this.errors.set(row, item.error);
    if (item.freeRun !== undefined) this.freeRuns.set(row, item.freeRun);
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

  /** @internal */
  itemId(row: number): string {
    return this.itemIds[row]!;
  }

  /** @internal */
  conversationId(row: number): string {
    return this.conversationIds[row]!;
  }

  /** @internal */
  strategy(row: number): string {
    return this.strategies[row]!;
  }

  /** @internal */
  turnIndex(row: number): number {
    return this.turnIndexes[row]!;
  }

  /** @internal */
  repeat(row: number): number {
    return this.repeats[row]!;
  }

  /** @internal */
  outcome(row: number): ItemResult['outcome'] {
    return outcomes[this.outcomes[row]!]!;
  }

  /** @internal */
  flagsOf(row: number): number {
    return this.flags[row]!;
  }

  /** @internal */
  nuggetSource(row: number): ItemResult['nuggetSource'] {
    return nuggetSources[this.nuggetSources[row]!];
  }

  /** @internal */
  cost(row: number): number {
    return this.costs[row]!;
  }

  /** @internal */
  latency(row: number): number {
    return this.latencies[row]!;
  }

  /** @internal */
  usage(row: number): ItemResult['usage'] {
    return { inputTokens: this.inputTokens[row]!, outputTokens: this.outputTokens[row]! };
  }

  /** @internal */
  error(row: number): ErrorInfo | undefined {
    return this.errors.get(row);
  }

  /** @internal */
  freeRun(row: number): FreeRunTurn | undefined {
    return this.freeRuns.get(row);
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
    const widen = <T extends Int32Array | Uint8Array | Float64Array>(
      array: T,
      make: (size: number) => T,
    ): T => {
      const wider = make(capacity);
      wider.set(array);
      return wider;
    };
    this.turnIndexes = widen(this.turnIndexes, (size) => new Int32Array(size));
    this.repeats = widen(this.repeats, (size) => new Int32Array(size));
    this.outcomes = widen(this.outcomes, (size) => new Uint8Array(size));
    this.nuggetSources = widen(this.nuggetSources, (size) => new Uint8Array(size));
    this.flags = widen(this.flags, (size) => new Uint8Array(size));
    this.costs = widen(this.costs, (size) => new Float64Array(size));
    this.latencies = widen(this.latencies, (size) => new Float64Array(size));
    this.inputTokens = widen(this.inputTokens, (size) => new Float64Array(size));
    this.outputTokens = widen(this.outputTokens, (size) => new Float64Array(size));
    for (const column of this.scores.values()) {
      column.kinds = widen(column.kinds, (size) => new Uint8Array(size));
      if (column.numbers) column.numbers = widen(column.numbers, (size) => new Float64Array(size));
    }
    this.capacity = capacity;
  }
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
    return this.packed.itemId(this.row);
  }
  get conversationId(): string {
    return this.packed.conversationId(this.row);
  }
  get turnIndex(): number {
    return this.packed.turnIndex(this.row);
  }
  get repeat(): number {
    return this.packed.repeat(this.row);
  }
  get strategy(): string {
    return this.packed.strategy(this.row);
  }
  get outcome(): ItemResult['outcome'] {
    return this.packed.outcome(this.row);
  }
  /** `''` when the item had a reference (its text is not kept), `null` for a routing-only turn. */
  get reference(): string | null {
    return this.packed.flagsOf(this.row) & hasReference ? '' : null;
  }
  /** Whether there were nuggets, not what they said: absent, empty, or one empty string. */
  get nuggets(): string[] | undefined {
    const flags = this.packed.flagsOf(this.row);
    return flags & nuggetsPresent ? someNuggets : flags & nuggetsEmpty ? noTexts : undefined;
  }
  get nuggetSource(): ItemResult['nuggetSource'] {
    return this.packed.nuggetSource(this.row);
  }
  get error(): ErrorInfo | undefined {
    return this.packed.error(this.row);
  }
  get usage(): ItemResult['usage'] {
    return this.packed.usage(this.row);
  }
  get costUsd(): number {
    return this.packed.cost(this.row);
  }
  get latencyMs(): number {
    return this.packed.latency(this.row);
  }
  get freeRun(): FreeRunTurn | undefined {
    return this.packed.freeRun(this.row);
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
