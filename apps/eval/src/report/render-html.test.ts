import type { DelegationRecord } from '@baton/core';
import { describe, expect, it } from 'vitest';
import type { ItemResult } from '../item-result.js';
import { buildRunSummary } from '../summary/build-run-summary.js';
import { lexicalItems, makeItem, trainedItems } from '../summary/example-items.fixture.js';
import { exampleRunInput, exampleRunSummary } from '../summary/example-run.fixture.js';
import { renderHtml } from './render-html.js';

const evil = '<script>alert("x")</script>';

describe('renderHtml', () => {
  it('is one self-contained page: no scripts, no external assets', () => {
    const html = renderHtml(exampleRunSummary(), { items: [...lexicalItems, ...trainedItems] });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|\ssrc=|@import|url\(/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('draws a chart of means per metric with data, a forest plot per compared metric, and the rungs', () => {
    const html = renderHtml(exampleRunSummary());
    const metricsOf = (kind: string) =>
      [...html.matchAll(new RegExp(`<svg [^>]*class="chart ${kind}" data-metric="([^"]+)"`, 'g'))].map(
        (match) => match[1],
      );
    // Every summary metric with data (the example items have no token F1 and no recorded HTER),
    // then the custom score.
    expect(metricsOf('means')).toEqual([
      'answerQuality',
      'answeredQuality',
      'fallbackRate',
      'escalationRate',
      'unnecessaryEscalationRate',
      'missedEscalationRate',
      'humanCleanup',
      'routingAccuracy',
      'passRate',
      'politeness',
    ]);
    expect(metricsOf('forest')).toEqual([
      'answerQuality',
      'humanCleanup',
      'routingAccuracy',
      'escalationRate',
      'fallbackRate',
      'passRate',
    ]);
    // lexical's rungs: retry .25 and human .25 over 430 px (x = 180 to 610), the fallback rate .75 as a tick.
    expect(html).toContain(
      '<rect x="180" y="53" width="107.5" height="16" fill="#4e79a7"><title>lexical · retry: 0.250',
    );
    expect(html).toContain('<line x1="502.5" y1="50" x2="502.5" y2="72"');
    expect(html).toContain('Baton eval: gate failed (1 of 2 checks)</h1>');
  });

  it('fits each axis to its data instead of a fixed 0–1 scale', () => {
    const html = renderHtml(exampleRunSummary());
    const ticksOf = (kind: string, metric: string) => {
      const svg = new RegExp(`<svg [^>]*class="chart ${kind}" data-metric="${metric}".*?</svg>`).exec(
        html,
      )![0];
      return [...svg.matchAll(/<text class="tick"[^>]*>([^<]+)<\/text>/g)].map((match) => match[1]);
    };
    // Human cleanup's means and intervals span .2 to 1 (lexical .62 [.3, 1], trained .48 [.2, .68]).
    expect(ticksOf('means', 'humanCleanup')).toEqual(['0.2', '0.4', '0.6', '0.8', '1']);
    // trained's paired cleanup difference -.14 [-.4, -.05]: the axis runs from -0.4 to 0, zero included.
    expect(ticksOf('forest', 'humanCleanup')).toEqual(['-0.4', '-0.3', '-0.2', '-0.1', '0']);
  });

  it('shows n beside every number and uses no emoji, so any font renders it', () => {
    const html = renderHtml(exampleRunSummary(), { items: [...lexicalItems, ...trainedItems] });
    expect(html).not.toMatch(/[\u{1F000}-\u{1FAFF}\u{2600}-\u{27BF}\u{2B00}-\u{2BFF}]|\u{FE0F}/u);
    // Every row of every chart says its n: 10 charts of means × 2 strategies, 6 forest plots × 1.
    const rows = [...html.matchAll(/<g class="row[^"]*" data-strategy="[^"]*">(.*?)<\/g>/g)].map(
      (match) => match[1],
    );
    expect(rows).toHaveLength(26);
    for (const row of rows) expect(row).toMatch(/n \d+|nothing paired/);
    expect(html).toContain('<span class="mean">0.520</span><span class="ci">[0.300, 0.800] · n 5</span>');
    // The forest plot: difference, interval, p and the conversations paired.
    expect(html).toMatch(/-0\.140 \[-0\.400, -0\.050\] <tspan[^>]*>p 0\.\d{3} · n 3<\/tspan>/);
    // Three conversations: no difference can be significant, and the note says why.
    expect(html).not.toContain('<span class="badge better">');
    expect(html).toContain('Differences over fewer than 6 conversations: 500 resamples cannot reach');
    expect(html).toContain('<span class="badge fail">fail</span>');
  });

  it('shows paths relative to the folder the run was started in', () => {
    const summary = {
      ...exampleRunSummary(),
      suite: { ...exampleRunSummary().suite, dataset: '/home/runner/work/app/datasets/support' },
    };
    const html = renderHtml(summary, { cwd: '/home/runner/work/app' });
    expect(html).toContain('(datasets/support, split test)');
    expect(html).not.toContain('/home/runner');
  });

  it('escapes a strategy name and an answer that carry markup', () => {
    const items: ItemResult[] = [
      ...lexicalItems,
      ...trainedItems.map((item) => ({ ...item, strategy: evil })),
      makeItem({
        strategy: 'lexical',
        conversationId: 'c9',
        turnIndex: 0,
        answer: `Sure! ${evil}`,
        input: '<img src=x onerror=alert(1)>',
        scores: { answerQuality: 0 },
      }),
    ];
    const summary = buildRunSummary({
      ...exampleRunInput,
      strategies: [{ name: 'lexical' }, { name: evil, description: '<b>bold</b>' }],
      suite: { ...exampleRunInput.suite, name: '<i>suite</i>' },
      items,
    });
    const html = renderHtml(summary, { items });
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<i>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('Sure! &lt;script&gt;');
    expect(html).toContain('<title>Baton eval · &lt;i&gt;suite&lt;/i&gt;</title>');
  });

  it('shows the turns most worth a look, errors and failures first, text cut to length', () => {
    const long = makeItem({
      strategy: 'lexical',
      conversationId: 'c8',
      turnIndex: 0,
      answer: 'x'.repeat(50),
      scores: { answerQuality: 0.1 },
    });
    const items = [...lexicalItems, long, ...trainedItems];
    const summary = buildRunSummary({ ...exampleRunInput, items });
    const html = renderHtml(summary, { items, examplesPerStrategy: 2, maxTextLength: 20 });
    const headings = [...html.matchAll(/<summary>(.*?)<\/summary>/g)].map((match) =>
      match[1]!.replace(/<[^>]+>/g, ''),
    );
    // lexical: the error c3#0 first, then the lowest quality (c8#0, .1); trained: the failed c3#2,
    // then the lowest quality among answered turns (c2#0, .4).
    expect(headings).toEqual([
      'c3#0 · error · quality 0.000 · cleanup 1.000',
      'c8#0 · answered · quality 0.100 · cleanup n/a',
      'c3#2 · failed · quality 0.000 · cleanup 1.000',
      'c2#0 · answered · quality 0.400 · cleanup 0.600',
    ]);
    expect(html).toContain(`<pre class="answer">${'x'.repeat(20)}… (30 more characters)</pre>`);
    expect(html).toContain('<pre class="answer">model-error: boom</pre>');
  });

  it('drills into a turn: its nuggets with their verdicts and its delegation record', () => {
    const item = makeItem({
      strategy: 'trained',
      conversationId: 'c7',
      turnIndex: 0,
      answer: 'Refunds take five days.',
      nuggets: ['five working days', 'to the card you paid with'],
      scores: { answerQuality: 0.5 },
    });
    const drilled: ItemResult = {
      ...item,
      scoreDetails: {
        answerQuality: {
          method: 'nugget-match',
          nuggets: [
            { nugget: 'five working days', verdict: 'present' },
            { nugget: 'to the card you paid with', verdict: 'missing' },
          ],
        },
      },
      delegations: [delegationRecord()],
    };
    const items = [...lexicalItems, ...trainedItems, drilled];
    const summary = buildRunSummary({ ...exampleRunInput, items });
    const html = renderHtml(summary, { items, examplesPerStrategy: 10 });
    const turn = /<details class="turn" data-item="c7#0">[\s\S]*?<\/details>/.exec(html)![0];
    expect(turn).toContain('Nuggets <span class="n">1 of 2 present, annotated</span>');
    expect(turn).toContain(
      '<tr><td>to the card you paid with</td><td><span class="verdict missing">missing</span></td></tr>',
    );
    expect(turn).toContain('chose <strong>billing</strong>: best card match');
    expect(turn).toContain('<span class="verdict missing">groundedness failed</span> 2 of 5 sentences');
    expect(turn).toContain('<li>alternative from billing to orders: verification failed</li>');
  });
});

/** A delegation record with a rejected first attempt and a fallback to the next-best agent. */
function delegationRecord(): DelegationRecord {
  const usage = { inputTokens: 0, outputTokens: 0 };
  return {
    id: 'del-1',
    mode: 'delegate',
    strategy: 'trained',
    delegatorId: 'desk',
    depth: 1,
    task: { goal: 'refund timing' },
    candidates: [
      { agentId: 'billing', score: 0.7 },
      { agentId: 'orders', score: 0.2 },
    ],
    chosenAgentId: 'billing',
    reason: 'best card match',
    context: { policy: 'last-6', messages: 2, characters: 80, redactions: 0 },
    attempts: [
      {
        index: 1,
        agentId: 'billing',
        rung: 'primary',
        outcome: 'rejected',
        verdicts: [{ verifier: 'groundedness', passed: false, reason: '2 of 5 sentences' }],
        usage,
        costUsd: 0,
        latencyMs: 3,
      },
    ],
    fallbacks: [
      { rung: 'alternative', reason: 'verification failed', fromAgentId: 'billing', toAgentId: 'orders' },
    ],
    outcome: 'completed',
    answeredBy: 'orders',
    excluded: [],
    usage,
    costUsd: 0,
    latencyMs: 5,
    startedAt: 0,
  };
}
