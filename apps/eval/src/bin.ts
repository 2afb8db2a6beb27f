#!/usr/bin/env node
import { runCli } from './cli/run-cli.js';

// Ctrl-C once: stop cleanly and write what is done. Twice: leave at once.
const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts += 1;
  if (interrupts > 1) process.exit(130);
  process.stderr.write('\nStopping… (Ctrl-C again to quit at once)\n');
  controller.abort();
});

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
process.exitCode = code;
