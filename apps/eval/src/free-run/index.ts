// Free running (`baton eval --free-run`): each strategy's own answers become the history.
export type { FitJudge, FitJudgeInput, FitJudgement } from './fit-judge.js';
export { createFitJudge } from './fit-judge.js';
export type { FitReason, FitReasonCode, FitRule, FitVerdict } from './fits.js';
export {
  defaultFitRule,
  fitReasonCodes,
  questionSentences,
  recordingFits,
  unaskedQuestions,
} from './fits.js';
export type { FreeRunEnding, FreeRunTurn, SimulatorCall } from './free-run-turn.js';
export { freeRunEndings } from './free-run-turn.js';
export { GoalTracker } from './goal-tracker.js';
export type { FreeRunSettings, RunFreeConversationOptions } from './run-free.js';
export { runFreeConversation } from './run-free.js';
export type { UserSimulator, UserSimulatorInput, UserSimulatorTurn } from './user-simulator.js';
export { createUserSimulator, parseUserTurn, userSimulatorRequest, userStopToken } from './user-simulator.js';
