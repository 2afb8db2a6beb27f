export type { CompactItemsOptions, CompactionResult } from './compact-items.js';
export { compactItems } from './compact-items.js';
export type { LineBatcherOptions } from './line-batcher.js';
export { LineBatcher } from './line-batcher.js';
export { makeRunFolder } from './make-run-folder.js';
export { isFileSystemError, toRunFolderError } from './run-folder-error.js';
export type { RunLock, RunLockHolder, RunLockOptions } from './run-lock.js';
export { acquireRunLock, runLockFileName } from './run-lock.js';
export { turnDeadline } from './turn-deadline.js';
