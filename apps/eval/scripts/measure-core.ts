/**
 * Measures @baton/core's language detection, regulated-advice guardrail, PII redaction and
 * request splitting on labelled data, and writes the figures between `<!-- measurements:start -->`
 * and `<!-- measurements:end -->` in packages/core/README.md, so no figure there is typed by hand.
 *
 * Usage: tsx --conditions=@baton/source scripts/measure-core.ts [--parallel-items <items.jsonl>] [--check]
 * `--parallel-items`: the items of `baton eval --strategies parallel` (test split); without it the
 * splitting figure already in the README is kept as it is (and not checked). `--check` writes
 * nothing and exits 1 when the block is stale.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectableLanguages, detectLanguage, findPii, guessLanguage, regulatedTopicOf } from '@baton/core';
import { parseScriptArgs, runScript } from './run-script.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const readme = join(root, 'packages/core/README.md');
const usage = 'usage: measure-core [--parallel-items <items.jsonl>] [--check]';

interface Turn {
  text: string;
  language: string;
  intent?: string;
  history: string[];
}

async function corpusTurns(): Promise<Turn[]> {
  const folder = join(root, 'datasets/support/conversations');
  const turns: Turn[] = [];
  for (const file of (await readdir(folder)).filter((name) => name.endsWith('.jsonl')).sort()) {
    for (const line of (await readFile(join(folder, file), 'utf8')).split('\n')) {
      if (!line.trim()) continue;
      const conversation = JSON.parse(line) as {
        turns: { role: string; text: string; language?: string; intent?: string }[];
      };
      const history: string[] = [];
      for (const turn of conversation.turns) {
        if (turn.role !== 'user') continue;
        if (turn.language)
          turns.push({
            text: turn.text,
            language: turn.language,
            ...(turn.intent ? { intent: turn.intent } : {}),
            history: [...history],
          });
        history.push(turn.text);
      }
    }
  }
  return turns;
}

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
const ratio = (value: number) => value.toFixed(3);

async function measureLanguage(turns: Turn[]): Promise<string[]> {
  const seven: readonly string[] = detectableLanguages;
  const candidates: [string, (text: string, history: string[]) => string][] = [
    ['`detectLanguage` (core: ELD + function words for ≤ 3 words)', (text) => detectLanguage(text)],
    [
      'core as the team uses it (earlier user turns when the message gives no evidence)',
      (text, history) =>
        guessLanguage(text) ?? [...history].reverse().map(guessLanguage).find(Boolean) ?? 'en',
    ],
  ];
  for (const size of ['extrasmall', 'small'] as const) {
    const { eld } = (await import(`eld/${size}`)) as {
      eld: { detect(text: string): { getScores(): Record<string, number> } };
    };
    candidates.push([
      `\`eld\` ${size} alone, best of the seven`,
      (text) => {
        const scores = eld.detect(text).getScores();
        let best = 'en';
        let top = 0;
        for (const language of seven)
          if ((scores[language] ?? 0) > top) [best, top] = [language, scores[language] ?? 0];
        return best;
      },
    ]);
  }
  const lines = ['| detector | correct | accuracy |', '| :-- | --: | --: |'];
  for (const [name, detect] of candidates) {
    const correct = turns.filter((turn) => detect(turn.text, turn.history) === turn.language).length;
    lines.push(`| ${name} | ${correct} / ${turns.length} | ${percent(correct / turns.length)} |`);
  }
  return lines;
}

function confusion(rows: { predicted: boolean; gold: boolean }[]) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const row of rows) {
    if (row.predicted && row.gold) tp += 1;
    else if (row.predicted) fp += 1;
    else if (row.gold) fn += 1;
  }
  return { n: rows.length, precision: tp / (tp + fp), recall: tp / (tp + fn) };
}

async function measureGuardrail(turns: Turn[]): Promise<string[]> {
  const set = (await readFile(join(root, 'datasets/guardrails/regulated-advice.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { id: string; text: string; label: string });
  const half = (id: string) =>
    createHash('sha256').update(`regulated-advice-v1:${id}`).digest()[0]! < 128 ? 'dev' : 'held-out';
  const scored = (rows: typeof set) =>
    confusion(
      rows.map((row) => ({
        predicted: regulatedTopicOf(row.text) !== undefined,
        gold: row.label === 'advice',
      })),
    );
  const lines = ['| data | n | precision | recall |', '| :-- | --: | --: | --: |'];
  for (const [name, rows] of [
    ['labelled set, dev half (rules written against it)', set.filter((row) => half(row.id) === 'dev')],
    ['labelled set, **held-out half**', set.filter((row) => half(row.id) === 'held-out')],
  ] as const) {
    const result = scored([...rows]);
    lines.push(`| ${name} | ${result.n} | ${ratio(result.precision)} | ${ratio(result.recall)} |`);
  }
  // Written by another agent session, labelled before it read the rules; the seven languages only
  // (the rules cover no others), requests it marked ambiguous left out.
  const audit = (await readFile(join(root, 'datasets/guardrails/regulated-advice-audit.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map(
      (line) =>
        JSON.parse(line) as { id: string; text: string; label: string; language: string; part: string },
    )
    .filter(
      (row) => row.label !== 'ambiguous' && (detectableLanguages as readonly string[]).includes(row.language),
    );
  for (const [name, part] of [
    ['independent audit set, part A (the 2026-12-05 first-person fix was written against it)', 'a'],
    ['independent audit set, **part B** (written after that fix)', 'b'],
  ] as const) {
    const result = scored(audit.filter((row) => row.part === part));
    lines.push(`| ${name} | ${result.n} | ${ratio(result.precision)} | ${ratio(result.recall)} |`);
  }
  const corpus = confusion(
    turns.map((turn) => ({
      predicted: regulatedTopicOf(turn.text) !== undefined,
      gold: turn.intent === 'regulated-advice',
    })),
  );
  lines.push(
    `| corpus user turns (intent \`regulated-advice\`) | ${corpus.n} | ${ratio(corpus.precision)} | ${ratio(corpus.recall)} |`,
  );
  return lines;
}

/** Recall over a labelled file's `pii` spans and the share of its `keep` spans touched, by kind. */
async function piiFigures(file: string): Promise<string> {
  const rows = (await readFile(join(root, file), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { text: string; pii: Span[]; keep: Span[] });
  type Span = { start: number; end: number; kind: string };
  const byKind = new Map<string, [number, number]>();
  let kept = 0;
  let keepTotal = 0;
  for (const row of rows) {
    const found = findPii(row.text);
    for (const span of row.pii) {
      const entry = byKind.get(span.kind) ?? [0, 0];
      entry[1] += 1;
      if (found.some((hit) => hit.start <= span.start && hit.end >= span.end)) entry[0] += 1;
      byKind.set(span.kind, entry);
    }
    for (const span of row.keep) {
      keepTotal += 1;
      if (found.some((hit) => hit.start < span.end && hit.end > span.start)) kept += 1;
    }
  }
  let caught = 0;
  let total = 0;
  const kinds = [...byKind].sort(([a], [b]) => a.localeCompare(b));
  for (const [, [hit, all]] of kinds) {
    caught += hit;
    total += all;
  }
  return `Recall **${ratio(caught / total)}** (${caught} of ${total} spans fully redacted; by kind: ${kinds
    .map(([kind, [hit, all]]) => `${kind} ${hit}/${all}`)
    .join(
      ', ',
    )}); false redactions **${percent(kept / keepTotal)}** (${kept} of ${keepTotal} look-alikes touched).`;
}

async function measurePii(turns: Turn[]): Promise<string[]> {
  return [
    await piiFigures('datasets/guardrails/pii-spans.jsonl'),
    '',
    `On \`datasets/guardrails/pii-audit.jsonl\` (another agent session's independent set, in which the detectors were then mended; see above): ${await piiFigures('datasets/guardrails/pii-audit.jsonl')}`,
    '',
    // The corpus has no PII labels, so this is a count to read, not a rate: a name rule that takes
    // ordinary words for names shows here first (112 turns before the 2026-12-05 fix).
    `On the corpus's ${turns.length} user turns (no PII labels): ${
      turns.filter((turn) => findPii(turn.text).some((span) => span.kind === 'name')).length
    } hold a \`name\` span.`,
  ];
}

async function measureSplitting(file: string): Promise<string[]> {
  let n = 0;
  let reached = 0;
  let several = 0;
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (!line.trim()) continue;
    const item = JSON.parse(line) as {
      strategy: string;
      gold: { domains: string[] };
      scores: Record<string, unknown>;
      delegations: { chosenAgentId: string | null }[];
    };
    if (item.strategy !== 'parallel' || item.gold.domains.length < 2) continue;
    n += 1;
    if (item.scores.routingCorrect === true) reached += 1;
    if (new Set(item.delegations.map((record) => record.chosenAgentId).filter(Boolean)).size >= 2)
      several += 1;
  }
  return [
    `Under \`parallel\` (trained routing), **${reached} of ${n}** test-split user turns with two or more gold domains (${percent(reached / n)}) reached a delegate for every gold domain; ${several} reached two or more delegates.`,
  ];
}

async function main(): Promise<number> {
  const parsed = parseScriptArgs(
    {
      options: {
        'parallel-items': { type: 'string' },
        check: { type: 'boolean', default: false },
      },
    },
    usage,
  );
  if (parsed === undefined) return 0;
  const { values } = parsed;
  const turns = await corpusTurns();
  const sections = [
    `**Language detection** on the corpus's ${turns.length} labelled user turns:`,
    '',
    ...(await measureLanguage(turns)),
    '',
    '**Regulated-advice guardrail** (rules), on `datasets/guardrails/regulated-advice.jsonl`, `regulated-advice-audit.jsonl` and the corpus:',
    '',
    ...(await measureGuardrail(turns)),
    '',
    "**PII redaction** on `datasets/guardrails/pii-spans.jsonl` (written by the detectors' author):",
    '',
    ...(await measurePii(turns)),
  ];
  const current = await readFile(readme, 'utf8');
  const pattern = /<!-- measurements:start -->[\s\S]*<!-- measurements:end -->/;
  if (!pattern.test(current)) throw new Error(`${readme}: no measurements block`);
  if (values['parallel-items']) {
    sections.push('', '**Splitting**:', '', ...(await measureSplitting(values['parallel-items'])));
  } else {
    // Measured from a run's items only: without them, the figure the README has stays.
    const kept = /\n\*\*Splitting\*\*:\n[\s\S]*?(?=\n<!-- measurements:end -->)/.exec(
      pattern.exec(current)?.[0] ?? '',
    )?.[0];
    if (kept) sections.push(kept);
  }
  const block = `<!-- measurements:start -->\n<!-- written by apps/eval/scripts/measure-core.ts; do not edit -->\n${sections.join('\n')}\n<!-- measurements:end -->`;
  // The repository's formatter owns Markdown layout (it pads the tables): compare and write what it
  // makes of the new text, or --check would always find the block stale.
  const updated = execFileSync('npx', ['biome', 'format', `--stdin-file-path=${readme}`], {
    cwd: root,
    input: current.replace(pattern, () => block),
    encoding: 'utf8',
  });
  if (values.check) {
    if (updated !== current)
      process.stderr.write(`stale: ${readme} (run npm run measure:core -w @baton/eval)\n`);
    return updated === current ? 0 : 1;
  }
  if (updated !== current) await writeFile(readme, updated);
  process.stderr.write(`${updated === current ? 'unchanged' : 'updated'} ${readme}\n`);
  return 0;
}

runScript('measure-core', main);
