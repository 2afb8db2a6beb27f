import type { Agent } from './agent.js';
import { BatonError, NoSuchAgentError } from './baton-error.js';

/** Who may delegate to whom: delegator id → delegate ids, or `'*'` for every other agent. */
export type DelegationAllowlist = Readonly<Record<string, readonly string[] | '*'>>;

/**
 * The agents of a team: one front agent that talks to the user and the delegates it may use, with
 * the allowlist that says who may delegate to whom. Selection only ever sees allowed delegates, so a
 * user asking to be routed elsewhere cannot reach an agent outside the list.
 */
export class Roster {
  readonly front: Agent;
  readonly delegates: readonly Agent[];
  private readonly byId: Map<string, Agent>;
  private readonly allow: DelegationAllowlist;

  /**
   * @param options.allow - defaults to: the front agent may delegate to every delegate, delegates to nobody
   */
  constructor(options: { front: Agent; delegates: readonly Agent[]; allow?: DelegationAllowlist }) {
    this.front = options.front;
    this.delegates = options.delegates;
    this.byId = new Map();
    for (const agent of [options.front, ...options.delegates]) {
      if (this.byId.has(agent.id))
        throw new BatonError('invalid-argument', `Two agents share the id "${agent.id}".`);
      this.byId.set(agent.id, agent);
    }
    this.allow = options.allow ?? { [options.front.id]: '*' };
    for (const [from, targets] of Object.entries(this.allow)) {
      if (!this.byId.has(from)) throw new NoSuchAgentError(from);
      if (targets !== '*')
        for (const target of targets) if (!this.byId.has(target)) throw new NoSuchAgentError(target);
    }
  }

  /** The agent with this id. */
  get(id: string): Agent {
    const agent = this.byId.get(id);
    if (!agent) throw new NoSuchAgentError(id);
    return agent;
  }

  /** Whether the id is on the roster. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Whether `from` may delegate to `to`. */
  allows(from: string, to: string): boolean {
    if (from === to) return false;
    const targets = this.allow[from];
    if (targets === undefined) return false;
    return targets === '*' ? this.byId.has(to) : targets.includes(to);
  }

  /** The delegates `from` may delegate to, in roster order. */
  delegatesOf(from: string): Agent[] {
    return [...this.byId.values()].filter((agent) => this.allows(from, agent.id));
  }
}
