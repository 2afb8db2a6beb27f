import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readConversations } from '../src/dataset/load-conversations.js';
import { recordingFits } from '../src/free-run/fits.js';
import { humanCleanup } from '../src/metrics/translation-edit-rate.js';
import { replayTurns } from '../src/replay-turn.js';

const conversations = fileURLToPath(new URL('../../../datasets/support/conversations', import.meta.url));

// The fit rule's threshold, checked against the corpus's recorded drafts: a draft the human sent
// almost unchanged should let the recording go on, one the human rewrote should not. The numbers
// the README quotes come from this test's data (592 drafts).
describe('the free-run fit rule on the recorded drafts of the support corpus', () => {
  const drafts: { fits: boolean; hter: number }[] = [];

  beforeAll(async () => {
    for await (const conversation of readConversations(conversations)) {
      for (const turn of replayTurns(conversation)) {
        if (turn.recordedDraft === undefined || turn.reference === null) continue;
        const verdict = recordingFits({
          outcome: 'answered',
          answer: turn.recordedDraft,
          reference: turn.reference,
          nuggets: turn.nuggets,
        });
        drafts.push({ fits: verdict.fits, hter: humanCleanup(turn.recordedDraft, turn.reference) });
      }
    }
  });

  const fitShare = (selected: { fits: boolean }[]) =>
    selected.filter((draft) => draft.fits).length / selected.length;

  it('lets nearly every draft a human barely edited (true HTER ≤ 0.2) go on', () => {
    const light = drafts.filter((draft) => draft.hter <= 0.2);
    expect(light.length).toBeGreaterThan(100);
    expect(fitShare(light)).toBeGreaterThanOrEqual(0.95);
  });

  it('stops most drafts a human rewrote (true HTER ≥ 0.6)', () => {
    const heavy = drafts.filter((draft) => draft.hter >= 0.6);
    expect(heavy.length).toBeGreaterThan(50);
    expect(fitShare(heavy)).toBeLessThanOrEqual(0.2);
  });
});
