/*
 * The loopback stub host of the performance benchmark: the providers' mock OpenAI server in its own
 * process (a real host does not share the harness's CPU), answering every call after a fixed
 * latency. Argument: the latency in ms. Prints the base URL on stdout, serves until stdin closes.
 */
import { createMockOpenAIServer } from '@baton/providers/testing';

const latencyMs = Number(process.argv[2] ?? '50');
const server = await createMockOpenAIServer({ latencyMs });
process.stdout.write(`${server.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  process.stdout.write(`${JSON.stringify({ calls: server.requests.length })}\n`);
  void server.close().then(() => process.exit(0));
});
