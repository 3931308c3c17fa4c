import { describe, expect, it } from 'vitest';
import { formatChecklist } from '../../src/cli/doctor/format.ts';
import { formatLogLine } from '../../src/cli/humanLog.ts';

/**
 * Text from outside (a builder's or a node's error message, a websocket's close reason) reaches the terminal in
 * the doctor's checklist and in the human log line. Control characters in it must arrive as visible escapes, not
 * as commands to the terminal: a builder must not erase the line above (ESC[2K ESC[1A), print a fake ✓, set the
 * clipboard (OSC 52) or ring the bell.
 */
const hostile = 'refused: bundle \u001b[2K\u001b[1A\u001b[32m✓ builder:evil fine\u001b[0m\u001b]52;c;ZWNobyBwd25lZA==\u0007\r';
const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('remote text on the terminal', () => {
  it('the doctor checklist shows control characters from a check detail as escapes', () => {
    const text = formatChecklist([{ name: 'builder:evil', ok: false, detail: `http://127.0.0.1:1 ${hostile}`, fix: `check ${hostile}` }]);
    expect(text).not.toMatch(control);
    expect(text).toContain('\\u001b[2K');
    expect(text.split('\n').filter((line) => line.startsWith('✓'))).toEqual([]);
  });

  it('the human log line shows control characters in the message and in fields as escapes (colour codes are ours only)', () => {
    const line = formatLogLine(JSON.stringify({ level: 40, time: 0, component: 'builders', msg: `builder local: ${hostile}`, reason: hostile.replace(/ /g, ''), err: { message: hostile } }), { colour: false });
    expect(line).not.toMatch(control);
    expect(line).toContain('\\u001b]52');
    const coloured = formatLogLine(JSON.stringify({ level: 40, time: 0, msg: hostile }), { colour: true });
    // Only our own SGR sequences remain: every ESC starts one of ours.
    expect(coloured.replace(/\x1b\[(?:0|2|33)m/g, '')).not.toMatch(control);
  });
});
