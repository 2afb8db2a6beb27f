import { describe, expect, it } from 'vitest';
import { formatTraceparent, parseTraceparent, withRemoteTraceContext } from './traceparent.js';

describe('parseTraceparent', () => {
  it('reads a version-00 header and formats it back', () => {
    const header = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const parsed = parseTraceparent(header);
    expect(parsed).toEqual({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    });
    expect(parsed && formatTraceparent(parsed)).toBe(header);
  });

  it('refuses what the W3C specification refuses', () => {
    expect(
      [
        undefined,
        '',
        'garbage',
        'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        '00-00000000000000000000000000000000-b7ad6b7169203331-01',
        '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01',
        '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra',
      ].map(parseTraceparent),
    ).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('accepts later versions with extra fields', () => {
    expect(parseTraceparent('01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-more')?.traceFlags).toBe(
      0,
    );
  });
});

describe('withRemoteTraceContext', () => {
  it('runs the work either way, traced or not', async () => {
    await expect(withRemoteTraceContext(undefined, async () => 'untraced')).resolves.toBe('untraced');
    await expect(
      withRemoteTraceContext('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', async () => 'traced'),
    ).resolves.toBe('traced');
  });
});
