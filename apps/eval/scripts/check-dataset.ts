/**
 * Validates recorded conversations (a .jsonl or .csv file, or a folder of them) with the harness's
 * loaders and prints what was read: the quick way to check your own export before an eval.
 *
 * Usage: tsx --conditions=@baton/source scripts/check-dataset.ts <file-or-folder>
 *        [--map field=column,…] [--skip] [--json]
 * `--map` is the column mapping for CSV files (see datasets/README.md); `--skip` skips invalid
 * conversations and lists them instead of stopping at the first. Exits 2 when anything is invalid.
 */
import { parseColumnMapping } from '../src/dataset/column-mapping.js';
import { readConversations } from '../src/dataset/load-conversations.js';
import { EvalError } from '../src/eval-error.js';
import { parseScriptArgs, runScript } from './run-script.js';

const usage = 'usage: check-dataset <file-or-folder> [--map field=column,…] [--skip] [--json]';

async function main(): Promise<number> {
  const parsed = parseScriptArgs(
    {
      allowPositionals: true,
      options: {
        map: { type: 'string' },
        skip: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    },
    usage,
  );
  if (parsed === undefined) return 0;
  const { values, positionals } = parsed;
  const [source, ...rest] = positionals;
  if (source === undefined || rest.length > 0) throw new EvalError('usage', usage);
  const mapping = values.map === undefined ? undefined : parseColumnMapping(values.map);
  const conversations = readConversations(source, {
    mapping,
    onInvalid: values.skip ? 'skip' : 'stop',
    onIssue: values.json ? undefined : (issue) => process.stderr.write(`skipped: ${issue.message}\n`),
  });
  let userTurns = 0;
  let agentTurns = 0;
  let labelled = 0;
  let drafts = 0;
  for await (const conversation of conversations) {
    for (const turn of conversation.turns) {
      if (turn.role === 'user') {
        userTurns += 1;
        if (turn.domain !== undefined) labelled += 1;
      } else {
        agentTurns += 1;
        if (turn.draft !== undefined) drafts += 1;
      }
    }
  }
  const { summary } = conversations;
  const counts = { conversations: summary.read, userTurns, labelledUserTurns: labelled, agentTurns, drafts };
  if (values.json) {
    const issues = summary.issues.map((issue) => ({
      file: issue.file,
      line: issue.line,
      field: issue.field,
      detail: issue.detail,
    }));
    process.stdout.write(`${JSON.stringify({ ...counts, skipped: summary.skipped, issues }, null, 2)}\n`);
  } else {
    process.stderr.write(
      `${source}: ${summary.read} conversations (${userTurns} user turns, ${labelled} labelled; ${agentTurns} agent turns, ${drafts} with a draft)` +
        `${summary.skipped > 0 ? `; ${summary.skipped} skipped` : ''}\n`,
    );
  }
  return summary.skipped > 0 || summary.issues.length > 0 ? 2 : 0;
}

runScript('check-dataset', main);
