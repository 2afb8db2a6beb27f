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

  it('draws a dot-and-whisker chart per metric and the fallback rungs as stacked bars', () => {
    const html = renderHtml(exampleRunSummary());
    // One chart per summary metric (11) and the fallback rungs.
    expect(html.match(/<svg /g)).toHaveLength(12);
    // trained's quality .52 on a 0–1 axis from x = 180 to 490: 180 + .52 × 310 = 341.2.
    expect(html).toContain('<circle cx="341.2" cy="67" r="5" fill="#0969da"><title>trained: 0.520');
    // lexical's rungs: retry .25 and human .25 over 430 px (x = 180 to 610), the fallback rate .75 as a tick.
    expect(html).toContain(
      '<rect x="180" y="53" width="107.5" height="16" fill="#4e79a7"><title>lexical · retry: 0.250',
    );
    expect(html).toContain('<line x1="502.5" y1="50" x2="502.5" y2="72"');
    expect(html).toContain('❌ Baton eval: gate failed (1 of 2 checks)');
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
    const headings = [...html.matchAll(/<summary>(.*?)<\/summary>/g)].map((match) => match[1]);
    // lexical: the error c3#0 first, then the lowest quality (c8#0, .1); trained: the failed c3#2,
    // then the lowest quality among answered turns (c2#0, .4).
    expect(headings).toEqual([
      'c3#0 · error · quality 0.000 · cleanup 1.000',
      'c8#0 · answered · quality 0.100 · cleanup n/a',
      'c3#2 · failed · quality 0.000 · cleanup 1.000',
      'c2#0 · answered · quality 0.400 · cleanup 0.600',
    ]);
    expect(html).toContain(`<pre>${'x'.repeat(20)}… (30 more characters)</pre>`);
    expect(html).toContain('<pre>model-error: boom</pre>');
  });
});
