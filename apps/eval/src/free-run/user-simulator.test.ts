import { scriptedChatModel } from '@baton/core/testing';
import { describe, expect, it } from 'vitest';
import { createUserSimulator, parseUserTurn, userSimulatorRequest, userStopToken } from './user-simulator.js';

const input = {
  history: [
    { role: 'user' as const, content: 'hi, can I pay by PayPal?' },
    { role: 'assistant' as const, content: 'Hello! How can I help?' },
  ],
  firstMessage: 'hi, can I pay by PayPal?',
  script: ['and where do I find the invoice afterwards?'],
};

describe('userSimulatorRequest', () => {
  it('gives the model the first message, the script and the transcript, at temperature 0', () => {
    const request = userSimulatorRequest(input);
    expect(request.temperature).toBe(0);
    expect(request.messages.map((message) => message.role)).toEqual(['system', 'user']);
    const prompt = request.messages[1]!.content!;
    expect(prompt).toContain('Your first message:\nhi, can I pay by PayPal?');
    expect(prompt).toContain('1. and where do I find the invoice afterwards?');
    expect(prompt).toContain('Customer: hi, can I pay by PayPal?\n\nAssistant: Hello! How can I help?');
    expect(request.messages[0]!.content).toContain(userStopToken);
  });

  it('says when the script is used up', () => {
    expect(userSimulatorRequest({ ...input, script: [] }).messages[1]!.content).toContain('(nothing left');
  });
});

describe('parseUserTurn', () => {
  it('reads the next message, or the end with an optional goodbye', () => {
    expect(parseUserTurn('  and the invoice? ')).toEqual({ done: false, message: 'and the invoice?' });
    expect(parseUserTurn(`Thanks, bye! ${userStopToken}`)).toEqual({ done: true, closing: 'Thanks, bye!' });
    expect(parseUserTurn(userStopToken)).toEqual({ done: true });
    expect(parseUserTurn('')).toEqual({ done: true });
  });
});

describe('createUserSimulator', () => {
  it('asks the model and returns its message with the call’s usage', async () => {
    const model = scriptedChatModel([
      { content: 'You did not answer: PayPal, yes or no?', usage: { inputTokens: 7, outputTokens: 3 } },
    ]);
    const simulator = createUserSimulator({ model });
    expect(simulator.model).toBe('scripted:scripted');
    expect(await simulator.next(input)).toEqual({
      done: false,
      message: 'You did not answer: PayPal, yes or no?',
      usage: { inputTokens: 7, outputTokens: 3 },
      costUsd: 0,
    });
    expect(model.requests).toHaveLength(1);
  });
});
