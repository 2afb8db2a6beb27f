import type { ItemResult } from '../item-result.js';
import type { FreeRunSummary, MetricEstimate, StrategySummary } from '../run-summary.js';
import { clusterBootstrap } from '../stats/cluster-bootstrap.js';
import { purposeSeed } from '../stats/purpose-seed.js';
import { summarizeStrategy } from '../summary/summarize-strategy.js';
import { compareText } from '../summary/turn-units.js';
import { type FitReasonCode, fitReasonCodes } from './fits.js';
import { type FreeRunEnding, type FreeRunTurn, freeRunEndings } from './free-run-turn.js';

/** Whether an item's user message was written by the user simulator. */
export function isSimulatedItem(item: ItemResult): boolean {
  return item.freeRun?.user === 'simulated';
}

/** One conversation (× repeat) of a free run, from its items. */
interface FreeConversation {
  conversationId: string;
  /** Whether a recorded user turn followed the first answer, so that the recording could stop fitting. */
  couldDiverge: boolean;
  /** The step whose answer the next recorded user turn no longer fit. */
  divergedAt?: number;
  reasons: FitReasonCode[];
  goals: number;
  /** The step at which every goal was reached. */
  resolvedAt?: number;
  ending?: FreeRunEnding;
}

/**
 * The free-run block of one strategy's summary (see {@link FreeRunSummary}), from its items
 * (every repeat, recorded and simulated part). A conversation is the items of one
 * (conversation, repeat) in step order, up to the item that ended it (later lines of an earlier,
 * interrupted attempt are ignored). It **diverged** when some answer's fit verdict says the next
 * recorded user turn no longer fit; the divergence rate counts the conversations that could
 * diverge, those with a recorded user turn after the first (a one-turn conversation has nothing
 * to fit, and counting it would only scale every rate by the share of longer ones). It is
 * **resolved** when it has goals and all were reached.
 * Rates are means over conversations with a 95% bootstrap interval resampled by conversation
 * (repeats stay in their conversation's cluster); the simulated part's per-turn metrics are
 * summarised like a strategy's.
 *
 * @param items - One strategy's items; the ones without a `freeRun` record are ignored.
 * @param options - Bootstrap seed and resamples, the run's repeat count, the row's name and role.
 * @returns The block, or undefined when no item was run free.
 */
export function summarizeFreeRun(
  items: readonly ItemResult[],
  options: { seed: number; resamples: number; repeat: number; name: string; role: StrategySummary['role'] },
): FreeRunSummary | undefined {
  const free = items.filter(
    (item): item is ItemResult & { freeRun: FreeRunTurn } => item.freeRun !== undefined,
  );
  if (free.length === 0) return undefined;
  const byUnit = new Map<string, (ItemResult & { freeRun: FreeRunTurn })[]>();
  for (const item of free) {
    const key = `${item.conversationId}\u0000${item.repeat}`;
    const unit = byUnit.get(key);
    if (unit === undefined) byUnit.set(key, [item]);
    else unit.push(item);
  }
  const conversations: FreeConversation[] = [];
  let counted: ItemResult[] = [];
  for (const unit of byUnit.values()) {
    unit.sort((a, b) => a.freeRun.step - b.freeRun.step);
    const endAt = unit.findIndex((item) => item.freeRun.next === 'end');
    const steps = endAt < 0 ? unit : unit.slice(0, endAt + 1);
    counted = counted.concat(steps);
    const first = steps[0]!;
    const diverged = steps.find((item) => item.freeRun.fit?.fits === false);
    const total = first.freeRun.goals.total;
    const resolved = total > 0 ? steps.find((item) => item.freeRun.goals.reached === total) : undefined;
    const last = steps.at(-1)!;
    conversations.push({
      conversationId: first.conversationId,
      couldDiverge: first.freeRun.fit !== undefined,
      ...(diverged ? { divergedAt: diverged.freeRun.step } : {}),
      reasons: diverged ? [...new Set(diverged.freeRun.fit!.reasons.map((reason) => reason.code))] : [],
      goals: total,
      ...(resolved ? { resolvedAt: resolved.freeRun.step } : {}),
      ...(last.freeRun.end ? { ending: last.freeRun.end } : {}),
    });
  }
  // Canonical order, so the intervals do not depend on the order of items.jsonl.
  conversations.sort((a, b) => compareText(a.conversationId, b.conversationId));
  const estimate = (
    purpose: string,
    from: readonly FreeConversation[],
    value: (conversation: FreeConversation) => number,
  ): MetricEstimate => {
    const result = clusterBootstrap(
      from.map((conversation) => ({ cluster: conversation.conversationId, value: value(conversation) })),
      { seed: purposeSeed(options.seed, `interval:freeRun:${purpose}`), resamples: options.resamples },
    );
    return {
      mean: result.mean ?? null,
      ci95: result.ci95 === undefined ? null : [result.ci95[0], result.ci95[1]],
      n: result.n,
    };
  };
  const diverged = conversations.filter((conversation) => conversation.divergedAt !== undefined);
  const withGoals = conversations.filter((conversation) => conversation.goals > 0);
  const resolved = withGoals.filter((conversation) => conversation.resolvedAt !== undefined);
  const simulatedItems = counted.filter(isSimulatedItem);
  const simulated =
    simulatedItems.length === 0
      ? null
      : summarizeStrategy(simulatedItems, {
          seed: options.seed,
          resamples: options.resamples,
          repeat: options.repeat,
          name: options.name,
          role: options.role,
        });
  return {
    conversations: new Set(conversations.map((conversation) => conversation.conversationId)).size,
    divergenceRate: estimate(
      'divergenceRate',
      conversations.filter((conversation) => conversation.couldDiverge),
      (conversation) => (conversation.divergedAt === undefined ? 0 : 1),
    ),
    turnsUntilDivergence: estimate(
      'turnsUntilDivergence',
      diverged,
      (conversation) => conversation.divergedAt!,
    ),
    divergenceReasons: Object.fromEntries(
      fitReasonCodes.map((code) => [
        code,
        diverged.filter((conversation) => conversation.reasons.includes(code)).length,
      ]),
    ) as Record<FitReasonCode, number>,
    resolutionRate: estimate('resolutionRate', withGoals, (conversation) =>
      conversation.resolvedAt === undefined ? 0 : 1,
    ),
    turnsToResolution: estimate('turnsToResolution', resolved, (conversation) => conversation.resolvedAt!),
    endings: Object.fromEntries(
      freeRunEndings.map((ending) => [
        ending,
        conversations.filter((conversation) => conversation.ending === ending).length,
      ]),
    ) as Record<FreeRunEnding, number>,
    recordedTurns: counted.length - simulatedItems.length,
    simulatedTurns: simulatedItems.length,
    simulated:
      simulated === null
        ? null
        : {
            turns: simulated.turns,
            conversations: simulated.conversations,
            failed: simulated.failed,
            errors: simulated.errors,
            metrics: simulated.metrics,
          },
  };
}
