import { describe, expect, it } from 'vitest';
import type { Comparison } from '../run-summary.js';
import { exampleRunSummary } from '../summary/example-run.fixture.js';
import { escapeMarkdown, renderMarkdown, significance } from './render-markdown.js';

describe('renderMarkdown', () => {
  it('renders verdict, scorer, strategies, comparisons, gate and rungs', () => {
    expect(renderMarkdown(exampleRunSummary())).toMatchInlineSnapshot(`
      "## ❌ Baton eval: gate failed (1 of 2 checks)

      **support** (datasets/support/suite.json, split test) · 3 conversations, 5 turns · baseline **lexical** · offline (no model) · seed 7, 500 resamples

      **Scorer:** answer quality by token-f1 · human cleanup by ter-with-shifts · nuggets annotated on 5 turns, extracted from the reference on 0, none on 0 · pass at quality ≥ 0.5 · needs cleanup above 0.3

      ### Strategies

      | Strategy | Turns | Failed / errors | Quality ↑ | Answered-only quality ↑ | Fallback ↓ | Escalation ↓ | Unneeded / missed esc. ↓ | Cleanup ↓ | Routing ↑ | Token F1 ↑ | Latency p50 / p95 | Cost / turn |
      |---|--:|--:|---|---|---|---|--:|---|---|---|--:|--:|
      | lexical (baseline) | 5 | 0 / 1 | 0.580 [0.250, 1.000] | 0.633 [0.500, 0.700] (n 3) | 0.750 [0.500, 1.000] | 0.200 [0.000, 1.000] | 0.000 / 0.000 | 0.620 [0.300, 1.000] | 0.500 [0.000, 1.000] | n/a | 150 / 280 ms | $0.0008 |
      | trained | 5 | 1 / 0 | 0.520 [0.300, 0.800] | 0.650 [0.400, 0.800] (n 4) | 0.600 [0.500, 1.000] | 0.000 [0.000, 0.000] | 0.000 / 1.000 | 0.480 [0.200, 0.700] | 0.500 [0.000, 1.000] | n/a | 120 / 560 ms | $0.003 |

      Means with 95% bootstrap CIs resampled by conversation; n/a where a denominator is empty. Quality is nugget recall over every turn with nuggets: an escalation counts 1 when the gold label says a human was needed, else 0; failed and errored turns count 0 (answered-only quality beside it, with its n). Cleanup is HTER to the closest acceptable reply; escalations and failures count 1.

      ### Compared with lexical (paired)

      | Candidate | Metric | Diff | 95% CI | p | Paired |  |
      |---|---|--:|---|--:|--:|---|
      | trained | answer quality ↑ | -0.060 | [-0.600, +0.100] | 0.706 | 3 conv. |  |
      | trained | answered-only quality ↑ | +0.100 | [+0.100, +0.100] | n/a | 1 conv. |  |
      | trained | token F1 ↑ | n/a | n/a | n/a | 0 conv. |  |
      | trained | fallback rate ↓ | -0.250 | [-1.000, 0.000] | 0.715 | 3 conv. |  |
      | trained | escalation rate ↓ | -0.200 | [-1.000, 0.000] | 0.756 | 3 conv. |  |
      | trained | unnecessary escalations ↓ | 0.000 | [0.000, 0.000] | 1.000 | 2 conv. |  |
      | trained | missed escalations ↓ | +1.000 | [+1.000, +1.000] | n/a | 1 conv. |  |
      | trained | human cleanup ↓ | -0.140 | [-0.400, -0.050] | 0.143 | 3 conv. |  |
      | trained | routing accuracy ↑ | 0.000 | [-1.000, +0.500] | 1.000 | 3 conv. |  |
      | trained | pass rate ↑ | 0.000 | [-0.569, +0.569] | 1.000 | 5 turns |  |
      | trained | politeness ↑ | n/a | n/a | n/a | 0 conv. |  |

      Diff = candidate − baseline on the turns both have in the denominator: paired bootstrap by conversation, McNemar (turns) for the pass rate. Marked where p < 0.05. Differences over fewer than 6 conversations: 500 resamples cannot reach a 95% interval's tail, so the interval shown is the range of the resampled differences, narrower than a 95% interval of so few, and p cannot fall below 0.05; too few conversations to tell.

      ### Gate

      |  | Strategy | Check | Result |
      |---|---|---|---|
      | ✅ | trained | answerQuality &gt;= 0.5 | trained answerQuality 0.52 &gt;= 0.50 |
      | ❌ | trained | fallbackRate &lt;= 0.5 | trained fallbackRate 0.60 &gt; 0.50 |

      ### Fallback rungs

      Share of the turns of a delegating strategy that attempted a delegation or failed in which the delegation failed before or during the attempt, and in which each rung of the failure ladder ran (a turn may take several).

      | Strategy | In denominator | Fallback | Failed | Retry | Alternative | Self | Human |
      |---|--:|--:|--:|--:|--:|--:|--:|
      | lexical (baseline) | 4 | 0.750 | 0.250 | 0.250 | 0.000 | 0.000 | 0.250 |
      | trained | 5 | 0.600 | 0.200 | 0.400 | 0.400 | 0.200 | 0.000 |

      ### Details

      | Strategy | Conversations | Failed | Pass rate ↑ | Needs cleanup ↓ | Tokens p50 / p95 | Cost total |
      |---|--:|--:|---|--:|--:|--:|
      | lexical (baseline) | 3 | 0 | 0.600 [0.000, 1.000] | 0.800 | 30 / 30 | $0.004 |
      | trained | 3 | 1 | 0.600 [0.000, 1.000] | 0.600 | 30 / 30 | $0.015 |

      ### Custom scores

      | Strategy | politeness ↑ |
      |---|---|
      | lexical (baseline) | n/a |
      | trained | 0.750 [0.750, 0.750] (n 2) |
      "
    `);
  });

  it('says when no gates are set and when the run was interrupted', () => {
    const summary = { ...exampleRunSummary(), gate: { passed: true, checks: [] }, interrupted: true };
    const markdown = renderMarkdown(summary);
    expect(markdown.split('\n').slice(0, 3)).toEqual([
      '## Baton eval: no gates set',
      '',
      '> ⚠️ The run was interrupted: these results cover only the items that finished.',
    ]);
    expect(markdown).not.toContain('### Gate');
  });

  it('adds pass^k when the run was repeated', () => {
    const summary = exampleRunSummary();
    summary.repeat = 3;
    summary.strategies[1]!.metrics.passHatK = { k: 3, turns: 0.5, conversations: 0.25 };
    const markdown = renderMarkdown(summary);
    expect(markdown).toContain('| pass^3 turns / conv. ↑ |');
    expect(markdown).toContain('| 0.500 / 0.250 |');
    expect(markdown).toContain('· 3 repeats ·');
  });

  it('says how many answers the quality scorer could not score, and only then', () => {
    expect(renderMarkdown(exampleRunSummary())).not.toContain('Unscored answers');
    const summary = exampleRunSummary();
    summary.strategies[1]!.unscored = 2;
    expect(renderMarkdown(summary)).toContain(
      `**Unscored answers:** ${summary.strategies[1]!.name} 2: the quality scorer gave these answers no number`,
    );
  });

  it('escapes strategy names so they cannot break a table or inject HTML', () => {
    const summary = exampleRunSummary();
    summary.strategies[1]!.name = '<script>alert(1)</script> | *x*';
    const markdown = renderMarkdown(summary);
    expect(markdown).toContain('| &lt;script&gt;alert(1)&lt;/script&gt; \\| \\*x\\* | 5 | 1 / 0 |');
    expect(markdown).not.toContain('<script>');
  });
});

describe('escapeMarkdown', () => {
  it('escapes inline punctuation, HTML and line breaks', () => {
    expect(escapeMarkdown('a_b *c* [d](e) `f` ~g~ \\ h|i\n<j> & k')).toBe(
      'a\\_b \\*c\\* \\[d\\](e) \\`f\\` \\~g\\~ \\\\ h\\|i &lt;j&gt; &amp; k',
    );
  });
});

describe('significance', () => {
  const comparison: Comparison = {
    baseline: 'a',
    candidate: 'b',
    metric: 'humanCleanup',
    diff: -0.1,
    ci95: [-0.2, -0.05],
    p: 0.01,
    method: 'paired-bootstrap',
    n: 30,
    higherIsBetter: false,
  };

  it('marks a significant difference by the metric’s direction', () => {
    expect(significance(comparison)).toBe('✅ better');
    expect(significance({ ...comparison, diff: 0.1 })).toBe('⚠️ worse');
    expect(significance({ ...comparison, higherIsBetter: true })).toBe('⚠️ worse');
  });

  it('leaves differences at p ≥ 0.05 or without p unmarked', () => {
    expect(significance({ ...comparison, p: 0.05 })).toBe('');
    expect(significance({ ...comparison, p: null })).toBe('');
  });
});

describe('renderMarkdown paths', () => {
  it('shows the dataset relative to the folder the run was started in, never the runner’s own path', () => {
    const summary = exampleRunSummary();
    const absolute = {
      ...summary,
      suite: { ...summary.suite, dataset: '/home/runner/work/app/datasets/support/conversations' },
    };
    const markdown = renderMarkdown(absolute, { cwd: '/home/runner/work/app' });
    expect(markdown).toContain('**support** (datasets/support/conversations, split test)');
    expect(markdown).not.toContain('/home/runner');
    // A dataset outside that folder is still shown relative to it; a Langfuse dataset as it is.
    expect(renderMarkdown(absolute, { cwd: '/home/runner/work/other' })).toContain(
      '(../app/datasets/support/conversations, split test)',
    );
    const langfuse = { ...summary, suite: { ...summary.suite, dataset: 'langfuse:support-v1' } };
    expect(renderMarkdown(langfuse, { cwd: '/x' })).toContain('(langfuse:support-v1, split test)');
  });
});
