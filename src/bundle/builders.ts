/**
 * Where bundles go on mainnet: the public `eth_sendBundle` endpoints the builders document, all speaking the
 * Flashbots dialect (JSON-RPC, `X-Flashbots-Signature`). Config only: nothing here opens a connection.
 *
 * Left out on purpose: BuilderNet's documented endpoints are per-node URLs with pinned TLS certificates
 * (its orderflow also arrives through the Flashbots relay), and bloXroute takes its own `blxr_submit_bundle`
 * with an account token, not this dialect.
 */
export type BuilderEndpointKind = 'flashbots-library' | 'json-rpc';

export type BuilderEndpoint = {
  name: string;
  url: string;
  /** Which client speaks to it: the reference @flashbots library or our fetch-based client. */
  kind: BuilderEndpointKind;
};

export const mainnetBuilders = [
  // Flashbots' relay (docs.flashbots.net, and the library's DEFAULT_FLASHBOTS_RELAY).
  { name: 'flashbots', url: 'https://relay.flashbots.net', kind: 'flashbots-library' },
  // docs.titanbuilder.xyz: geo-routed; eu./us./ap.rpc.titanbuilder.xyz pin a region.
  { name: 'titan', url: 'https://rpc.titanbuilder.xyz', kind: 'json-rpc' },
  { name: 'beaverbuild', url: 'https://rpc.beaverbuild.org', kind: 'json-rpc' },
  { name: 'rsync', url: 'https://rsync-builder.xyz', kind: 'json-rpc' },
  // docs.buildai.net: takes the signature header but does not require it.
  { name: 'buildai', url: 'https://buildai.net', kind: 'json-rpc' },
] as const satisfies readonly BuilderEndpoint[];

export type MainnetBuilderName = (typeof mainnetBuilders)[number]['name'];
