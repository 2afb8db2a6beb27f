/*
 * Runs the mock server in its own process, so that a throughput benchmark measures the client
 * side only (a real host does not share our CPU). Prints the base URL on stdout, then serves
 * until stdin closes.
 */
import { createMockOpenAIServer } from '../src/testing/mock-openai-server.js';

const latencyMs = Number(process.argv[2] ?? '0');
const server = await createMockOpenAIServer({ latencyMs });
process.stdout.write(`${server.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().then(() => process.exit(0));
});
