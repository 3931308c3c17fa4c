import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nonceMissesOf } from '../../src/cli/demoResult.ts';
import { Store } from '../../src/monitor/store.ts';

const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as const;

describe('the demo result: nonce misses by whose nonce failed', () => {
  it('ours when the builder names our transaction or none, another sender’s when it names a victim', () => {
    const store = Store.open(join(mkdtempSync(join(tmpdir(), 'nonce-')), 's.db'));
    try {
      const bundles = [
        { id: 'victim-gap', victim: hash(1), ours: hash(2), words: `nonce too high: tx 0 (${hash(1)}) has nonce 33, its sender's next is 32` },
        { id: 'our-gap', victim: hash(3), ours: hash(4), words: `nonce too high: tx 1 (${hash(4)}) has nonce 9, its sender's next is 8` },
        { id: 'unnamed', victim: hash(5), ours: hash(6), words: "a transaction's nonce is ahead of its sender's and the public pool does not fill the gap" },
        { id: 'outbid', victim: hash(7), ours: hash(8), words: 'a conflicting bundle paid more' },
      ];
      for (const bundle of bundles) {
        store.recordBundle({ id: bundle.id, targetBlock: 10n, ourTxHash: bundle.ours, txHashes: [bundle.victim, bundle.ours], predictedNetWei: 1n });
        const kind = bundle.id === 'outbid' ? 'outbid' : 'nonce';
        store.recordMiss({ bundleId: bundle.id, block: 10n, reason: 'not_included', detail: bundle.words, verdict: { kind, builder: 'local', detail: bundle.words } });
      }
      expect(nonceMissesOf({ store, operatorLanes: [] })).toEqual({ ours: 2, others: 1, operators: 1 });
    } finally {
      store.close();
    }
  });
});
