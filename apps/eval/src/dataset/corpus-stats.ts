import { basename } from 'node:path';
import { targetedCleanup } from '../metrics/targeted-cleanup.js';
import { humanCleanup } from '../metrics/translation-edit-rate.js';
import { spearman } from '../stats/spearman.js';
import { goldDomains } from './conversation.js';
import { readKnowledgeBase } from './knowledge-base.js';
import { dataFiles, readConversations } from './load-conversations.js';
import type { Suite } from './load-suite.js';
import { readSplit, type SplitPart } from './split.js';

/** Counts that describe a suite's corpus; every number in `datasets/README.md` comes from here. */
export interface CorpusStats {
  conversations: number;
  /** Conversations with two or more user turns. */
  multiTurnConversations: number;
  userTurns: number;
  agentTurns: number;
  /** Agent turns where a bot drafted the reply and the human edited it. */
  agentTurnsWithDraft: number;
  /** Agent turns with annotated nuggets, and how many nuggets each carries. */
  agentTurnsWithNuggets: number;
  nuggetsPerTurn: Array<{ nuggets: number; agentTurns: number }>;
  /** How far the humans edited the bot drafts: the true HTER of draft → final, in bands. */
  draftEdits: {
    bands: Array<{ label: string; drafts: number }>;
    /** Median words of the drafts and of their finals. */
    medianDraftWords: number;
    medianFinalWords: number;
  };
  /**
   * The offline cleanup estimate of each draft (HTER against the targeted reference built from the
   * draft) against its true HTER (draft → the human's final): Spearman's ρ and the mean absolute
   * error, over the drafts whose turn has nuggets.
   */
  cleanupValidation: { pairs: number; spearman: number | null; meanAbsoluteError: number | null };
  /** User turns whose language is not English (primary subtag other than `en`). */
  nonEnglishUserTurns: number;
  /** User turns that need several specialists (two or more gold domains). */
  multiPartUserTurns: number;
  /** User turns with intent `regulated-advice`. */
  regulatedAdviceUserTurns: number;
  /** User turns with intent `out-of-scope`. */
  outOfScopeUserTurns: number;
  distinctIntents: number;
  /** User turns per gold domain (a multi-part turn counts in each of its domains), with split sides. */
  domains: Array<{ domain: string; userTurns: number; train: number; test: number }>;
  languages: Array<{ language: string; userTurns: number }>;
  files: Array<{ file: string; conversations: number; userTurns: number }>;
  knowledgeBases: Array<{ kb: string; articles: number; languages: string[] }>;
  /** Split sizes, when the suite has a split; `unassigned` counts conversations it does not place. */
  split: { train: PartSize; test: PartSize; unassigned: number } | undefined;
  userTurnWords: WordLengths;
}

/** Size of one side of the split. */
export interface PartSize {
  conversations: number;
  userTurns: number;
}

/** Distribution of user-turn lengths in words (whitespace-separated). */
export interface WordLengths {
  min: number;
  p10: number;
  p25: number;
  median: number;
  p75: number;
  p90: number;
  max: number;
  mean: number;
  buckets: Array<{ label: string; userTurns: number }>;
}

const bucketEdges: Array<[label: string, max: number]> = [
  ['1–5', 5],
  ['6–15', 15],
  ['16–40', 40],
  ['41–100', 100],
  ['101+', Number.POSITIVE_INFINITY],
];

/**
 * Computes the corpus statistics of a suite from its files, through the same loaders the harness
 * uses (so an invalid corpus fails here too).
 *
 * @example
 * ```ts
 * const stats = await computeCorpusStats(await loadSuite('datasets/support/suite.json'));
 * ```
 */
export async function computeCorpusStats(suite: Suite): Promise<CorpusStats> {
  const sides = new Map<string, SplitPart>();
  if (suite.split !== undefined) {
    const split = await readSplit(suite.split);
    for (const id of split.train) sides.set(id, 'train');
    for (const id of split.test) sides.set(id, 'test');
  }
  const stats: Omit<
    CorpusStats,
    | 'domains'
    | 'languages'
    | 'knowledgeBases'
    | 'split'
    | 'userTurnWords'
    | 'distinctIntents'
    | 'nuggetsPerTurn'
    | 'draftEdits'
    | 'cleanupValidation'
  > = {
    conversations: 0,
    multiTurnConversations: 0,
    userTurns: 0,
    agentTurns: 0,
    agentTurnsWithDraft: 0,
    agentTurnsWithNuggets: 0,
    nonEnglishUserTurns: 0,
    multiPartUserTurns: 0,
    regulatedAdviceUserTurns: 0,
    outOfScopeUserTurns: 0,
    files: [],
  };
  const domains = new Map<string, { userTurns: number; train: number; test: number }>();
  const languages = new Map<string, number>();
  const intents = new Set<string>();
  // A histogram instead of a list of lengths: memory bounded by the longest turn, not the corpus.
  const wordHistogram = new Map<number, number>();
  const parts = { train: { conversations: 0, userTurns: 0 }, test: { conversations: 0, userTurns: 0 } };
  let unassigned = 0;
  const nuggetCounts = new Map<number, number>();
  const trueHter: number[] = [];
  const estimatedHter: number[] = [];
  const draftBands = new Map<string, number>(draftBandEdges.map(([label]) => [label, 0]));
  const draftWords: number[] = [];
  const finalWords: number[] = [];

  for (const file of await dataFiles(suite.conversations)) {
    const fileStats = { file: basename(file), conversations: 0, userTurns: 0 };
    for await (const conversation of readConversations(file, { mapping: suite.mapping })) {
      const side = sides.get(conversation.id);
      if (suite.split !== undefined && side === undefined) unassigned += 1;
      if (side !== undefined) parts[side].conversations += 1;
      let userTurns = 0;
      for (const turn of conversation.turns) {
        if (turn.role === 'agent') {
          stats.agentTurns += 1;
          if (turn.nuggets !== undefined) {
            stats.agentTurnsWithNuggets += 1;
            nuggetCounts.set(turn.nuggets.length, (nuggetCounts.get(turn.nuggets.length) ?? 0) + 1);
          }
          if (turn.draft !== undefined) {
            stats.agentTurnsWithDraft += 1;
            const truth = humanCleanup(turn.draft, turn.text);
            const band = draftBandEdges.find(([, max]) => truth <= max)![0];
            draftBands.set(band, (draftBands.get(band) ?? 0) + 1);
            draftWords.push(wordCount(turn.draft));
            finalWords.push(wordCount(turn.text));
            if (turn.nuggets !== undefined) {
              trueHter.push(truth);
              estimatedHter.push(targetedCleanup(turn.draft, turn.text, turn.nuggets).rate);
            }
          }
          continue;
        }
        userTurns += 1;
        if (side !== undefined) parts[side].userTurns += 1;
        const gold = goldDomains(turn);
        if (gold.length >= 2) stats.multiPartUserTurns += 1;
        for (const domain of gold) {
          const counts = domains.get(domain) ?? { userTurns: 0, train: 0, test: 0 };
          counts.userTurns += 1;
          if (side !== undefined) counts[side] += 1;
          domains.set(domain, counts);
        }
        const language = turn.language ?? 'unlabelled';
        languages.set(language, (languages.get(language) ?? 0) + 1);
        if (turn.language !== undefined && turn.language.split('-')[0]?.toLowerCase() !== 'en') {
          stats.nonEnglishUserTurns += 1;
        }
        if (turn.intent !== undefined) intents.add(turn.intent);
        if (turn.intent === 'regulated-advice') stats.regulatedAdviceUserTurns += 1;
        if (turn.intent === 'out-of-scope') stats.outOfScopeUserTurns += 1;
        const words = turn.text.trim().split(/\s+/).length;
        wordHistogram.set(words, (wordHistogram.get(words) ?? 0) + 1);
      }
      stats.conversations += 1;
      stats.userTurns += userTurns;
      if (userTurns >= 2) stats.multiTurnConversations += 1;
      fileStats.conversations += 1;
      fileStats.userTurns += userTurns;
    }
    stats.files.push(fileStats);
  }

  const knowledgeBases: CorpusStats['knowledgeBases'] = [];
  for (const [kb, folder] of Object.entries(suite.knowledgeBases)) {
    const articles = await readKnowledgeBase(folder, { kb });
    knowledgeBases.push({
      kb,
      articles: articles.length,
      languages: [...new Set(articles.map((article) => article.language))].sort(),
    });
  }

  return {
    ...stats,
    distinctIntents: intents.size,
    domains: [...domains]
      .map(([domain, counts]) => ({ domain, ...counts }))
      .sort((left, right) => right.userTurns - left.userTurns || compare(left.domain, right.domain)),
    languages: [...languages]
      .map(([language, userTurns]) => ({ language, userTurns }))
      .sort((left, right) => right.userTurns - left.userTurns || compare(left.language, right.language)),
    knowledgeBases,
    split: suite.split === undefined ? undefined : { ...parts, unassigned },
    userTurnWords: wordLengths(wordHistogram),
    nuggetsPerTurn: [...nuggetCounts]
      .map(([nuggets, agentTurns]) => ({ nuggets, agentTurns }))
      .sort((left, right) => left.nuggets - right.nuggets),
    draftEdits: {
      bands: [...draftBands].map(([label, drafts]) => ({ label, drafts })),
      medianDraftWords: median(draftWords),
      medianFinalWords: median(finalWords),
    },
    cleanupValidation: {
      pairs: trueHter.length,
      spearman: round(spearman(estimatedHter, trueHter)),
      meanAbsoluteError: round(
        trueHter.length === 0
          ? null
          : trueHter.reduce((sum, truth, index) => sum + Math.abs(estimatedHter[index]! - truth), 0) /
              trueHter.length,
      ),
    },
  };
}

/** Bands of the true HTER of a draft → final edit, as the annotation guide defines them. */
const draftBandEdges: Array<[label: string, max: number]> = [
  ['unchanged (0)', 0],
  ['light (≤ 0.2)', 0.2],
  ['moderate (0.2–0.5)', 0.5],
  ['heavy (> 0.5)', Number.POSITIVE_INFINITY],
];

function wordCount(text: string): number {
  return text.trim().split(/\s+/).length;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000;
}

function wordLengths(histogram: Map<number, number>): WordLengths {
  const lengths = [...histogram.keys()].sort((left, right) => left - right);
  const total = [...histogram.values()].reduce((sum, count) => sum + count, 0);
  // Nearest-rank percentile over the histogram.
  const percentile = (share: number): number => {
    const rank = Math.max(1, Math.ceil(share * total));
    let seen = 0;
    for (const length of lengths) {
      seen += histogram.get(length) ?? 0;
      if (seen >= rank) return length;
    }
    return 0;
  };
  const sum = lengths.reduce((acc, length) => acc + length * (histogram.get(length) ?? 0), 0);
  let lower = 0;
  const buckets = bucketEdges.map(([label, max]) => {
    const userTurns = lengths
      .filter((length) => length > lower && length <= max)
      .reduce((acc, length) => acc + (histogram.get(length) ?? 0), 0);
    lower = max;
    return { label, userTurns };
  });
  return {
    min: lengths[0] ?? 0,
    p10: percentile(0.1),
    p25: percentile(0.25),
    median: percentile(0.5),
    p75: percentile(0.75),
    p90: percentile(0.9),
    max: lengths.at(-1) ?? 0,
    mean: total === 0 ? 0 : Math.round((sum / total) * 10) / 10,
    buckets,
  };
}

function compare(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
