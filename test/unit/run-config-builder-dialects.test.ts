import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mainnetBuilders, type BuilderEndpoint } from '../../src/bundle/builders.ts';
import { ConfigError, loadRunConfig } from '../../src/config/runConfig.ts';
import { configErrorOf } from '../helpers/configError.ts';

const dir = mkdtempSync(join(tmpdir(), 'run-config-dialects-'));
const chain = { chainId: 1, rpcUrl: 'http://127.0.0.1:9/rpc', wsUrl: 'ws://127.0.0.1:9/ws', executor: { address: '0x5FbDB2315678afecb367f032d93F642f64180aa3' } };
let files = 0;

function configFile(extra: object): string {
  const file = join(dir, `config-${files++}.json`);
  writeFileSync(file, JSON.stringify({ chain, ...extra }));
  return file;
}

/** A builder entry at a local address (never a real builder's URL: nothing here is contacted anyway). */
const local = (name: string, rest: object = {}) => ({ name, url: 'http://127.0.0.1:9/', ...rest });

describe('builder dialects in the run config', () => {
  it('with no builders listed, resolves the built-in set with each builder dialect', () => {
    const { builders } = loadRunConfig(configFile({}));
    expect(builders.map((builder) => builder.name)).toEqual(['flashbots', 'titan', 'quasar']);
    for (const builder of builders) {
      const builtIn: BuilderEndpoint = mainnetBuilders.find((entry) => entry.name === builder.name)!;
      expect(builder).toMatchObject({ url: builtIn.url, kind: builtIn.kind, fields: builtIn.dialect.fields, signatureRequired: builtIn.dialect.signatureRequired, stats: false });
      expect(builder.maxRequestsPerSecond).toBe(builtIn.dialect.maxRequestsPerSecond);
    }
  });

  it('a listed builder known by name takes its dialect from the built-in list; an unknown one gets the classic fields', () => {
    const { builders } = loadRunConfig(configFile({ builders: [local('titan'), local('my-builder')] }));
    expect(builders[0]).toMatchObject({ name: 'titan', url: 'http://127.0.0.1:9/', fields: mainnetBuilders[1]!.dialect.fields, signatureRequired: false, maxRequestsPerSecond: 50 });
    expect(builders[1]).toMatchObject({ name: 'my-builder', fields: ['minTimestamp', 'maxTimestamp', 'revertingTxHashes', 'replacementUuid'], signatureRequired: false, stats: false });
    expect(builders[1]!.maxRequestsPerSecond).toBeUndefined();
  });

  it('an entry may narrow a known builder dialect, or set any dialect for a builder the list does not know', () => {
    const { builders } = loadRunConfig(
      configFile({
        builders: [
          local('titan', { fields: ['revertingTxHashes', 'replacementUuid'], maxRequestsPerSecond: 10, signatureRequired: true }),
          local('custom', { fields: ['replacementUuid', 'refundPercent', 'refundRecipient'], maxRequestsPerSecond: 200, signatureRequired: true, stats: true }),
        ],
      }),
    );
    expect(builders[0]).toMatchObject({ name: 'titan', fields: ['revertingTxHashes', 'replacementUuid'], maxRequestsPerSecond: 10, signatureRequired: true });
    expect(builders[1]).toMatchObject({ name: 'custom', fields: ['replacementUuid', 'refundPercent', 'refundRecipient'], maxRequestsPerSecond: 200, signatureRequired: true, stats: true });
  });

  it.each([
    ['a refund field the Flashbots relay does not document', local('flashbots', { fields: ['replacementUuid', 'refundPercent'] }), /builders\[0\]\.fields: flashbots does not take refundPercent .*docs\.flashbots\.net/],
    ['refundRecipient without refundPercent', local('custom', { fields: ['replacementUuid', 'refundRecipient'] }), /builders\[0\]\.fields: refundRecipient only qualifies refundPercent/],
    ['refundTxHashes without refundPercent', local('custom', { fields: ['replacementUuid', 'refundTxHashes'] }), /builders\[0\]\.fields: refundTxHashes only qualifies refundPercent/],
    ['a sequence number without replacementUuid', local('custom', { fields: ['replacementNonce'] }), /builders\[0\]\.fields: replacementNonce orders bundles that share a replacementUuid/],
    ['no replacementUuid (the bot could not withdraw a bundle)', local('custom', { fields: ['revertingTxHashes'] }), /builders\[0\]\.fields: must include replacementUuid/],
    ['an unknown field', local('custom', { fields: ['replacementUuid', 'refundIndex'] }), /builders\[0\]\.fields\[1\]: /],
    ['a field listed twice', local('custom', { fields: ['replacementUuid', 'replacementUuid'] }), /builders\[0\]\.fields: replacementUuid is listed twice/],
    ['no signature for a builder whose docs require one', local('flashbots', { signatureRequired: false }), /builders\[0\]\.signatureRequired: flashbots requires X-Flashbots-Signature/],
    ['a rate above the documented limit', local('titan', { maxRequestsPerSecond: 51 }), /builders\[0\]\.maxRequestsPerSecond: titan documents at most 50 requests\/s/],
    ['stats from a builder whose docs say it does not answer flashbots_getBundleStatsV2', local('quasar', { stats: true }), /builders\[0\]\.stats: quasar does not answer flashbots_getBundleStatsV2/],
    ['a zero rate limit', local('custom', { maxRequestsPerSecond: 0 }), /builders\[0\]\.maxRequestsPerSecond: /],
  ])('refuses %s with a config error naming the field', (_name, entry, message) => {
    const error = configErrorOf(configFile({ builders: [entry] }));
    expect(error.message).toMatch(message);
  });
});
