import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatonError } from './baton-error.js';
import type { ChatCallOptions, ChatModel } from './chat-model.js';
import { RunScope } from './run-scope.js';

/** A model that answers at once and keeps the call options it was given. */
function recordingModel(): ChatModel & { calls: (ChatCallOptions | undefined)[] } {
  const calls: (ChatCallOptions | undefined)[] = [];
  return {
    specificationVersion: 'v1',
    provider: 'stub',
    modelId: 'stub',
    calls,
    generate: async (_request, options) => {
      calls.push(options);
      return {
        message: { content: 'ok', toolCalls: [] },
        finishReason: 'stop',
        usage: { inputTokens: 1, outputTokens: 1 },
        modelId: 'stub',
      };
    },
  };
}

describe('RunScope', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is never aborted without a signal, and hands out one signal that never aborts', () => {
    const scope = new RunScope();
    const child = scope.child({ agentId: 'billing', nest: true });
    expect(scope.aborted).toBe(false);
    expect(child.aborted).toBe(false);
    expect(scope.signal).toBe(scope.signal);
    expect(scope.signal.aborted).toBe(false);
    expect(() => child.ensureCanProceed()).not.toThrow();
  });

  it("follows its signal's cancellation down to its children", () => {
    const controller = new AbortController();
    const scope = new RunScope({ signal: controller.signal });
    const child = scope.child({ agentId: 'billing', nest: true });
    expect(child.signal).toBe(controller.signal);
    controller.abort();
    expect(scope.aborted).toBe(true);
    expect(child.aborted).toBe(true);
    expect(() => child.ensureCanProceed()).toThrow(BatonError);
  });

  it('times a guarded unit out under a scope nothing can cancel', () => {
    vi.useFakeTimers();
    const guard = new RunScope().guard('billing', 1_000);
    vi.advanceTimersByTime(999);
    expect(guard.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(guard.signal.aborted).toBe(true);
    expect(BatonError.isInstance(guard.signal.reason) && guard.signal.reason.code).toBe('timeout');
  });

  it('passes a cancellation to a guarded unit until it is disposed, then stops listening', () => {
    const first = new AbortController();
    const firstGuard = new RunScope({ signal: first.signal }).guard('billing', 1_000);
    first.abort(new Error('stop'));
    expect(firstGuard.signal.aborted).toBe(true);
    firstGuard.dispose();

    const second = new AbortController();
    const secondGuard = new RunScope({ signal: second.signal }).guard('billing', 1_000);
    secondGuard.dispose();
    second.abort(new Error('stop'));
    expect(secondGuard.signal.aborted).toBe(false);
  });

  it('calls a model with its signal when it can be cancelled, and with none when nothing can cancel it', async () => {
    const request = { messages: [{ role: 'user' as const, content: 'hi' }] };
    const free = recordingModel();
    await new RunScope().callModel(free, request, { agentId: 'front' });
    expect(free.calls).toHaveLength(1);
    expect(free.calls[0]?.signal).toBeUndefined();

    const controller = new AbortController();
    const cancellable = recordingModel();
    await new RunScope({ signal: controller.signal }).callModel(cancellable, request, { agentId: 'front' });
    expect(cancellable.calls[0]?.signal).toBe(controller.signal);
  });

  it('stamps events with the injected clock', () => {
    const times: number[] = [];
    const clock = { now: () => 1_000, setTimeout: () => 0, clearTimeout: () => undefined };
    const scope = new RunScope({ clock, listener: (event) => times.push(event.time) });
    scope.emit({ type: 'handoff-end', id: 'ho-1', agentId: 'billing', reason: 'done' });
    expect(times).toEqual([1_000]);
  });
});
