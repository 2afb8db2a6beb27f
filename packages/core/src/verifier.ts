import type { Agent, AgentOutput } from './agent.js';
import type { Verdict } from './delegation-record.js';
import type { RunScope } from './run-scope.js';
import type { TaskSpec } from './task-spec.js';

/**
 * Step 7 of delegation, quality verification: judges a delegate's result before the delegator
 * accepts it. A failed verdict moves the delegation down the failure ladder.
 */
export interface Verifier {
  readonly name: string;
  verify(
    output: AgentOutput,
    subject: { task: TaskSpec; agent: Agent },
    scope: RunScope,
  ): Verdict | Promise<Verdict>;
}
