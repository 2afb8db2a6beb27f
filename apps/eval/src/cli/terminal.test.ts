import { describe, expect, it } from 'vitest';
import { terminalWidth, useColor } from './terminal.js';

describe('terminalWidth', () => {
  it('takes a terminal’s columns, else COLUMNS, else 100', () => {
    expect(terminalWidth({ isTTY: true, columns: 80 }, {})).toBe(80);
    expect(terminalWidth({ isTTY: false, columns: 80 }, {})).toBe(100);
    expect(terminalWidth({ isTTY: false }, { COLUMNS: '175' })).toBe(175);
    expect(terminalWidth({}, { COLUMNS: 'wide' })).toBe(100);
  });
});

describe('useColor', () => {
  it('colours a terminal only, unless NO_COLOR or FORCE_COLOR say otherwise', () => {
    const tty = { isTTY: true };
    expect(useColor(tty, {})).toBe(true);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor(tty, { NO_COLOR: '1' })).toBe(false);
    // An empty NO_COLOR does not count (no-color.org).
    expect(useColor(tty, { NO_COLOR: '' })).toBe(true);
    expect(useColor(tty, { TERM: 'dumb' })).toBe(false);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '' })).toBe(true);
    // FORCE_COLOR wins over NO_COLOR, as in Node; 0 and false turn colour off.
    expect(useColor(tty, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(useColor(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(useColor(tty, { FORCE_COLOR: 'false' })).toBe(false);
  });
});
