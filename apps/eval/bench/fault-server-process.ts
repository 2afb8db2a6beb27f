/*
 * The mock OpenAI server of the fault benchmark, in its own process as a real host would be (it
 * does not share the harness's CPU). Arguments: latency in ms, fault rate in [0, 1), seed. Prints
 * the base URL on stdout; when stdin closes, prints one JSON line with the calls and the faults it
 * dealt, then exits.
 */
import { createMockOpenAIServer, type MockReply, reply } from '@baton/providers/testing';
import { SeededRandom } from '../src/stats/seeded-random.js';

const latencyMs = Number(process.argv[2] ?? '0');
const faultRate = Number(process.argv[3] ?? '0');
const random = new SeededRandom(Number(process.argv[4] ?? '1'));

/** The six faults of issue 14, dealt out in turn. */
const faults: Array<[string, () => MockReply]> = [
  ['429 with Retry-After', () => reply.error(429, { headers: { 'retry-after': '1' } })],
  ['500', () => reply.error(500)],
  ['hang after the headers', () => reply.partial('{"id":"chatcmpl-bench","choices":[', { ending: 'hang' })],
  [
    'truncated 200 body',
    () => reply.text('{"id":"chatcmpl-bench","object":"chat.completion","choices":[{"ind'),
  ],
  ['body cut off', () => reply.partial('{"id":"chatcmpl-bench","object":"chat.completion","choices":[')],
  ['connection reset', () => reply.reset()],
];
const dealt: Record<string, number> = {};
let dealtCount = 0;
const server = await createMockOpenAIServer({
  latencyMs,
  handler: () => {
    if (faultRate === 0 || random.nextFloat() >= faultRate) return undefined;
    const [name, make] = faults[dealtCount % faults.length]!;
    dealtCount += 1;
    dealt[name] = (dealt[name] ?? 0) + 1;
    return make();
  },
});
process.stdout.write(`${server.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  process.stdout.write(`${JSON.stringify({ calls: server.requests.length, faults: dealt })}\n`);
  void server.close().then(() => process.exit(0));
});
