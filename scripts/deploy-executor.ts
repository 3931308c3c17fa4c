// Deploys the executor and verifies owner, operator, WETH and the registered factories by calls.
//
//   read -rs SEARCHER_DEPLOYER_KEY && export SEARCHER_DEPLOYER_KEY   (not KEY=0x... on the line: shell history)
//   npx tsx scripts/deploy-executor.ts --rpc URL --operator ADDR [--owner ADDR] [--weth ADDR] [--same-owner]
//       [--max-builder-share-bps N] [--pool-manager ADDR|none]
//   read -rs SEARCHER_KEYSTORE_PASSWORD && export SEARCHER_KEYSTORE_PASSWORD
//   npx tsx scripts/deploy-executor.ts --rpc URL --keystore FILE ...
//
// The key comes from SEARCHER_DEPLOYER_KEY or an encrypted keystore, never from the command line.
// Owner and operator default to the deployer, but owner == operator is refused (exit 2) unless --same-owner:
// the owner withdraws and decides which pools plans may use, so it should be a cold key, while the operator is
// the hot key the bot holds. WETH defaults to mainnet WETH9; the factories registered are mainnet Uniswap V2,
// SushiSwap and Uniswap V3. --max-builder-share-bps is the owner's cap on the builder's share of a profit (0..10000,
// default 9000); the bot refuses to start with a strategy.builderShareBps above it. --pool-manager is the Uniswap V4
// PoolManager V4 hops swap in (set and verified; only the owner may set it): default mainnet's when the deployer is
// the owner, none (V4 off; the owner calls setPoolManager later) otherwise. Prints one JSON line.
import { parseArgs } from 'node:util';
import { createPublicClient, createWalletClient, defineChain, getAddress, http, type Address } from 'viem';
import { builderShareCapInputProblem, DEFAULT_MAX_BUILDER_SHARE_BPS } from '../src/bundle/builderShareCap.ts';
import { deployExecutor } from '../src/bundle/deployExecutor.ts';
import { assertNoSecretsInArgv, loadSigner } from '../src/config/secrets.ts';
import { mainnet, mainnetV4 } from '../src/chain/addresses.ts';
import { SearcherError } from '../src/errors.ts';

async function main(argv: string[]): Promise<number> {
  assertNoSecretsInArgv(argv, 'SEARCHER_DEPLOYER_KEY', 'pass --keystore FILE');
  const { values } = parseArgs({
    args: argv,
    options: {
      rpc: { type: 'string' },
      owner: { type: 'string' },
      operator: { type: 'string' },
      weth: { type: 'string' },
      keystore: { type: 'string' },
      'same-owner': { type: 'boolean' },
      'max-builder-share-bps': { type: 'string' },
      'pool-manager': { type: 'string' },
    },
    strict: true,
  });
  if (!values.rpc) throw new SearcherError('USAGE', '--rpc URL is required');
  const capText = values['max-builder-share-bps'];
  const maxBuilderShareBps = capText === undefined ? DEFAULT_MAX_BUILDER_SHARE_BPS : /^\d+$/.test(capText) ? Number(capText) : Number.NaN;
  const badCap = builderShareCapInputProblem(maxBuilderShareBps, '--max-builder-share-bps');
  if (badCap) throw new SearcherError('USAGE', capText === undefined ? badCap : badCap.replace(/\(got .*\)$/, `(got ${capText})`));
  const account = await loadSigner({
    keyEnvVar: 'SEARCHER_DEPLOYER_KEY',
    keystoreFile: values.keystore,
    passwordEnvVar: 'SEARCHER_KEYSTORE_PASSWORD',
    keystoreHint: 'pass --keystore FILE',
  });
  const transport = http(values.rpc);
  const probe = createPublicClient({ transport });
  const chain = defineChain({
    id: await probe.getChainId(),
    name: 'target',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [values.rpc] } },
  });
  const client = createPublicClient({ chain, transport });
  const wallet = createWalletClient({ chain, transport, account });
  const address = (value: string | undefined, fallback: Address) => (value ? getAddress(value) : fallback);
  const parameters = {
    owner: address(values.owner, account.address),
    operator: address(values.operator, account.address),
    weth: address(values.weth, mainnet.weth),
    maxBuilderShareBps,
  };
  const managerText = values['pool-manager'];
  const ownerDeploys = parameters.owner === account.address;
  const poolManager = managerText === 'none' ? undefined : managerText ? getAddress(managerText) : ownerDeploys ? mainnetV4.poolManager : undefined;
  const deployed = await deployExecutor(wallet, client, { ...parameters, sameOwner: values['same-owner'] === true, ...(poolManager ? { poolManager } : {}) });
  process.stdout.write(
    `${JSON.stringify({ ...parameters, poolManager: poolManager ?? null, address: deployed.address, transactionHash: deployed.transactionHash, gasUsed: String(deployed.gasUsed) })}\n`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`deploy-executor: ${error instanceof SearcherError ? error.message : error.message.split('\n')[0]}\n`);
    process.exit(error instanceof SearcherError && ['USAGE', 'SECRET', 'EXECUTOR_SAME_OWNER', 'EXECUTOR_POOL_MANAGER'].includes(error.code) ? 2 : 1);
  },
);
