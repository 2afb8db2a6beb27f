"""Scores word pairs with sacreBLEU's TER, the reference the harness's edit rate is checked against.

Reads the JSON lines of `scripts/ter-pairs.ts` on stdin and writes each line back on stdout with two
edit counts from sacreBLEU (https://github.com/mjpost/sacrebleu, its TERCOM reimplementation):

- `sacrebleu`: as sacreBLEU ships it (`lib_ter.translation_edit_rate`);
- `exact`: the same search with sacreBLEU's two approximations lifted: its edit distance explores
  only a band of 25 words around the diagonal (`_BEAM_WIDTH`), and it stops trying shifts after
  1,000 candidates per pair (`_MAX_SHIFT_CANDIDATES`). Baton computes the full edit distance and
  tries every candidate, so its edits must equal these.

The words are already split (space-separated, from Baton's tokenizer), so sacreBLEU's tokeniser is
not used there: this compares the edit search alone. Where the line also carries the texts
(`hypothesisText`, `referenceText`), it adds `textEdits` and `textWords`: sacreBLEU's whole metric
on them as `TER(case_sensitive=False, no_punct=True)` computes it (its own tokeniser, its shipped
search), the setting Baton's normalisation is closest to.

Usage (Python 3.9+, `pip install sacrebleu`; 2.6.0 made the committed fixture):
  npx tsx --conditions=@baton/source scripts/ter-pairs.ts \
    | python3 scripts/sacrebleu-ter.py > src/metrics/fixtures/sacrebleu-ter.jsonl
"""

import json
import sys

import sacrebleu
import sacrebleu.metrics.lib_ter as lib_ter
from sacrebleu.tokenizers.tokenizer_ter import TercomTokenizer

SHIPPED = (lib_ter._BEAM_WIDTH, lib_ter._MAX_SHIFT_CANDIDATES)
# What `TER(case_sensitive=False, no_punct=True)` splits a segment with.
TERCOM_WORDS = TercomTokenizer(normalized=False, no_punct=True, asian_support=False, case_sensitive=False)


def edits(hypothesis: str, reference: str, exact: bool) -> int:
    lib_ter._BEAM_WIDTH, lib_ter._MAX_SHIFT_CANDIDATES = (10**9, 10**12) if exact else SHIPPED
    count, reference_words = lib_ter.translation_edit_rate(hypothesis.split(), reference.split())
    assert reference_words == len(reference.split())
    return count


def main() -> int:
    lines = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        pair = json.loads(line)
        pair['sacrebleu'] = edits(pair['hypothesis'], pair['reference'], exact=False)
        pair['exact'] = edits(pair['hypothesis'], pair['reference'], exact=True)
        if 'referenceText' in pair:
            hypothesis = TERCOM_WORDS(pair['hypothesisText'])
            reference = TERCOM_WORDS(pair['referenceText'])
            pair['textEdits'] = edits(hypothesis, reference, exact=False)
            pair['textWords'] = len(reference.split())
        sys.stdout.write(json.dumps(pair, ensure_ascii=False) + '\n')
        lines += 1
    if lines == 0:
        sys.stderr.write('sacrebleu-ter: no pairs on stdin\n')
        return 1
    sys.stderr.write(f'sacrebleu-ter: {lines} pairs scored with sacrebleu {sacrebleu.__version__}\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
