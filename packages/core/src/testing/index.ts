export type { ContractAssertion, ContractTestApi } from './contract-test-api.js';
export type { FakeAgent, FakeBehaviour } from './fake-agent.js';
export { fakeAgent } from './fake-agent.js';
export type { ScriptedChatModel, ScriptedReply } from './scripted-chat-model.js';
export { scriptedChatModel } from './scripted-chat-model.js';
export type { ScriptedEmbeddingModel } from './scripted-embedding-model.js';
export { scriptedEmbeddingModel } from './scripted-embedding-model.js';
export type { StrategyContractKit } from './strategy-contract.js';
export { describeStrategyContract } from './strategy-contract.js';
