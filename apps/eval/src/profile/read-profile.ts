import { readFile } from 'node:fs/promises';
import { type DelegateProfile, delegateProfileSchema } from '@baton/core';
import { z } from 'zod';
import { EvalError, toFileError } from '../eval-error.js';
import { profileDigest } from './profile-digest.js';

/**
 * Reads a delegate profile file (`baton profile` output): JSON, validated with the core's zod
 * schema, and with its conversation list checked against its digest.
 *
 * @param file - Path of the profile.
 * @returns The profile.
 * @throws EvalError `not-found` for a missing file, `invalid-input` naming the field for an invalid
 *   profile or an edited conversation list.
 *
 * @example
 * ```ts
 * const profile = await readDelegateProfile('.baton/profiles/support-train.json');
 * ```
 */
export async function readDelegateProfile(file: string): Promise<DelegateProfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw toFileError(error, file);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new EvalError(
      'invalid-input',
      `${file}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = delegateProfileSchema.safeParse(json);
  if (!parsed.success) {
    throw new EvalError(
      'invalid-input',
      `${file}: not a delegate profile: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`,
    );
  }
  const profile = parsed.data;
  if (profileDigest(profile.source.conversations) !== profile.source.digest) {
    throw new EvalError(
      'invalid-input',
      `${file}: source.conversations does not match source.digest (the list was edited); rebuild the profile with baton profile.`,
    );
  }
  return profile;
}
