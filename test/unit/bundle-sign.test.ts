import { createRequire } from 'node:module';
import { decodeFunctionData, keccak256, parseTransaction, recoverTransactionAddress, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import { mainnetBuilders } from '../../src/bundle/builders.ts';
import { signFlashbotsBody } from '../../src/bundle/flashbotsAuth.ts';
import { ViemAuthSigner } from '../../src/bundle/flashbotsLibraryClient.ts';
import { decodePlan, encodePlan, type ExecutorPlan } from '../../src/bundle/plan.ts';
import { signExecutorTransaction, SignTransactionError } from '../../src/bundle/signTransaction.ts';
import { BuilderError, clip } from '../../src/bundle/types.ts';

const weth: Address = '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2';
const usdc: Address = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
const plan: ExecutorPlan = {
  flash: true,
  targetBlock: 19_000_124n,
  amountIn: 3n * 10n ** 18n,
  minProfit: 10n ** 15n,
  builderPayment: 5n * 10n ** 14n,
  maxBuilderShareBps: 9_000,
  startToken: weth,
  hops: [
    { pool: '0xB4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc', factory: '0x5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f', tokenOut: usdc, protocol: 'v2', zeroForOne: false, v2FeeBps: 30 },
    { pool: '0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640', factory: '0x1F98431c8aD98523631AE4a59f267346ea31F984', tokenOut: weth, protocol: 'v3', zeroForOne: true, v3Fee: 500 },
  ],
};

describe('signExecutorTransaction', () => {
  it('signs execute(plan) as EIP-1559 with the given nonce, gas and fees', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const executor: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
    const signed = await signExecutorTransaction({ account, chainId: 1, executor, plan, nonce: 42, gas: 400_000n, maxFeePerGas: 31n * 10n ** 9n, maxPriorityFeePerGas: 10n ** 9n });
    expect(signed.hash).toBe(keccak256(signed.raw));
    expect(await recoverTransactionAddress({ serializedTransaction: signed.raw as never })).toBe(account.address);
    const parsed = parseTransaction(signed.raw);
    expect(parsed).toMatchObject({ type: 'eip1559', chainId: 1, nonce: 42, gas: 400_000n, maxFeePerGas: 31n * 10n ** 9n, maxPriorityFeePerGas: 10n ** 9n, to: executor.toLowerCase() });
    expect(parsed.value ?? 0n).toBe(0n);
    const call = decodeFunctionData({ abi: executorAbi, data: parsed.data! });
    expect(call.functionName).toBe('execute');
    expect(decodePlan(call.args![0] as Hex)).toEqual({ ...plan, hops: plan.hops.map(({ pool: _pool, ...hop }) => hop) });
    expect(signed).toMatchObject({ from: account.address, to: executor, data: parsed.data, nonce: 42, gas: 400_000n, value: 0n });
    // A packed plan signs to the very same bytes.
    const again = await signExecutorTransaction({ account, chainId: 1, executor, plan: encodePlan(plan), nonce: 42, gas: 400_000n, maxFeePerGas: 31n * 10n ** 9n, maxPriorityFeePerGas: 10n ** 9n });
    expect(again.raw).toBe(signed.raw);
  });

  it('refuses inconsistent inputs before signing', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const base = { account, chainId: 1, executor: weth, plan, nonce: 0, gas: 1n, maxFeePerGas: 2n, maxPriorityFeePerGas: 1n };
    await expect(signExecutorTransaction({ ...base, maxPriorityFeePerGas: 3n })).rejects.toBeInstanceOf(SignTransactionError);
    await expect(signExecutorTransaction({ ...base, nonce: -1 })).rejects.toThrow(/nonce/);
    await expect(signExecutorTransaction({ ...base, gas: 0n })).rejects.toThrow(/gas/);
    await expect(signExecutorTransaction({ ...base, chainId: 0 })).rejects.toThrow(/chainId/);
  });
});

describe('ViemAuthSigner (the library auth signer over a viem account)', () => {
  it('signs messages exactly as an ethers Wallet with the same key, and as our header signer', async () => {
    const key = generatePrivateKey();
    const account = privateKeyToAccount(key);
    const { Wallet, id } = createRequire(import.meta.url)('ethers') as typeof import('ethers');
    const wallet = new Wallet(key);
    const signer = new ViemAuthSigner(account);
    const body = '{"method":"eth_sendBundle","params":[{"txs":["0x02"],"blockNumber":"0x1"}],"id":1,"jsonrpc":"2.0"}';
    expect(await signer.getAddress()).toBe(wallet.address);
    expect(await signer.signMessage(id(body))).toBe(await wallet.signMessage(id(body)));
    expect(await signer.signMessage(new Uint8Array([1, 2, 3]))).toBe(await wallet.signMessage(new Uint8Array([1, 2, 3])));
    expect(`${await signer.getAddress()}:${await signer.signMessage(id(body))}`).toBe(await signFlashbotsBody(account, body));
    await expect(signer.signTransaction()).rejects.toThrow(/messages only/);
  });
});

describe('builder endpoints and errors', () => {
  it('lists the documented mainnet endpoints: https, unique names and URLs', () => {
    const names = mainnetBuilders.map((builder) => builder.name);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(mainnetBuilders.map((builder) => builder.url)).size).toBe(names.length);
    for (const builder of mainnetBuilders) {
      expect(new URL(builder.url).protocol).toBe('https:');
      expect(['flashbots-library', 'json-rpc']).toContain(builder.kind);
    }
    expect(mainnetBuilders.find((builder) => builder.name === 'flashbots')).toMatchObject({ url: 'https://relay.flashbots.net', kind: 'flashbots-library' });
    expect(names).toEqual(expect.arrayContaining(['titan', 'quasar']));
    for (const retired of ['beaverbuild', 'rsync', 'buildai']) expect(names).not.toContain(retired);
  });

  it('BuilderError keeps messages short and says which failures are lost responses', () => {
    const page = `<html>${'x'.repeat(50_000)}</html>`;
    expect(clip(page).length).toBeLessThan(260);
    const error = new BuilderError({ builder: 'titan', kind: 'http', status: 502, message: `HTTP 502: ${clip(page)}` });
    expect(error).toMatchObject({ code: 'BUILDER_HTTP', builder: 'titan', kind: 'http', status: 502, lostResponse: false });
    expect(error.message.startsWith('titan: HTTP 502')).toBe(true);
    expect(new BuilderError({ builder: 'b', kind: 'rate-limited', message: 'x' }).code).toBe('BUILDER_RATE_LIMITED');
    expect(new BuilderError({ builder: 'b', kind: 'timeout', message: 'x' }).lostResponse).toBe(true);
    expect(new BuilderError({ builder: 'b', kind: 'network', message: 'x' }).lostResponse).toBe(true);
  });
});
