import { resolve } from 'node:path';
import { createLogger } from '../log.ts';
import { startDevnet } from '../devnet/devnet.ts';
import { writeManifest } from '../devnet/manifest.ts';
import { defaultScenarioPath, loadScenario } from '../devnet/scenario/load.ts';
import { parseScaleScenario, scaleScenario } from '../devnet/scale/scenario.ts';
import { withRivalsFile } from '../devnet/rivals/schema.ts';
import { integerFlag, parseFlags } from './args.ts';
import { reportError } from './report.ts';

export const devnetUsage = `Usage: searcher devnet [--scenario FILE|scale|scale:N] [--port N] [--block-time S] [--manifest FILE]

Starts anvil with the real Uniswap contracts (WETH9, V2 factory + Router02, SushiSwap at its mainnet
addresses, V3 factory, SwapRouter, SwapRouter02, QuoterV2, NonfungiblePositionManager, UniversalRouter)
at their mainnet addresses, builds the scenario's tokens, pools and funded traders, and sends the
scenario's user swaps to the mempool every block. A local Flashbots-dialect builder (eth_sendBundle,
eth_callBundle, eth_cancelBundle, flashbots_getBundleStatsV2, builder_blockReport) produces the blocks:
bundles first, public transactions by fee. Ctrl-C stops everything.

Options:
  --scenario FILE   scenario JSON (default: scenarios/default.json; format in README.md)
  --scenario scale  a generated mainnet-shaped market (22,500 pools, ~200 txs per block); scale:N for about
                    N pools. Built once (minutes at full size), then loaded from ~/.searcher/cache/devnet
                    (or $SEARCHER_CACHE_DIR/devnet) in seconds
  --port N          JSON-RPC and websocket port on 127.0.0.1 (default 8545; 0 = any free port)
  --block-time S    seconds between blocks built by the local builder (default 2, 12 for scale; 0 = only on evm_mine)
  --manifest FILE   write chain id, URLs, every address and the test accounts as JSON
  --rivals FILE     rival searchers to run besides the scenario's (JSON: an array of {name, latencyMs,
                    bidShareBps | policy, strategy}, or {"rivals": [...]}; see README.md)
  --no-traffic      do not send the scenario's swaps
  -h, --help        this help
`;

export async function run(argv: string[]): Promise<number> {
  try {
    const flags = parseFlags(argv, {
      scenario: { type: 'string' },
      port: { type: 'string' },
      'block-time': { type: 'string' },
      manifest: { type: 'string' },
      'no-traffic': { type: 'boolean' },
      rivals: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (flags.help) {
      process.stdout.write(devnetUsage);
      return 0;
    }
    const port = integerFlag(flags.port, 'port', 8545, 0, 65535);

    const scale = flags.scenario === undefined ? undefined : parseScaleScenario(flags.scenario);
    const scenario = withRivalsFile(scale ? scaleScenario(scale) : loadScenario(resolve(flags.scenario ?? defaultScenarioPath())), flags.rivals === undefined ? undefined : resolve(flags.rivals));
    // Mainnet's 12 s blocks for the mainnet-shaped market; the small scenarios default to 2 s.
    const blockTime = integerFlag(flags['block-time'], 'block-time', scale ? 12 : 2, 0, 3600);
    const logger = createLogger('devnet');

    const devnet = await startDevnet({ scenario, port, blockTime, traffic: !flags['no-traffic'], logger, ...(scale ? { scale } : {}) });
    if (flags.manifest) {
      try {
        writeManifest(resolve(flags.manifest), devnet.manifest);
      } catch (error) {
        // The devnet is up: take it down, or the process would stay alive behind the error.
        await devnet.stop();
        throw error;
      }
    }
    const { manifest } = devnet;
    process.stdout.write(
      [
        `devnet ready in ${devnet.readyMs} ms (scenario "${manifest.scenario}": ${manifest.tokens.length} tokens, ${manifest.pools.length} pools, ${manifest.accounts.traders.length} traders)`,
        ...(manifest.scale
          ? [`  scale market ${manifest.scale.cached ? 'loaded from the cache' : `built in ${manifest.scale.buildMs} ms and cached`}: ${manifest.scale.statePath}`]
          : []),
        `  rpc ${manifest.rpcUrl}   ws ${manifest.wsUrl}   chain id ${manifest.chainId}`,
        `  builder ${manifest.builderUrl} (eth_sendBundle with X-Flashbots-Signature)`,
        `  MEV Blocker ${manifest.mevBlocker.rpcUrl}   ws ${manifest.mevBlocker.wsUrl} (mevblocker_partialPendingTransactions; eth_sendBundle [targetHash, backrun])`,
        ...(manifest.mevShare ? [`  mev-share stream ${manifest.mevShare.streamUrl} (SSE hints)   api ${manifest.mevShare.apiUrl} (mev_sendBundle, mev_simBundle)`] : []),
        ...(manifest.rivals ?? []).map((rival, i) => {
          const spec = scenario.rivals[i]!;
          return `  rival ${rival.name}: ${rival.strategy}, ${spec.bidShareBps !== undefined ? `${spec.bidShareBps} bps to the builder` : `adaptive from ${spec.policy!.startBps} bps`}, ${rival.latencyMs} ms late; operator ${rival.operator}, executor ${rival.executor}`;
        }),
        `  blocks ${blockTime > 0 ? `every ${blockTime} s` : 'on evm_mine only'}; traffic ${flags['no-traffic'] ? 'off' : 'on'}${flags.manifest ? `; manifest ${resolve(flags.manifest)}` : ''}`,
        '  Ctrl-C to stop',
        '',
      ].join('\n'),
    );

    let lastReported = BigInt(manifest.startBlock);
    const unwatch = devnet.client.watchBlocks({
      pollingInterval: 200,
      onBlock: (block) => {
        if (block.number === null || block.number <= lastReported) return;
        lastReported = block.number;
        process.stdout.write(`block ${block.number}: ${block.transactions.length} txs, gas ${block.gasUsed}, base fee ${block.baseFeePerGas} wei\n`);
      },
      onError: () => {},
    });

    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    unwatch();
    process.stdout.write('stopping devnet...\n');
    await devnet.stop();
    return 0;
  } catch (error) {
    return reportError(error);
  }
}
