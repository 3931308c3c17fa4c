import { describe, expect, it } from 'vitest';
import { formatBlockLine } from '../../src/cli/blockLine.ts';

const block = { number: 215, seen: 3, candidates: 2, sent: 2, included: 1, netWei: 33_481_382_355_511_914n, cumulativeNetWei: 1_000_000_000_000_000_001n };

describe('the block line', () => {
  it('says what was sent, with amounts exact in ETH', () => {
    expect(formatBlockLine(block as never)).toBe(
      'block 215: seen 3, candidates 2, sent 2, included 1, net 0.033481382355511914 ETH, cumulative 1.000000000000000001 ETH',
    );
  });

  it('in a dry run says what would have been sent: nothing left the machine', () => {
    const line = formatBlockLine(block as never, { dryRun: true });
    expect(line).toContain('would send 2');
    expect(line).not.toMatch(/ sent \d/);
  });
});
