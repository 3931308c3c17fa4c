import { parseAbi, type Address, type PublicClient } from 'viem';
import { executorAbi, executorDeployedBytecode, executorImmutableReferences } from '../../abi/executor.generated.ts';
import type { ResolvedChain, RunConfig } from '../../config/runConfig.ts';
import { exposureCaps } from '../../risk/config.ts';
import { eth, fail, pass, reason, type Check } from './check.ts';
import type { NodeFacts } from './nodeChecks.ts';

const balanceOfAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);
const deployFix = 'deploy the executor from this build (npx tsx scripts/deploy-executor.ts, README "Running against mainnet") and put its address in chain.executor.address';

type Read = <T>(functionName: string, args?: readonly unknown[]) => Promise<T>;
const reader = (client: PublicClient, executor: Address): Read => (functionName, args = []) =>
  client.readContract({ address: executor, abi: executorAbi, functionName, args } as never) as never;

/** Gas money an operator needs: one bundle at the gas cap at twice the base fee plus our tip, or a block's spend cap. */
export function operatorGasNeeded(config: RunConfig, facts: NodeFacts): bigint {
  const oneBundle = config.risk.gas.maxGasPerBundle * (2n * facts.baseFeePerGas + config.strategy.priorityFeeWei);
  return oneBundle > config.risk.gas.maxSpendPerBlockWei ? oneBundle : config.risk.gas.maxSpendPerBlockWei;
}

/**
 * Enough ETH on the operator for gas: at least one bundle at the gas cap at twice the current base fee plus our
 * tip, and at least what the gas breaker lets the bot spend in one block (risk.gas.maxSpendPerBlockWei).
 */
export async function checkOperatorGas(client: PublicClient, operator: Address, config: RunConfig, facts: NodeFacts): Promise<Check> {
  const needed = operatorGasNeeded(config, facts);
  let balance: bigint;
  try {
    balance = await client.getBalance({ address: operator });
  } catch (error) {
    return fail('operatorGas', `eth_getBalance failed: ${reason(error)}`, 'the node must answer eth_getBalance');
  }
  const detail = `operator ${operator} balance ${eth(balance)}, needs at least ${eth(needed)} (a bundle at risk.gas.maxGasPerBundle at twice the base fee plus the tip, or a block's risk.gas.maxSpendPerBlockWei)`;
  if (balance < needed) return fail('operatorGas', detail, `send at least ${eth(needed - balance)} to the operator ${operator}; it pays the gas of every bundle`);
  return pass('operatorGas', detail);
}

/** Byte i of the runtime code is an immutable (set by the constructor, so it differs from the build's zeros). */
function immutableMask(length: number): Uint8Array {
  const mask = new Uint8Array(length);
  for (const { start, length: size } of executorImmutableReferences) mask.fill(1, start, Math.min(length, start + size));
  return mask;
}

/** The code at the executor address is this build's Executor, byte for byte except its immutables (owner, WETH). */
export async function checkExecutorCode(client: PublicClient, executor: Address): Promise<Check> {
  let code: string | undefined;
  try {
    code = await client.getCode({ address: executor });
  } catch (error) {
    return fail('executorCode', `eth_getCode failed: ${reason(error)}`, 'the node must answer eth_getCode');
  }
  if (!code || code === '0x') return fail('executorCode', `no code at ${executor}`, deployFix);
  const onChain = Buffer.from(code.slice(2), 'hex');
  const built = Buffer.from(executorDeployedBytecode.slice(2), 'hex');
  if (onChain.length !== built.length) {
    return fail('executorCode', `the code at ${executor} differs from this build's Executor: ${onChain.length} bytes on chain, ${built.length} in the build (length)`, deployFix);
  }
  const mask = immutableMask(built.length);
  for (let i = 0; i < built.length; i++) {
    if (mask[i] === 0 && onChain[i] !== built[i]) {
      return fail('executorCode', `the code at ${executor} differs from this build's Executor at byte ${i} (another build or another contract)`, `${deployFix}; an executor from an older build may encode plans differently`);
    }
  }
  return pass('executorCode', `${executor} runs this build's Executor (${built.length} bytes, immutables aside)`);
}

/** The owner (withdraws, administers) must not be the operator: the operator key sits in the running bot. */
export async function checkOwnerOperator(client: PublicClient, executor: Address, operator: Address): Promise<Check> {
  let owner: Address;
  try {
    owner = await reader(client, executor)<Address>('owner');
  } catch (error) {
    return fail('ownerOperator', `owner() of ${executor} failed: ${reason(error)}`, deployFix);
  }
  if (owner.toLowerCase() === operator.toLowerCase()) {
    return fail('ownerOperator', `owner ${owner} is the operator (the bot's hot key): a stolen bot key could withdraw the inventory`, 'deploy an executor whose owner is a cold key (hardware wallet or multisig) and move the inventory there (the owner calls withdraw)');
  }
  return pass('ownerOperator', `owner ${owner}, operator ${operator}`);
}

/** The executor holds WETH, at least the inventory cap: a plan sized up to the cap must not revert for want of it. */
export async function checkInventory(client: PublicClient, chain: ResolvedChain, config: RunConfig): Promise<Check> {
  const cap = exposureCaps(config.risk, chain.weth).maxInventoryAmountIn;
  let balance: bigint;
  try {
    balance = await client.readContract({ address: chain.weth, abi: balanceOfAbi, functionName: 'balanceOf', args: [chain.executor] });
  } catch (error) {
    return fail('inventory', `WETH.balanceOf(executor) failed: ${reason(error)}`, 'check chain.contracts.weth and that the node answers eth_call');
  }
  if (balance === 0n) return fail('inventory', `the executor ${chain.executor} holds 0 WETH: every plan takes its input from there`, `send WETH to the executor ${chain.executor} (at least risk.exposure.maxInventoryAmountIn, ${eth(cap, 'WETH')})`);
  if (balance < cap) {
    return fail('inventory', `the executor holds ${eth(balance, 'WETH')}, below the inventory cap ${eth(cap, 'WETH')} (risk.exposure.maxInventoryAmountIn): plans sized up to the cap would revert`, `fund the executor with ${eth(cap - balance, 'WETH')} more, or lower risk.exposure.maxInventoryAmountIn to at most ${balance}`);
  }
  return pass('inventory', `the executor holds ${eth(balance, 'WETH')} (inventory cap ${eth(cap, 'WETH')})`);
}

/**
 * What the executor lets this config do: our operator may call execute, its WETH is the config's, every tracked
 * factory is registered (else every plan through its pools reverts), and the owner's builder-share cap is not
 * below the share the strategy pays.
 */
export async function checkExecutorPermissions(client: PublicClient, chain: ResolvedChain, config: RunConfig, operator: Address): Promise<Check> {
  const read = reader(client, chain.executor);
  const problems: string[] = [];
  const fixes: string[] = [];
  try {
    const factories = [...config.factories.v2.map((f) => ({ ...f, v3: false, fee: f.feeBps })), ...config.factories.v3.map((f) => ({ ...f, v3: true, fee: 0 }))];
    const [isOperator, weth, cap, hashes] = await Promise.all([
      read<boolean>('isOperator', [operator]),
      read<Address>('WETH'),
      read<number>('maxBuilderShareBps'),
      Promise.all(factories.map((f) => read<string>('initCodeHashOf', [f.address, f.v3, f.fee]))),
    ]);
    if (!isOperator) {
      problems.push(`${operator} (our key) is not an operator of the executor`);
      fixes.push(`the owner calls setOperator(${operator}, true)`);
    }
    if (weth.toLowerCase() !== chain.weth.toLowerCase()) {
      problems.push(`its WETH() is ${weth}, the config's is ${chain.weth}`);
      fixes.push('deploy an executor for this chain\'s WETH, or fix chain.contracts.weth');
    }
    const missing = factories.filter((_, index) => BigInt(hashes[index]!) === 0n);
    if (missing.length > 0) {
      problems.push(`factories not registered: ${missing.map((f) => `${f.address} (${f.venue}${f.v3 ? ', v3' : `, ${f.fee} bps`})`).join(', ')}`);
      fixes.push(`the owner calls registerFactory(factory, v3, feeBps, initCodeHash) for each, or remove them from factories`);
    }
    // An adaptive bid is held under the cap by the bidding policy; only the fixed share is stated as configured.
    if (config.strategy.bidding.policy === 'fixed' && config.strategy.builderShareBps > cap) {
      problems.push(`strategy.builderShareBps ${config.strategy.builderShareBps} is above the executor's cap maxBuilderShareBps ${cap}`);
      fixes.push(`lower strategy.builderShareBps to ${cap} or less, or the owner calls setMaxBuilderShareBps`);
    }
    if (problems.length > 0) return fail('executorPermissions', problems.join('; '), fixes.join('; '));
    return pass('executorPermissions', `${operator} may execute; WETH ${weth}; ${factories.length} factories registered; ${config.strategy.bidding.policy === 'fixed' ? `builder share ${config.strategy.builderShareBps} bps within the cap ${cap}` : `adaptive bids held under ${Math.min(cap, config.strategy.bidding.maxBidShareBps)} bps (the cap ${cap}, the ceiling ${config.strategy.bidding.maxBidShareBps})`}`);
  } catch (error) {
    return fail('executorPermissions', `reading the executor ${chain.executor} failed: ${reason(error)}`, deployFix);
  }
}

/**
 * The executor's PoolManager is the one the market follows: V4 hops swap in `poolManager()` (the owner's
 * setPoolManager), so with V4 configured it must equal exactly one factories.v4 entry, or the bot would plan V4
 * trades in pools the executor cannot reach. With no factories.v4 the bot plans no V4 hops: passes, V4 off.
 */
export async function checkExecutorPoolManager(client: PublicClient, executor: Address, config: RunConfig): Promise<Check> {
  let manager: Address;
  try {
    manager = await reader(client, executor)<Address>('poolManager');
  } catch (error) {
    return fail('executorPoolManager', `poolManager() of ${executor} failed: ${reason(error)}`, deployFix);
  }
  const configured = config.factories.v4 ?? [];
  const swapsIn = BigInt(manager) === 0n ? 'no PoolManager (V4 off)' : manager;
  if (configured.length === 0) return pass('executorPoolManager', `V4 is off (no factories.v4); the executor swaps in ${swapsIn}`);
  const listed = configured.map((entry) => entry.poolManager);
  const fix = `the owner calls setPoolManager(<the PoolManager of factories.v4>) on ${executor}, or list exactly that PoolManager once in factories.v4`;
  if (BigInt(manager) === 0n) return fail('executorPoolManager', `the executor has no PoolManager (V4 off) but factories.v4 lists ${listed.join(', ')}`, fix);
  const matches = listed.filter((address) => address.toLowerCase() === manager.toLowerCase()).length;
  if (matches === 0) return fail('executorPoolManager', `the executor swaps in ${manager}, which is not in factories.v4 (${listed.join(', ')})`, fix);
  if (matches > 1) return fail('executorPoolManager', `the executor's PoolManager ${manager} is listed ${matches} times in factories.v4`, 'list each PoolManager once in factories.v4');
  return pass('executorPoolManager', `the executor swaps in ${manager}, factories.v4 "${configured.find((entry) => entry.poolManager.toLowerCase() === manager.toLowerCase())!.venue}"`);
}
