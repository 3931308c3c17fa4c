import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleFields, defaultBuilderDialect, mainnetBuilders, type BuilderDialect } from '../../src/bundle/builders.ts';

const root = join(import.meta.dirname, '..', '..');
const byName = (name: string) => {
  const builder = mainnetBuilders.find((entry) => entry.name === name);
  expect(builder, `${name} in the built-in list`).toBeDefined();
  return builder!;
};

describe('the built-in mainnet builder set (issue 18 item 6)', () => {
  it('is the builders that build most blocks now: Titan, BuilderNet through the Flashbots relay, Quasar; the retired ones are gone', () => {
    expect(mainnetBuilders.map((builder) => builder.name)).toEqual(['flashbots', 'titan', 'quasar']);
    const names: string[] = mainnetBuilders.map((builder) => builder.name);
    for (const retired of ['rsync', 'buildai', 'beaverbuild']) expect(names).not.toContain(retired);
    for (const builder of mainnetBuilders) {
      expect(new URL(builder.url).protocol).toBe('https:');
      // Every entry says where its facts come from (re-checked, not remembered).
      expect(builder.sources.length).toBeGreaterThan(0);
      for (const source of builder.sources) expect(new URL(source).protocol).toBe('https:');
    }
    // The day the list was last checked against the docs is a real date, not a placeholder.
    expect(Number.isNaN(Date.parse(mainnetBuilders[0]!.checkedOn))).toBe(false);
  });

  it('gives each builder the dialect its docs describe', () => {
    const dialect = (name: string): BuilderDialect => byName(name).dialect;
    // Flashbots relay (forwards to BuilderNet): the classic fields plus the builders[] multiplex; signature required;
    // flashbots_getBundleStatsV2 was retired (403) in 2025; eth_sendBundle 1800 per minute per IP.
    expect(dialect('flashbots')).toEqual({
      fields: ['minTimestamp', 'maxTimestamp', 'revertingTxHashes', 'replacementUuid', 'builders'],
      signatureRequired: true,
      maxRequestsPerSecond: 30,
      stats: false,
    });
    // Titan: refunds, dropping hashes, sequence numbers; the signature is optional; 50 requests/s.
    expect(dialect('titan')).toEqual({
      fields: ['revertingTxHashes', 'droppingTxHashes', 'replacementUuid', 'replacementSeqNumber', 'refundPercent', 'refundRecipient', 'refundTxHashes'],
      signatureRequired: false,
      maxRequestsPerSecond: 50,
      stats: false,
    });
    // Quasar: the same extensions plus timestamps; the signature is optional; no documented rate limit.
    expect(dialect('quasar')).toEqual({
      fields: ['minTimestamp', 'maxTimestamp', 'revertingTxHashes', 'droppingTxHashes', 'replacementUuid', 'replacementSeqNumber', 'refundPercent', 'refundRecipient', 'refundTxHashes'],
      signatureRequired: false,
      stats: false,
    });
  });

  it('every dialect names only known fields, and each can withdraw a bundle (replacementUuid)', () => {
    for (const builder of mainnetBuilders) {
      for (const field of builder.dialect.fields) expect(bundleFields).toContain(field);
      expect(builder.dialect.fields).toContain('replacementUuid');
    }
    // A builder the list does not know gets the classic Flashbots fields (what the client sent before dialects).
    expect(defaultBuilderDialect.fields).toEqual(['minTimestamp', 'maxTimestamp', 'revertingTxHashes', 'replacementUuid']);
  });
});

/** Every .ts file under a folder. */
function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('builder endpoints are configuration only', () => {
  it('no runtime file outside the builder list and the init template names a default builder host', () => {
    const hosts = mainnetBuilders.map((builder) => new URL(builder.url).host);
    expect(hosts.length).toBeGreaterThan(0);
    const allowed = new Set(['src/bundle/builders.ts', 'src/cli/initTemplate.ts']);
    const files = sources(join(root, 'src'));
    expect(files.length).toBeGreaterThan(10);
    const offenders = files
      .map((file) => relative(root, file))
      .filter((file) => !allowed.has(file) && hosts.some((host) => readFileSync(join(root, file), 'utf8').includes(host)));
    expect(offenders).toEqual([]);
  });

  it('no test names a builder-only host (Titan, Quasar): nothing in the tests can reach them', () => {
    const hosts = mainnetBuilders.filter((builder) => builder.name !== 'flashbots').map((builder) => new URL(builder.url).host);
    expect(hosts.length).toBe(2);
    const files = sources(join(root, 'test'));
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((file) => hosts.some((host) => readFileSync(file, 'utf8').includes(host))).map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });
});
