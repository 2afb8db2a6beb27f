import { RecentResults } from './recent-results.js';
import { tokenize } from './text-terms.js';

/** A labelled example; a text that needs several specialists carries several labels. */
export interface LabelledText {
  text: string;
  labels: readonly string[];
}

/** A label with its probability. */
export interface LabelScore {
  label: string;
  probability: number;
}

/** The serialisable state of a {@link TextClassifier}. */
export interface TextClassifierState {
  version: 1;
  labels: string[];
  priors: number[];
  /** feature → per-label counts. */
  counts: Record<string, number[]>;
  totals: number[];
  vocabulary: number;
}

/** A word's own feature. */
const wordFeature = (word: string): string => `w:${word}`;

/** The feature of a word and the word before it. */
const pairFeature = (previous: string, word: string): string => `b:${previous} ${word}`;

/** A word's character 4-gram features, in order: they make the model robust to typos and inflections ("refnud", "reembolsos"). */
function gramFeatures(word: string): string[] {
  const padded = `^${word}$`;
  const grams: string[] = [];
  for (let start = 0; start + 4 <= padded.length; start += 1)
    grams.push(`c:${padded.slice(start, start + 4)}`);
  return grams;
}

/** A text's features in order: per word its own, the pair with the word before, its 4-grams. */
function features(text: string): string[] {
  const words = tokenize(text);
  const result: string[] = [];
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index]!;
    result.push(wordFeature(word));
    if (index > 0) result.push(pairFeature(words[index - 1]!, word));
    result.push(...gramFeatures(word));
  }
  return result;
}

/**
 * A known feature's log-likelihood per label, kept sparse: a feature is seen with few of the labels,
 * and every label it was never seen with has the same term (`unseen`, the formula at a count of 0).
 */
interface LogRow {
  /** The labels the feature was seen with, ascending. */
  seen: Int32Array;
  /** Their log-likelihoods, in the same order. */
  logs: Float64Array;
}

/** The log-likelihood rows of one word's features the model knows (see `TextClassifier.score`). */
interface WordRows {
  word: LogRow | undefined;
  grams: readonly LogRow[];
}

/** A trained model as the classifier keeps it: the serialised state's counts held sparse. */
interface Model {
  labels: string[];
  priors: number[];
  /** feature → `[label, count, label, count, …]` over the labels it was seen with, ascending. */
  counts: Map<string, number[]>;
  totals: number[];
  vocabulary: number;
}

/** Sorts `[label, count, …]` pairs by label, in place (insertion sort: a feature has few labels). */
function sortPairsByLabel(pairs: number[]): void {
  for (let at = 2; at < pairs.length; at += 2) {
    const label = pairs[at]!;
    const count = pairs[at + 1]!;
    let to = at;
    while (to > 0 && pairs[to - 2]! > label) {
      pairs[to] = pairs[to - 2]!;
      pairs[to + 1] = pairs[to - 1]!;
      to -= 2;
    }
    pairs[to] = label;
    pairs[to + 1] = count;
  }
}

/**
 * Adds a feature's log-likelihood to every label's score, label by label: the same additions, in
 * the same order, as the formula computed for each label.
 */
function addInto(scores: number[], row: LogRow, unseen: Float64Array): void {
  const { seen, logs } = row;
  let label = 0;
  for (let at = 0; at < seen.length; at += 1) {
    const own = seen[at]!;
    for (; label < own; label += 1) scores[label]! += unseen[label]!;
    scores[own]! += logs[at]!;
    label = own + 1;
  }
  for (; label < scores.length; label += 1) scores[label]! += unseen[label]!;
}

/**
 * A multinomial naive Bayes text classifier over words, word pairs and character 4-grams, with
 * Laplace smoothing and tempered posteriors. Chosen over a library: the maintained JavaScript options
 * pull large NLP toolkits or are abandoned, and this model is ~100 lines, trains on a thousand turns
 * in milliseconds and serialises to JSON.
 *
 * @example
 * ```ts
 * const classifier = TextClassifier.train([{ text: 'I was charged twice', labels: ['billing'] }, …]);
 * classifier.predict('refund please')[0]; // { label: 'billing', probability: 0.8 }
 * ```
 */
export class TextClassifier {
  // Each strategy and floor probe of a replayed turn classifies the same text; the model never
  // changes after training, so a repeat is a lookup (copied out: callers own what they get).
  private readonly recent = new RecentResults<string, readonly LabelScore[]>(1024);
  // A known feature's log-likelihoods, computed on its first use: the same doubles the formula
  // gives, so the sums are too, without a Math.log per feature and label of every text (most of a
  // prediction's time). At most one row per feature the model knows, sparse (see LogRow): with the
  // corpus's 238 intent clusters a dense row would take 1.9 KB.
  private readonly logRows = new Map<string, LogRow>();
  // The term of a label a feature was never seen with (the formula's value at a count of 0).
  private readonly unseenLogs: Float64Array;
  // Per word, its rows: the 4-grams of a word are the same wherever it occurs.
  private readonly wordRows = new RecentResults<string, WordRows>(8192);

  private constructor(private readonly model: Model) {
    this.unseenLogs = Float64Array.from(model.totals, (total) => Math.log(1 / (total + model.vocabulary)));
  }

  /** Trains a classifier; each example counts once for each of its labels. */
  static train(examples: readonly LabelledText[]): TextClassifier {
    const labels = [...new Set(examples.flatMap((example) => example.labels))].sort();
    if (labels.length === 0) throw new RangeError('Cannot train a classifier without labelled examples.');
    const position = new Map(labels.map((label, index) => [label, index]));
    const priors = labels.map(() => 0);
    const totals = labels.map(() => 0);
    // feature → [label, count, label, count, …], sorted by label once all are counted: a feature is
    // seen with few labels, where a row per label (238 with the corpus's intent clusters) took ~60 MB.
    const counts = new Map<string, number[]>();
    for (const example of examples) {
      const found = features(example.text);
      for (const label of example.labels) {
        const index = position.get(label)!;
        priors[index]! += 1;
        for (const feature of found) {
          let pairs = counts.get(feature);
          if (pairs === undefined) {
            pairs = [];
            counts.set(feature, pairs);
          }
          let at = 0;
          while (at < pairs.length && pairs[at] !== index) at += 2;
          if (at < pairs.length) pairs[at + 1]! += 1;
          else pairs.push(index, 1);
          totals[index]! += 1;
        }
      }
    }
    for (const pairs of counts.values()) sortPairsByLabel(pairs);
    const prior = priors.reduce((sum, value) => sum + value, 0);
    return new TextClassifier({
      labels,
      priors: priors.map((value) => value / prior),
      counts,
      totals,
      vocabulary: counts.size,
    });
  }

  /** Restores a classifier saved with {@link TextClassifier.toJSON}. */
  static fromJSON(state: TextClassifierState): TextClassifier {
    if (state.version !== 1)
      throw new RangeError(`Unknown classifier state version ${String(state.version)}.`);
    const counts = new Map<string, number[]>();
    for (const [feature, row] of Object.entries(state.counts)) {
      // A row has a count per label (one from elsewhere may not: only the labels' are read).
      const pairs: number[] = [];
      for (let label = 0; label < Math.min(row.length, state.totals.length); label += 1) {
        if (row[label] !== 0) pairs.push(label, row[label]!);
      }
      counts.set(feature, pairs);
    }
    return new TextClassifier({
      labels: [...state.labels],
      priors: [...state.priors],
      counts,
      totals: [...state.totals],
      vocabulary: state.vocabulary,
    });
  }

  /** The labels this classifier knows. */
  get labels(): readonly string[] {
    return this.model.labels;
  }

  /** Label probabilities for a text, most likely first. */
  predict(text: string): LabelScore[] {
    return this.recent.get(text, (key) => this.score(key)).map((entry) => ({ ...entry }));
  }

  private score(text: string): LabelScore[] {
    const { labels, priors } = this.model;
    const scores = labels.map((_, index) => Math.log(priors[index]!));
    // The features of `features(text)`, in its order (so the same sums), read per word: a word's own
    // and its 4-grams' rows are remembered with the word, and only the pair is looked up each time.
    const words = tokenize(text);
    let known = 0;
    for (let position = 0; position < words.length; position += 1) {
      const word = words[position]!;
      const rows = this.rowsOfWord(word);
      if (rows.word !== undefined) {
        known += 1;
        addInto(scores, rows.word, this.unseenLogs);
      }
      if (position > 0) {
        const pair = this.logRowOf(pairFeature(words[position - 1]!, word));
        if (pair !== undefined) {
          known += 1;
          addInto(scores, pair, this.unseenLogs);
        }
      }
      for (const gram of rows.grams) addInto(scores, gram, this.unseenLogs);
      known += rows.grams.length;
    }
    // Naive Bayes multiplies many correlated features and is wildly overconfident; dividing the log
    // scores by √(feature count) gives probabilities that thresholds can work with.
    const temperature = Math.max(1, Math.sqrt(known));
    const max = Math.max(...scores);
    const exps = scores.map((score) => Math.exp((score - max) / temperature));
    const sum = exps.reduce((total, value) => total + value, 0);
    return labels
      .map((label, index) => ({ label, probability: exps[index]! / sum }))
      .sort((a, b) => b.probability - a.probability);
  }

  /** The known rows of a word's `w:` feature and its `c:` 4-grams, in `features`' order. */
  private rowsOfWord(word: string): WordRows {
    return this.wordRows.get(word, () => {
      const grams: LogRow[] = [];
      for (const gram of gramFeatures(word)) {
        const row = this.logRowOf(gram);
        if (row !== undefined) grams.push(row);
      }
      return { word: this.logRowOf(wordFeature(word)), grams };
    });
  }

  /** A feature's log-likelihoods (Laplace-smoothed), or `undefined` for an unknown feature. */
  private logRowOf(feature: string): LogRow | undefined {
    let row = this.logRows.get(feature);
    if (row !== undefined) return row;
    const { counts, totals, vocabulary } = this.model;
    const pairs = counts.get(feature);
    if (pairs === undefined) return undefined;
    const seen = pairs.length >> 1;
    row = { seen: new Int32Array(seen), logs: new Float64Array(seen) };
    for (let at = 0; at < seen; at += 1) {
      const label = pairs[2 * at]!;
      row.seen[at] = label;
      row.logs[at] = Math.log((pairs[2 * at + 1]! + 1) / (totals[label]! + vocabulary));
    }
    this.logRows.set(feature, row);
    return row;
  }

  /** The model as plain JSON: per feature (in the order first seen) a count for every label. */
  toJSON(): TextClassifierState {
    const { labels, priors, counts, totals, vocabulary } = this.model;
    const rows: Record<string, number[]> = {};
    for (const [feature, pairs] of counts) {
      const row = labels.map(() => 0);
      for (let at = 0; at < pairs.length; at += 2) row[pairs[at]!] = pairs[at + 1]!;
      rows[feature] = row;
    }
    return {
      version: 1,
      labels: [...labels],
      priors: [...priors],
      counts: rows,
      totals: [...totals],
      vocabulary,
    };
  }
}
