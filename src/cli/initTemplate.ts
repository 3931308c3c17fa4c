import { mainnetBuilders } from '../bundle/builders.ts';
import { mainnet } from '../chain/addresses.ts';

const json = (value: unknown) => JSON.stringify(value);

/**
 * The commented mainnet config `searcher init` writes (JSON with // comments; the config loader strips them).
 * Safe defaults: nothing is sent (`submit: false`), every bundle is simulated before it would be sent, breakers
 * tighter than the built-in defaults, the dashboard on localhost only. The executor address is a placeholder
 * `searcher doctor` fails on until a real one is filled in. Builders are listed, never contacted, by init.
 */
export function mainnetConfigTemplate(): string {
  const builders = mainnetBuilders.map((builder, index) => `    ${json({ name: builder.name, url: builder.url, kind: builder.kind, timeoutMs: 1000 })}${index < mainnetBuilders.length - 1 ? ',' : ''}`);
  return `// searcher: a mainnet config written by \`searcher init\`. Comments (// and /* */) are allowed in this file.
// Next: fill in chain.rpcUrl, chain.wsUrl and chain.executor.address, then
//   searcher doctor --config THIS_FILE          every check must pass (exit 0)
//   searcher run --config THIS_FILE --dry-run   decides and logs, sends nothing; read it with searcher report
//   set "submit": true only after a dry run you have read.
// Keys never go in this file: the operator key in SEARCHER_PRIVATE_KEY (or signer.keystore with
// SEARCHER_KEYSTORE_PASSWORD), the builder reputation key in SEARCHER_FLASHBOTS_AUTH_KEY, the kill-switch token in
// SEARCHER_RISK_TOKEN. Amounts are decimal wei strings (1 ETH = "1000000000000000000").
{
  "chain": {
    // Ethereum mainnet. The node's answer must match (searcher doctor checks it).
    "chainId": 1,
    // Your own node's HTTP JSON-RPC (geth, reth, erigon), close to the bot: every block waits for its round trips.
    "rpcUrl": "http://127.0.0.1:8545",
    // The same node's websocket: it must stream pending transactions with their bodies.
    "wsUrl": "ws://127.0.0.1:8546",
    // The executor you deployed (README: Running against mainnet). A placeholder until then: doctor fails on it.
    // Add "operator": "0x..." to have the doctor check that the key in the environment is that operator.
    "executor": { "address": "0x0000000000000000000000000000000000000000" },
    "contracts": { "weth": "${mainnet.weth}" }
    // Private order flow, read beside the public mempool (absent = off). Uncomment (with a comma after "contracts")
    // to read MEV Blocker's unsigned private transactions and MEV-Share's hints; backruns of them go back to the
    // relay that showed them.
    // "mevBlocker": { "wsUrl": "wss://searchers.mevblocker.io", "rpcUrl": "https://searchers.mevblocker.io" },
    // "mevShare": { "streamUrl": "https://mev-share.flashbots.net", "apiUrl": "https://relay.flashbots.net" }
  },

  // false: the bot decides and logs what it would send, and sends nothing. Set true only after doctor and a dry run.
  "submit": false,

  "simulation": {
    // "simulateV1" needs eth_simulateV1 on the node (geth 1.14.9+, reth); "fork" runs an anvil fork of it instead.
    "backend": "simulateV1",
    // Every bundle is simulated before it is sent ("optimistic" sends through known pools first: faster, riskier).
    "mode": "simulate-first"
  },

  "strategy": {
    // Our tip per gas (1 gwei).
    "priorityFeeWei": "1000000000",
    // Share of the profit after gas paid to the builder; must not exceed the executor's maxBuilderShareBps.
    "builderShareBps": 5000,
    // Smallest net profit worth sending: 0.001 ETH after gas and the builder's share.
    "minNetProfitWei": "1000000000000000",
    // No flash swaps: trades are sized to the inventory cap below.
    "flash": false,
    "excludedTokens": []
  },

  // Where bundles go (each builder's documented eth_sendBundle endpoint). init contacts none of them; the doctor
  // sends each a signed eth_cancelBundle of a uuid never used, which cancels nothing.
  "builders": [
${builders.join('\n')}
  ],

  // Re-send an opportunity for this many more blocks while its victim is pending.
  "extraBlocks": 2,

  // Names of the environment variables that hold keys (never the keys).
  "signer": { "keyEnv": "SEARCHER_PRIVATE_KEY" },
  "auth": { "keyEnv": "SEARCHER_FLASHBOTS_AUTH_KEY" },

  // Circuit breakers, tighter than the built-in defaults for a first run (README: Safety model).
  "risk": {
    // Gas: per bundle, per block (0.02 ETH) and per rolling 24 h (0.2 ETH), paid plus outstanding.
    "gas": { "maxGasPerBundle": "2000000", "maxSpendPerBlockWei": "20000000000000000", "maxSpendPerWindowWei": "200000000000000000" },
    // Realised loss per rolling hour / day, in bps of the executor's WETH: 0.5% / 1%; latched until searcher resume.
    "loss": { "maxHourlyLossBps": 50, "maxDailyLossBps": 100 },
    // Three losing or failed bundles in a row stop sending for 10 minutes.
    "failures": { "maxConsecutive": 3, "cooldownMs": 600000 },
    // At most 1 WETH of inventory per trade; flash swaps off (raise maxFlashAmount only with strategy.flash).
    "exposure": { "maxInventoryAmountIn": "1000000000000000000", "maxFlashAmount": "0" },
    // Head latency, socket latency, and how long without a new head before sending stops.
    "connectivity": { "maxHeadLatencyMs": 4000, "maxSocketLatencyMs": 1000, "maxHeadSilenceMs": 30000 },
    // POST /api/halt and /api/resume need "Authorization: Bearer $SEARCHER_RISK_TOKEN" (16+ characters).
    "killSwitch": { "tokenEnv": "SEARCHER_RISK_TOKEN" }
  },

  // The dashboard and /metrics: localhost only (put a reverse proxy with authentication in front to share it).
  "dashboard": { "host": "127.0.0.1", "port": 8787 }
}
`;
}
