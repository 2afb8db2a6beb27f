import type { AttemptController } from './resilient-call.js';
import { notJsonError } from './to-provider-call-error.js';

/**
 * Reads a response's JSON body under the attempt's idle timer, so a host that sends its headers
 * and then goes silent fails the attempt after the idle limit (a retryable `timeout`) instead of
 * holding it for the whole attempt's time limit. A body that is not valid JSON (cut short, an
 * HTML error page sent with status 200) fails with a retryable `invalid-response` that earns one
 * retry.
 *
 * @param response - A response whose status the SDK has already checked.
 * @param attempt - The attempt the body belongs to: its idle timer and cutoff.
 * @param hostLabel - Names the host in messages.
 */
export async function readJsonBody(
  response: Response,
  attempt: AttemptController,
  hostLabel: string,
): Promise<unknown> {
  const text = await readBodyText(response, attempt);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw notJsonError(hostLabel, error, { status: response.status, text });
  }
}

async function readBodyText(response: Response, attempt: AttemptController): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let finished = false;
  const read = async () => {
    attempt.startIdleTimer();
    try {
      return await Promise.race([reader.read(), attempt.cutoff]);
    } finally {
      attempt.stopIdleTimer();
    }
  };
  try {
    for (let chunk = await read(); !chunk.done; chunk = await read()) {
      text += decoder.decode(chunk.value, { stream: true });
    }
    finished = true;
    return text + decoder.decode();
  } finally {
    // A body left half-read (an idle timeout, an abort) is cancelled, so its connection is freed.
    if (!finished) void reader.cancel().catch(() => {});
  }
}
