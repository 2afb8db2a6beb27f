/*
 * Serves the benchmark's billing agent over A2A in its own process, as another service would:
 * prints the base URL on stdout, then serves until stdin closes.
 */
import { serveA2a } from '../src/serve-a2a.js';
import { billingAgent } from './fixture.js';

const server = await serveA2a(billingAgent());
process.stdout.write(`${server.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().then(() => process.exit(0));
});
