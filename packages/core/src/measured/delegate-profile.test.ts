import { describe, expect, it } from 'vitest';
import { BatonError } from '../baton-error.js';
import { intentClusterOf, parseDelegateProfile } from './delegate-profile.js';
import { profileFixture } from './profile.fixture.js';

describe('parseDelegateProfile', () => {
  it('accepts a version 1 profile', () => {
    const profile = profileFixture({
      billing: { overall: [3, 0.2], slices: { 'domain:billing': [2, 0.3] } },
    });
    expect(parseDelegateProfile(JSON.parse(JSON.stringify(profile)))).toEqual(profile);
  });

  it('refuses other versions, unsorted conversation lists and agents listed twice, naming the field', () => {
    const profile = profileFixture({ billing: { overall: [3, 0.2] } });
    expect(() => parseDelegateProfile({ ...profile, version: 2 })).toThrow(/version/);
    expect(() =>
      parseDelegateProfile({ ...profile, source: { ...profile.source, conversations: ['b', 'a'] } }),
    ).toThrow(/sorted and unique/);
    expect(() =>
      parseDelegateProfile({ ...profile, agents: [...profile.agents, ...profile.agents] }),
    ).toThrow(/appears twice/);
    try {
      parseDelegateProfile({ ...profile, source: { ...profile.source, digest: 'md5:1' } });
      expect.unreachable();
    } catch (error) {
      expect(BatonError.isInstance(error) && error.code).toBe('invalid-argument');
    }
  });
});

describe('intentClusterOf', () => {
  it('clusters intents by the first token of their slug', () => {
    expect(
      ['reader-error-code', 'reader-not-pairing', 'thanks', '2fa-code-rejected', ' Payout_Held '].map(
        intentClusterOf,
      ),
    ).toEqual(['reader', 'reader', 'thanks', '2fa', 'payout']);
  });
});
