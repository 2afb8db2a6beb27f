import { EvalError } from '../eval-error.js';
import type { CorpusStats } from './corpus-stats.js';

/** The markers around the generated statistics in `datasets/README.md`. */
export const statsMarkers = { start: '<!-- stats:start -->', end: '<!-- stats:end -->' } as const;

/**
 * Renders corpus statistics as the Markdown tables of the README's stats block.
 *
 * @example
 * ```ts
 * const block = renderCorpusStats(await computeCorpusStats(suite));
 * ```
 */
export function renderCorpusStats(stats: CorpusStats): string {
  const share = (part: number, whole: number) =>
    whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)} %`;
  const count = (value: number) => value.toLocaleString('en-US');
  const sections: string[] = [];

  const overview: Array<[string, number, string]> = [
    ['conversations', stats.conversations, ''],
    [
      'multi-turn conversations (2+ user turns)',
      stats.multiTurnConversations,
      `${share(stats.multiTurnConversations, stats.conversations)} of conversations`,
    ],
    ['user turns', stats.userTurns, ''],
    ['agent turns (recorded human replies)', stats.agentTurns, ''],
    [
      'agent turns with a bot draft',
      stats.agentTurnsWithDraft,
      `${share(stats.agentTurnsWithDraft, stats.agentTurns)} of agent turns`,
    ],
    [
      'non-English user turns',
      stats.nonEnglishUserTurns,
      `${share(stats.nonEnglishUserTurns, stats.userTurns)} of user turns`,
    ],
    [
      'multi-part user turns (2+ domains)',
      stats.multiPartUserTurns,
      `${share(stats.multiPartUserTurns, stats.userTurns)} of user turns`,
    ],
    [
      'regulated-advice user turns',
      stats.regulatedAdviceUserTurns,
      `${share(stats.regulatedAdviceUserTurns, stats.userTurns)} of user turns`,
    ],
    [
      'out-of-scope user turns',
      stats.outOfScopeUserTurns,
      `${share(stats.outOfScopeUserTurns, stats.userTurns)} of user turns`,
    ],
    ['distinct intents', stats.distinctIntents, ''],
  ];
  sections.push(
    table(
      ['', 'count', 'share'],
      overview.map(([label, value, note]) => [label, count(value), note]),
      ['l', 'r', 'r'],
    ),
  );

  if (stats.agentTurnsWithNuggets > 0) {
    sections.push(
      `**Nuggets per agent turn** (${count(stats.agentTurnsWithNuggets)} of ${count(stats.agentTurns)} agent turns annotated)\n\n${table(
        ['nuggets', 'agent turns', 'share'],
        stats.nuggetsPerTurn.map((row) => [
          String(row.nuggets),
          count(row.agentTurns),
          share(row.agentTurns, stats.agentTurnsWithNuggets),
        ]),
        ['r', 'r', 'r'],
      )}`,
    );
  }

  if (stats.agentTurnsWithDraft > 0) {
    const { draftEdits, cleanupValidation } = stats;
    const fixed = (value: number | null) => (value === null ? '–' : value.toFixed(3));
    sections.push(
      `**Bot drafts: how far the human edited them** (true HTER of draft → final; median ${draftEdits.medianDraftWords} words per draft, ${draftEdits.medianFinalWords} per final)\n\n${table(
        ['edit', 'drafts', 'share'],
        draftEdits.bands.map((band) => [
          band.label,
          count(band.drafts),
          share(band.drafts, stats.agentTurnsWithDraft),
        ]),
        ['l', 'r', 'r'],
      )}\n\n**Offline cleanup estimate against the true HTER** (the estimate of each draft, HTER against the targeted reference built from the draft alone, vs. HTER of draft → final; ${count(cleanupValidation.pairs)} drafts)\n\n${table(
        ["Spearman's ρ", 'mean absolute error'],
        [[fixed(cleanupValidation.spearman), fixed(cleanupValidation.meanAbsoluteError)]],
        ['r', 'r'],
      )}`,
    );
  }

  if (stats.split !== undefined) {
    const { train, test, unassigned } = stats.split;
    const rows = [
      ['train', count(train.conversations), count(train.userTurns)],
      ['test', count(test.conversations), count(test.userTurns)],
    ];
    if (unassigned > 0) rows.push(['not in the split (rerun make-split)', count(unassigned), '']);
    sections.push(
      `**Split** (by conversation)\n\n${table(['side', 'conversations', 'user turns'], rows, ['l', 'r', 'r'])}`,
    );
  }

  sections.push(
    `**User turns per domain** (a multi-part turn counts in each of its domains)\n\n${table(
      ['domain', 'user turns', 'share', 'train', 'test'],
      stats.domains.map((row) => [
        row.domain,
        count(row.userTurns),
        share(row.userTurns, stats.userTurns),
        count(row.train),
        count(row.test),
      ]),
      ['l', 'r', 'r', 'r', 'r'],
    )}`,
  );

  sections.push(
    `**User turns per language**\n\n${table(
      ['language', 'user turns', 'share'],
      stats.languages.map((row) => [
        row.language,
        count(row.userTurns),
        share(row.userTurns, stats.userTurns),
      ]),
      ['l', 'r', 'r'],
    )}`,
  );

  const words = stats.userTurnWords;
  sections.push(
    `**Length of user turns** (words)\n\n${table(
      ['min', 'p10', 'p25', 'median', 'p75', 'p90', 'max', 'mean'],
      [
        [words.min, words.p10, words.p25, words.median, words.p75, words.p90, words.max, words.mean].map(
          String,
        ),
      ],
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    )}\n\n${table(
      ['words', 'user turns', 'share'],
      words.buckets.map((bucket) => [
        bucket.label,
        count(bucket.userTurns),
        share(bucket.userTurns, stats.userTurns),
      ]),
      ['l', 'r', 'r'],
    )}`,
  );

  sections.push(
    `**Conversation files**\n\n${table(
      ['file', 'conversations', 'user turns'],
      stats.files.map((row) => [`\`${row.file}\``, count(row.conversations), count(row.userTurns)]),
      ['l', 'r', 'r'],
    )}`,
  );

  sections.push(
    `**Knowledge bases**\n\n${table(
      ['knowledge base', 'articles', 'language'],
      stats.knowledgeBases.map((row) => [`\`${row.kb}\``, count(row.articles), row.languages.join(', ')]),
      ['l', 'r', 'l'],
    )}`,
  );

  return sections.join('\n\n');
}

/** The text between the stats markers of a README, or undefined when it has none. */
export function readStatsBlock(readme: string): string | undefined {
  const start = readme.indexOf(statsMarkers.start);
  const end = readme.indexOf(statsMarkers.end);
  if (start === -1 || end === -1 || end < start) return undefined;
  return readme.slice(start + statsMarkers.start.length, end).trim();
}

/**
 * Puts a rendered stats block between the README's markers, replacing what was there.
 *
 * @throws EvalError `invalid-input` when the markers are missing.
 */
export function replaceStatsBlock(readme: string, block: string, file = 'README.md'): string {
  const start = readme.indexOf(statsMarkers.start);
  const end = readme.indexOf(statsMarkers.end);
  if (start === -1 || end === -1 || end < start) {
    throw new EvalError(
      'invalid-input',
      `${file}: no "${statsMarkers.start}" … "${statsMarkers.end}" block to fill`,
    );
  }
  return `${readme.slice(0, start + statsMarkers.start.length)}\n${block}\n${readme.slice(end)}`;
}

function table(header: string[], rows: string[][], align: Array<'l' | 'r'>): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const rule = align.map((side) => (side === 'r' ? '--:' : ':--'));
  return [line(header), line(rule), ...rows.map(line)].join('\n');
}
