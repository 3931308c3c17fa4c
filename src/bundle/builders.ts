/**
 * Where bundles go on mainnet: the builders that build most blocks now, each with the `eth_sendBundle` dialect its
 * own docs describe. Config only: nothing here opens a connection, and no test contacts these URLs.
 *
 * Checked against the builders' docs on `checkedOn` (below). Builders change their APIs and their share of blocks
 * moves: re-check the sources of each entry (and relayscan.io for who builds blocks) before relying on it, and
 * update `checkedOn` with what you find.
 *
 * Left out on purpose:
 * - rsync and BuildAI: they no longer appear among the builders of 2026 blocks.
 * - beaverbuild: it retired its own builder and joined BuilderNet in May 2025
 *   (https://bytenoob.io/2026-02-12-block-builder-buildernet-1.html); no beaverbuild doc found says its old
 *   endpoint still takes bundles and forwards them, so its BuilderNet share is reached through the Flashbots relay.
 * - BuilderNet's own nodes: their documented endpoints are per-node URLs with pinned TLS certificates
 *   (https://buildernet.org/docs/send-orderflow); the Flashbots relay shares its bundles with BuilderNet.
 * - bloXroute: it takes its own `blxr_submit_bundle` with an account token, not this dialect.
 */
export type BuilderEndpointKind = 'flashbots-library' | 'json-rpc';

/**
 * The optional `eth_sendBundle` fields (beyond `txs` and `blockNumber`), by their names on the wire. The sequence
 * number that orders bundles sharing a replacementUuid is `replacementNonce` at BuilderNet and
 * `replacementSeqNumber` at Titan and Quasar; `builders` is the Flashbots relay's multiplex list.
 */
export const bundleFields = [
  'minTimestamp',
  'maxTimestamp',
  'revertingTxHashes',
  'droppingTxHashes',
  'replacementUuid',
  'replacementNonce',
  'replacementSeqNumber',
  'refundPercent',
  'refundRecipient',
  'refundTxHashes',
  'builders',
] as const;

export type BundleField = (typeof bundleFields)[number];

/** How one builder takes bundles: what we may send it, and how hard. */
export type BuilderDialect = {
  /** The optional fields its docs list; any other field is left out of the request (written in the library's order). */
  fields: readonly BundleField[];
  /** Its docs require `X-Flashbots-Signature` (we always sign; this says whether a builder would refuse without). */
  signatureRequired: boolean;
  /** Its documented `eth_sendBundle` rate limit per IP, requests per second; absent: none documented. */
  maxRequestsPerSecond?: number;
  /** It answers `flashbots_getBundleStatsV2` (why a bundle missed). */
  stats: boolean;
};

export type BuilderEndpoint = {
  name: string;
  url: string;
  /** Which client speaks to it: the reference @flashbots library or our fetch-based client. */
  kind: BuilderEndpointKind;
  dialect: BuilderDialect;
  /** Where the dialect comes from (the builder's own docs first). */
  sources: readonly string[];
  /** The day the entry was last checked against its sources (ISO date). */
  checkedOn: string;
};

/** When the list below was checked against the builders' docs. */
const checkedOn = '2026-11-30';

/**
 * The dialect of a builder the list does not know (and of the devnet's local builder): the classic Flashbots
 * `eth_sendBundle` fields, what the client sent before dialects existed.
 */
export const defaultBuilderDialect: BuilderDialect = {
  fields: ['minTimestamp', 'maxTimestamp', 'revertingTxHashes', 'replacementUuid'],
  signatureRequired: false,
  stats: false,
};

export const mainnetBuilders = [
  {
    // The Flashbots relay: its bundles go to BuilderNet (Flashbots' builder, beaverbuild since May 2025), ~22-28%
    // of 2026 blocks. The relay documents only the classic fields plus `builders`; BuilderNet's refund fields are
    // documented for its own nodes, not for the relay. flashbots_getBundleStatsV2 was retired (403) in June 2025.
    // Rate: eth_sendBundle 1800 / IP / minute (the general page says 10,000 requests/s; the per-method limit binds).
    name: 'flashbots',
    url: 'https://relay.flashbots.net',
    kind: 'flashbots-library',
    dialect: { fields: ['minTimestamp', 'maxTimestamp', 'revertingTxHashes', 'replacementUuid', 'builders'], signatureRequired: true, maxRequestsPerSecond: 30, stats: false },
    sources: [
      'https://docs.flashbots.net/flashbots-auction/advanced/rpc-endpoint',
      'https://docs.flashbots.net/flashbots-mev-share/searchers/ratelimiting',
      'https://github.com/flashbots/flashbots-docs/pull/638',
      'https://buildernet.org/docs/send-orderflow',
    ],
    checkedOn,
  },
  {
    // Titan, ~50% of 2026 blocks. Geo-routed; eu./us./ap.rpc.titanbuilder.xyz pin a region. The signature is
    // optional (it only raises the bundle's priority queue). Its current eth_sendBundle page lists no timestamps.
    // Bundle outcomes come from titan_getBundleStats (stats.titanbuilder.xyz), not flashbots_getBundleStatsV2.
    name: 'titan',
    url: 'https://rpc.titanbuilder.xyz',
    kind: 'json-rpc',
    dialect: {
      fields: ['revertingTxHashes', 'droppingTxHashes', 'replacementUuid', 'replacementSeqNumber', 'refundPercent', 'refundRecipient', 'refundTxHashes'],
      signatureRequired: false,
      maxRequestsPerSecond: 50,
      stats: false,
    },
    sources: [
      'https://docs.titanbuilder.xyz/api/eth_sendbundle',
      'https://docs.titanbuilder.xyz/authentication',
      'https://docs.titanbuilder.xyz/bundle-tracing',
      'https://www.titanbuilder.xyz/docs',
    ],
    checkedOn,
  },
  {
    // Quasar, ~17% of 2026 blocks. The signature is optional, but an invalid one gets a 401 and the bundle is
    // dropped. No rate limit and no bundle-stats method documented. Its docs name rpc.quasar.win as its host.
    name: 'quasar',
    url: 'https://rpc.quasar.win',
    kind: 'json-rpc',
    dialect: {
      fields: ['minTimestamp', 'maxTimestamp', 'revertingTxHashes', 'droppingTxHashes', 'replacementUuid', 'replacementSeqNumber', 'refundPercent', 'refundRecipient', 'refundTxHashes'],
      signatureRequired: false,
      stats: false,
    },
    sources: ['https://docs.quasar.win/api/eth_sendbundle', 'https://docs.quasar.win/authentication', 'https://docs.quasar.win/propamm/makers'],
    checkedOn,
  },
] as const satisfies readonly BuilderEndpoint[];

export type MainnetBuilderName = (typeof mainnetBuilders)[number]['name'];

/** The built-in entry of that name, if the list knows it. */
export function knownBuilder(name: string): BuilderEndpoint | undefined {
  return (mainnetBuilders as readonly BuilderEndpoint[]).find((builder) => builder.name === name);
}

/** Keeps only the fields a dialect takes, in the order given (`undefined` values left out). */
export function acceptedFields(params: Record<string, unknown>, fields: readonly BundleField[]): Record<string, unknown> {
  const accepted = new Set<string>(fields);
  return Object.fromEntries(Object.entries(params).filter(([key, value]) => value !== undefined && accepted.has(key)));
}
