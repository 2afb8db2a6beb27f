import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeCorpusStats } from './corpus-stats.js';
import { loadSuite } from './load-suite.js';
import { readStatsBlock, renderCorpusStats, replaceStatsBlock } from './stats-block.js';

const suiteFile = fileURLToPath(
  new URL('../../test/fixtures/datasets/mini-suite/suite.json', import.meta.url),
);

describe('renderCorpusStats', () => {
  it('renders the counts as Markdown tables with shares of the right denominators', async () => {
    const markdown = renderCorpusStats(await computeCorpusStats(await loadSuite(suiteFile)));
    const lines = markdown.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '|  | count | share |',
      '| :-- | --: | --: |',
      '| conversations | 4 |  |',
      '| multi-turn conversations (2+ user turns) | 1 | 25.0 % of conversations |',
    ]);
    expect(lines).toContain('| agent turns with a bot draft | 2 | 40.0 % of agent turns |');
    expect(lines).toContain('| billing | 3 | 60.0 % | 2 | 1 |');
    expect(lines).toContain('| train | 2 | 3 |');
    expect(lines).toContain('| `b-export.csv` | 2 | 2 |');
    expect(lines).toContain('| `general` | 2 | en |');
  });
});

describe('stats block', () => {
  const readme = '# Data\n\n<!-- stats:start -->\nold numbers\n<!-- stats:end -->\n\n## License\n';

  it('replaces what is between the markers and reads it back', () => {
    const updated = replaceStatsBlock(readme, '| new |');
    expect(updated).toBe('# Data\n\n<!-- stats:start -->\n| new |\n<!-- stats:end -->\n\n## License\n');
    expect(readStatsBlock(updated)).toBe('| new |');
    expect(replaceStatsBlock(updated, '| new |')).toBe(updated);
  });

  it('fails without markers', () => {
    expect(readStatsBlock('# Data\n')).toBeUndefined();
    expect(() => replaceStatsBlock('# Data\n', 'x', 'datasets/README.md')).toThrow(
      'datasets/README.md: no "<!-- stats:start -->" … "<!-- stats:end -->" block to fill',
    );
  });
});
