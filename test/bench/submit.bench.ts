import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { FlashbotsBundleProvider } from '@flashbots/ethers-provider-bundle';
import { encodeFunctionData, parseAbi, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, bench, describe } from 'vitest';
import { JsonRpcBuilderClient, sendBundleParams } from '../../src/bundle/builderClient.ts';
import { signFlashbotsBody } from '../../src/bundle/flashbotsAuth.ts';
import { FlashbotsLibraryClient } from '../../src/bundle/flashbotsLibraryClient.ts';
import { signExecutorTransaction } from '../../src/bundle/signTransaction.ts';
import type { BundleRequest } from '../../src/bundle/types.ts';

// Submitting one bundle, side by side with @flashbots/ethers-provider-bundle (the library a searcher would
// otherwise use), and just the X-Flashbots-Signature header both ways. The builder is a trivial node:http
// server on 127.0.0.1 in this process that answers at once with a fixed bundle hash, so the difference
// between rows is the clients: building the body, signing it, HTTP, parsing the answer (and, for the library,
// what it does after the answer: it parses and ecrecovers every transaction of the bundle).

// The library is CommonJS and require()s ethers: take that very copy (see src/bundle/flashbotsLibraryClient.ts).
const { AbstractProvider, FetchRequest, Network, Wallet, id } = createRequire(import.meta.url)('ethers') as typeof import('ethers');
type LibraryProvider = Parameters<typeof FlashbotsBundleProvider.create>[0];

// Fixed keys: the numbers must not depend on the key drawn.
const authKey = '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba' as const;
const traderKey = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318' as const;
const operatorKey = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d' as const;
const auth = privateKeyToAccount(authKey);
const trader = privateKeyToAccount(traderKey);
const operator = privateKeyToAccount(operatorKey);

const WETH = '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2';
const USDC = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
const DAI = '0x6B175474E89094C44Da98b954EedeAC495271d0F';
const swapRouter02 = '0x68b3465833fb72A70ecDF485E0e4C7bD8665Fc45';
const executor = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

// Tx 1, the victim: what the Uniswap interface sends through SwapRouter02 for a one-pool V3 swap,
// multicall(deadline, [exactInputSingle(...)]): 420 bytes of calldata.
const routerAbi = parseAbi([
  'function multicall(uint256 deadline, bytes[] data) payable returns (bytes[])',
  'struct ExactInputSingleParams { address tokenIn; address tokenOut; uint24 fee; address recipient; uint256 amountIn; uint256 amountOutMinimum; uint160 sqrtPriceLimitX96; }',
  'function exactInputSingle(ExactInputSingleParams params) payable returns (uint256)',
]);
const swapCalldata = encodeFunctionData({
  abi: routerAbi,
  functionName: 'multicall',
  args: [
    1_700_000_120n,
    [
      encodeFunctionData({
        abi: routerAbi,
        functionName: 'exactInputSingle',
        args: [{ tokenIn: WETH, tokenOut: USDC, fee: 500, recipient: trader.address, amountIn: 25n * 10n ** 18n, amountOutMinimum: 54_912_331_007n, sqrtPriceLimitX96: 0n }],
      }),
    ],
  ],
});
const victim = await trader.signTransaction({
  type: 'eip1559',
  chainId: 1,
  nonce: 412,
  to: swapRouter02,
  value: 0n,
  data: swapCalldata,
  gas: 184_000n,
  maxFeePerGas: 41n * 10n ** 9n,
  maxPriorityFeePerGas: 2n * 10n ** 9n,
});

// Tx 2, ours: Executor.execute(plan) for a 3-hop cycle WETH -> USDC -> DAI -> WETH: 292 bytes of calldata.
const backrun = await signExecutorTransaction({
  account: operator,
  chainId: 1,
  executor,
  plan: {
    flash: true,
    targetBlock: 19_000_124n,
    amountIn: 3_217_000_000_000_000_000n,
    minProfit: 1_100_000_000_000_000n,
    builderPayment: 4_300_000_000_000_000n,
    maxBuilderShareBps: 9_000,
    startToken: WETH,
    hops: [
      { pool: '0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640', factory: '0x1F98431c8aD98523631AE4a59f267346ea31F984', tokenOut: USDC, protocol: 'v3', zeroForOne: false, v3Fee: 500 },
      { pool: '0xAE461cA67B15dc8dc81CE7615e0320dA1A9aB8D5', factory: '0x5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f', tokenOut: DAI, protocol: 'v2', zeroForOne: false, v2FeeBps: 30 },
      { pool: '0xC3D03e4F041Fd4cD388c549Ee2A29a9E5075882f', factory: '0xC0AEe478e3658e2610c5F7A4A2E1777cE9e4f2Ac', tokenOut: WETH, protocol: 'v2', zeroForOne: true, v2FeeBps: 30 },
    ],
  },
  nonce: 97,
  gas: 420_000n,
  maxFeePerGas: 41n * 10n ** 9n,
  maxPriorityFeePerGas: 2n * 10n ** 9n,
});
const bundle: BundleRequest = { txs: [victim, backrun.raw], blockNumber: 19_000_124n };

// The builder: read the body, echo the id, answer a fixed bundle hash. Nothing else.
const bundleHash: Hex = '0x9f2c3d7c1c5e7e0b8a64e1c0e8a1f42d5b0c6e3d2a1f0e9d8c7b6a5f4e3d2c1b';
const server: Server = createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => (body += chunk));
  request.on('end', () => {
    const requestId = /"id":(\d+)/.exec(body)?.[1] ?? 'null';
    const text = `{"jsonrpc":"2.0","id":${requestId},"result":{"bundleHash":"${bundleHash}"}}`;
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const never = new AbortController().signal;
const ours = new JsonRpcBuilderClient({ name: 'ours', url, authSigner: auth });
const libraryClient = new FlashbotsLibraryClient({ name: 'library', url, authSigner: auth });
// The library as its README has a searcher use it: an ethers Wallet as auth signer, sendRawBundle. create()
// wants a chain provider but only asks it for the chain id, which we pass; sendRawBundle never touches it.
const wallet = new Wallet(authKey);
const plainLibrary = await FlashbotsBundleProvider.create(
  new AbstractProvider(Network.from(1)) as unknown as LibraryProvider,
  wallet as never,
  new FetchRequest(url) as never,
  1,
);

function check(hash: unknown): void {
  if (hash !== bundleHash) throw new Error(`no bundle hash in the answer (got ${String(hash)})`);
}

// Every side once before timing: each must get the answer, or the bench is measuring a failure.
check((await ours.sendBundle(bundle, never)).bundleHash);
check((await libraryClient.sendBundle(bundle, never)).bundleHash);
{
  const answer = await plainLibrary.sendRawBundle(bundle.txs, Number(bundle.blockNumber));
  check('error' in answer ? undefined : answer.bundleHash);
}

const calldataBytes = (data: Hex) => (data.length - 2) / 2;
describe(`eth_sendBundle to a local JSON-RPC builder: 2 signed EIP-1559 txs (${calldataBytes(swapCalldata)} + ${calldataBytes(backrun.data)} bytes of calldata), answer awaited and checked`, () => {
  bench('searcher JsonRpcBuilderClient.sendBundle', async () => {
    check((await ours.sendBundle(bundle, never)).bundleHash);
  }, { time: 2000 });
  bench('@flashbots/ethers-provider-bundle via FlashbotsLibraryClient (viem auth signer)', async () => {
    check((await libraryClient.sendBundle(bundle, never)).bundleHash);
  }, { time: 2000 });
  bench('@flashbots/ethers-provider-bundle sendRawBundle, ethers Wallet auth signer', async () => {
    const answer = await plainLibrary.sendRawBundle(bundle.txs, Number(bundle.blockNumber));
    check('error' in answer ? undefined : answer.bundleHash);
  }, { time: 2000 });
});

// The exact body both clients send for this bundle (same key order, same first id).
const body = JSON.stringify({ method: 'eth_sendBundle', params: [sendBundleParams(bundle)], id: 1, jsonrpc: '2.0' });
const expectedHeader = await signFlashbotsBody(auth, body);
const libraryHeader = `${await wallet.getAddress()}:${await wallet.signMessage(id(body))}`;
if (libraryHeader !== expectedHeader) throw new Error(`the two ways disagree on the header:\n${expectedHeader}\n${libraryHeader}`);

describe(`X-Flashbots-Signature header for the same ${body.length}-byte body`, () => {
  bench('searcher signFlashbotsBody (viem)', async () => {
    const header = await signFlashbotsBody(auth, body);
    if (header !== expectedHeader) throw new Error(`unexpected header ${header}`);
  });
  bench("the library's way: ethers Wallet.signMessage(id(body))", async () => {
    const header = `${await wallet.getAddress()}:${await wallet.signMessage(id(body))}`;
    if (header !== expectedHeader) throw new Error(`unexpected header ${header}`);
  });
});
