import { describe, expect, it } from 'vitest';
import { senderNonceGap } from '../../src/mempool/senderNonceGap.ts';

describe('senderNonceGap', () => {
  it('runs next when its nonce is the count, or follows the earlier pending ones we hold without a hole', () => {
    expect(senderNonceGap(47, 47n, [])).toBeUndefined();
    expect(senderNonceGap(47, 49n, [48n, 47n])).toBeUndefined();
  });

  it('has a gap when its nonce is past the count and nothing we hold fills it', () => {
    expect(senderNonceGap(47, 48n, [])).toMatch(/next nonce is 47 .* not 48: 1 transaction/);
    // 48 is held, 47 is not: 48 cannot fill the hole below it.
    expect(senderNonceGap(47, 49n, [48n])).toMatch(/next nonce is 47 .* not 49: 2 transaction/);
    expect(senderNonceGap(47n, 50n, [47n, 48n])).toMatch(/next nonce is 49 \(count 47 at the head, 2 earlier pending\), not 50/);
  });

  it('never runs when its nonce is below the count (already used)', () => {
    expect(senderNonceGap(47, 46n, [])).toMatch(/nonce 46 is used/);
  });
});
