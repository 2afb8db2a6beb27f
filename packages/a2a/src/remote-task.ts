import type {
  Message,
  Part,
  StreamResponse,
  Task,
  TaskArtifactUpdateEvent,
  TaskStatusUpdateEvent,
} from '@a2a-js/sdk';
import { type ResultMetadata, readResultMetadata } from './result-metadata.js';
import { textOf } from './task-message.js';
import { type A2aTaskState, isSettled, taskStateName } from './task-state.js';

/**
 * The client's view of one remote task, built up from what the server sends: the task snapshot,
 * status and artifact updates, or a direct message. Artifacts follow the protocol's append rules.
 */
export class RemoteTask {
  taskId: string | undefined;
  contextId: string | undefined;
  state: A2aTaskState = 'unknown';
  /** True when the server answered with a message instead of a task. */
  answeredDirectly = false;
  metadata: ResultMetadata = {};
  private readonly artifacts = new Map<string, Part[]>();
  private statusParts: Part[] = [];
  private messageParts: Part[] = [];

  /** Whether the task will not move without the client: it ended, or waits for input or credentials. */
  get settled(): boolean {
    return this.answeredDirectly || isSettled(this.state);
  }

  /** Applies one event of a stream. */
  applyStream(response: StreamResponse): void {
    const payload = response.payload;
    if (!payload) return;
    switch (payload.$case) {
      case 'task':
        this.applyTask(payload.value);
        break;
      case 'message':
        this.applyMessage(payload.value);
        break;
      case 'statusUpdate':
        this.applyStatus(payload.value);
        break;
      case 'artifactUpdate':
        this.applyArtifact(payload.value);
        break;
    }
  }

  /** Applies the result of a send or a poll: a task snapshot or a direct message. */
  applyResult(result: Task | Message): void {
    if ('messageId' in result) this.applyMessage(result);
    else this.applyTask(result);
  }

  /** A task snapshot replaces what is known, artifacts included. */
  applyTask(task: Task): void {
    this.taskId = task.id || this.taskId;
    this.contextId = task.contextId || this.contextId;
    this.state = taskStateName(task.status?.state);
    this.statusParts = task.status?.message?.parts ?? [];
    this.mergeMetadata(task.metadata);
    this.mergeMetadata(task.status?.message?.metadata);
    this.artifacts.clear();
    for (const artifact of task.artifacts) {
      this.artifacts.set(artifact.artifactId, [...artifact.parts]);
      this.mergeMetadata(artifact.metadata);
    }
  }

  /**
   * The answer so far: the artifacts' text (else the status message's, or the direct message's),
   * the status message on its own (the reason of a failure or a question), and the first data part.
   */
  result(): { text: string; statusText: string; data: unknown } {
    const artifactText = [...this.artifacts.values()]
      .map((parts) => withFiles(textOf(parts), parts))
      .filter((text) => text !== '')
      .join('\n\n');
    const statusText = textOf(this.statusParts, '\n');
    const messageText = withFiles(textOf(this.messageParts, '\n'), this.messageParts);
    const text = this.answeredDirectly ? messageText : artifactText || statusText;
    const parts = this.answeredDirectly ? this.messageParts : [...this.artifacts.values()].flat();
    const data = parts.find((part) => part.content?.$case === 'data')?.content?.value;
    return { text, statusText, data };
  }

  private applyMessage(message: Message): void {
    this.answeredDirectly = true;
    this.messageParts = message.parts;
    this.contextId = message.contextId || this.contextId;
    if (message.taskId) this.taskId = message.taskId;
    this.mergeMetadata(message.metadata);
  }

  private applyStatus(update: TaskStatusUpdateEvent): void {
    this.taskId = update.taskId || this.taskId;
    this.contextId = update.contextId || this.contextId;
    this.state = taskStateName(update.status?.state);
    if (update.status?.message) {
      this.statusParts = update.status.message.parts;
      this.mergeMetadata(update.status.message.metadata);
    }
    this.mergeMetadata(update.metadata);
  }

  private applyArtifact(update: TaskArtifactUpdateEvent): void {
    const artifact = update.artifact;
    if (!artifact) return;
    const existing = this.artifacts.get(artifact.artifactId);
    this.artifacts.set(
      artifact.artifactId,
      update.append && existing ? [...existing, ...artifact.parts] : [...artifact.parts],
    );
    this.mergeMetadata(artifact.metadata);
    this.mergeMetadata(update.metadata);
  }

  private mergeMetadata(metadata: Record<string, unknown> | undefined): void {
    this.metadata = { ...this.metadata, ...readResultMetadata(metadata) };
  }
}

/**
 * The text of parts followed by one line per file part (a link, or the size of inline bytes), so a
 * file the remote answered with is named in the answer rather than dropped without a word.
 */
function withFiles(text: string, parts: readonly Part[]): string {
  const files = parts.flatMap((part) => {
    const content = part.content;
    if (content?.$case !== 'url' && content?.$case !== 'raw') return [];
    const name = `${part.filename || 'file'}${part.mediaType ? ` (${part.mediaType})` : ''}`;
    return [
      content.$case === 'url'
        ? `[${name}: ${content.value}]`
        : `[${name}: ${content.value.length} bytes, not included]`,
    ];
  });
  return [text, ...files].filter((line) => line !== '').join('\n');
}
