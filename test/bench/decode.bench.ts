import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Interface } from 'ethers';
import { decodeFunctionData, type Abi, type Hex } from 'viem';
import { bench, describe } from 'vitest';
import { decodeTransaction, mainnetRouters } from '../../src/mempool/decode.ts';
import { parseTxLine } from '../../src/mempool/json.ts';

// Same transactions on every side; each iteration handles one transaction, so hz = transactions per second.
const require = createRequire(import.meta.url);
const abiOf = (path: string) => JSON.parse(readFileSync(require.resolve(path), 'utf8')).abi as Abi;
const v2Abi = abiOf('@uniswap/v2-periphery/build/UniswapV2Router02.json');
const v3Abi = abiOf('@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json');
const abiByRouter = new Map<string, Abi>([
  ['0x7a250d5630b4cf539739df2c5dacb4c659f2488d', v2Abi],
  ['0xd9e1ce17f2641f24ae83637ab66a2cca9c378b9f', v2Abi],
  ['0xe592427a0aece92de3edee1f18e0157c05861564', v3Abi],
]);
const ethersByRouter = new Map([...abiByRouter].map(([address, abi]) => [address, new Interface(abi as never)]));

const corpus = readFileSync(new URL('../fixtures/mainnet-txs.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => parseTxLine(line));
const routerTxs = corpus.filter((tx) => tx.to !== null && abiByRouter.has(tx.to));
const otherTxs = corpus.filter((tx) => !(tx.to !== null && abiByRouter.has(tx.to)));
const config = { routers: mainnetRouters };

function cycle<T>(items: T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}

describe(`decode + classify router transactions (${routerTxs.length} from the mainnet corpus)`, () => {
  const ours = cycle(routerTxs);
  const viem = cycle(routerTxs);
  const ethers = cycle(routerTxs);
  bench('searcher decodeTransaction (to SwapIntents)', () => {
    decodeTransaction(ours(), config);
  });
  bench('viem decodeFunctionData', () => {
    const tx = viem();
    decodeFunctionData({ abi: abiByRouter.get(tx.to!)!, data: tx.input as Hex });
  });
  bench('ethers Interface.parseTransaction', () => {
    const tx = ethers();
    ethersByRouter.get(tx.to!)!.parseTransaction({ data: tx.input, value: tx.value });
  });
});

describe(`classify non-swaps (${otherTxs.length} other transactions from the corpus)`, () => {
  const next = cycle(otherTxs);
  bench('searcher decodeTransaction', () => {
    decodeTransaction(next(), config);
  });
});
