#!/usr/bin/env node
import { createInterruptHandler } from './cli/interrupt-handler.js';
import { runCli } from './cli/run-cli.js';

// Ctrl-C once: stop cleanly and write what is done. Again (not the copy npm forwards): leave at once.
const controller = new AbortController();
process.on(
  'SIGINT',
  createInterruptHandler({
    onStop: () => controller.abort(),
    onQuit: () => process.exit(130),
    write: (text) => process.stderr.write(text),
  }),
);

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
process.exitCode = code;
