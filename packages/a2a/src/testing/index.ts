export type { ScriptedEvent, ScriptedExecutor, ScriptedTurn } from './scripted-executor.js';
export { scriptedExecutor } from './scripted-executor.js';
export type { A2aTestServer, A2aTestServerOptions } from './start-a2a-test-server.js';
export { startA2aTestServer } from './start-a2a-test-server.js';
