import { readFileSync } from 'node:fs';
import { formatTransaction, keccak256, parseTransaction, recoverTransactionAddress, type Hex, type RpcTransaction } from 'viem';
import { describe, expect, it } from 'vitest';
import { reserializeSignedTransaction, victimRawTransaction, VictimRawError, type SignedTransactionFields } from '../../src/bundle/victimRaw.ts';

/**
 * Real mainnet transactions exactly as nodes returned them (eth_getTransactionByHash / block bodies / txpool),
 * gathered from public fixtures: pre-EIP-155 legacy (block 2,000,000), EIP-155 legacy with and without the
 * `type` and `chainId` fields (one with a 63-digit `s`), and EIP-1559. Their hashes are mainnet's: a
 * re-serialisation that is off by one byte cannot reproduce them.
 */
const mainnetSigned: Array<Record<string, unknown>> = [
  {"hash":"0xfc7d55e49b423d15634182a964a65a5583d8af34c484ea6727b8bddf6026e405","type":"0x0","chainId":"0x1","nonce":"0x124","gasPrice":"0x15e753b8d","gas":"0x5208","from":"0x1db47c0910456247464c92634d3d09e62d084b4f","to":"0xcbd6832ebc203e49e2b771897067fce3c58575ac","value":"0xd371f715aa7998","input":"0x","v":"0x25","r":"0x5330aca97f07e482d266dfbaf61b36b961dc90c447d5f3ba4e7ffe9e1bb2aa40","s":"0x2101bc9a51ccae28ccba0e78f428c9d06bea50aef65949c092735ffae884ae7a","blockNumber":"0xee3b60"},
  {"hash":"0x912f229938f94d89e159551e38027383f84b744e20bc3d90183d341adf456668","type":"0x2","chainId":"0x1","nonce":"0x47","gasPrice":"0x3b5af8bac","maxFeePerGas":"0x518723801","maxPriorityFeePerGas":"0x5f5e100","gas":"0x14f1f","from":"0x5eed8ce3cd7ade7e7ec1cd79b95f36aac01ba433","to":"0x1f9840a85d5af5bf1d1762f925bdaddc4201f984","value":"0x0","input":"0xa9059cbb0000000000000000000000000abb6984f174e4f5cef156c3dc2b3bb823f553160000000000000000000000000000000000000000000000001bc16d674ec80000","accessList":[],"v":"0x1","r":"0x55b0b6793407f82f821f13d53e75343513f5e0b43d248bbbfb4f4176331f2599","s":"0x12e08dd095d38474c020d34e3c29b34137426e7824a050dab42d37df2ba0ede1","blockNumber":"0x10b7448"},
  {"hash":"0x86e03096f808820404c62dea12c7c59cdc74fdbd9020b0d71c8aba39b4a143bb","nonce":"0x73","gasPrice":"0x28fa6ae00","gas":"0x5208","from":"0xb563dde324fa9842e74bbf98571e9de4fd5fe9ba","to":"0x4aa548d7589f003486892777cbb0b70dff5d6949","value":"0xaa87bee538000","input":"0x","v":"0x25","r":"0xe25959a60754de7d5480ce6cdfaa4eba3512e17c88811ca73cbbbbb67343e63b","s":"0x530f09c33dbd90ac12be34b3eaea394476a88cbde85f63942d466e583a99ad9","blockNumber":"0x5c23e0"},
  {"hash":"0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b","nonce":"0x15","gasPrice":"0x4a817c800","gas":"0xc350","from":"0xa7d9ddbe1f17865597fbd27ec712455208b6b76d","to":"0xf02c1c8e6114b1dbe8937a39260b5b0a374432bb","value":"0xf3dbb76162000","input":"0x68656c6c6f21","v":"0x25","r":"0x1b5e176d927f8e9ab405058b2d2457392da3e20f328b16ddabcebc33eaac5fea","s":"0x4ba69724e8f69de52f0125ad8b3c5c2cef33019bac3249e2c0a2192766d1721c","blockNumber":"0x5daf3b"},
  {"hash":"0xc55e2b90168af6972193c1f86fa4d7d7b31a29c156665d15b9cd48618b5177ef","nonce":"0x1efc5","gasPrice":"0x6fc23ac00","gas":"0x51615","from":"0x32be343b94f860124dc4fee278fdcbd38c102d88","to":"0x104994f45d9d697ca104e5704a7b77d7fec3537c","value":"0x821878651a4d70000","input":"0x","v":"0x1b","r":"0x51222d91a379452395d0abaff981af4cfcc242f25cfaf947dea8245a477731f9","s":"0x3a997c910b4701cca5d933fb26064ee5af7fe3236ff0ef2b58aa50b25aff8ca5","blockNumber":"0x1e8480"},
  {"hash":"0x12cf6c38da4b649b75a4d2aa1f5c77ac7ff980d8506f7f0b68fb2246fba1725e","nonce":"0x2d052","gasPrice":"0x9502f9000","gas":"0x15f90","from":"0x2819c144d5946404c0516b6f817a960db37d4929","to":"0xdac17f958d2ee523a2206206994597c13d831ec7","value":"0x0","input":"0xa9059cbb0000000000000000000000002611568cf62d123f2c91699eb5ad665b2d98a6fa000000000000000000000000000000000000000000000000000000001954fc40","v":"0x25","r":"0x36e94867cd870efa68af41dbe2364e8347f4ea55eb1d4d99097aba0bf8977e88","s":"0x7d928cac28a62664b349f3d6d09fd795caa8957e06965d69058d387dd9724c9f"},
  {"hash":"0xaa6f22324f68598dc77fc80ed75ed65cc5faf290f7078d14f44454417198c592","type":"0x0","chainId":"0x1","nonce":"0x28","gasPrice":"0x5a936029d","gas":"0x5208","from":"0x56090aa3b9d84e485fade309002c12b17f1669ee","to":"0xf55cb5784fd0eafc2b0d1fee03ee178667b55987","value":"0x2386f26fc10000","input":"0x","v":"0x25","r":"0xe8202f0bd190f314546379cfda0b95a8692c30569199c164db4861fec21c4bfb","s":"0x3ee1d94fa34cde5260d51adf953a3e05adb3e1220d5cf56241c6aeaf91aa13ae","blockNumber":"0x1397601"},
  {"hash":"0x10150866249dabaf25268d50c29896b37a5ff18f0824784246c84d81f202af56","type":"0x0","chainId":"0x1","nonce":"0x476","gasPrice":"0x1baf844c0","gas":"0x7d00","from":"0x0096ca31c87771a2ed212d4b2e689e712bd938f9","to":"0x111111111117dc0aa78b770fa6a738034120c302","value":"0x0","input":"0x095ea7b3000000000000000000000000000000000022d473030f116ddee9f6b43ac78ba3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff","v":"0x25","r":"0x91c41d37a3fa70dc81e2a4d9f625083dca375f094f22cc927b37a1b5e0bc14cd","s":"0x555f1f6509de7842bb22f318f6e44f135eb9d88b171b3173190f94f382a32242","blockNumber":null},
  {"hash":"0xba4938ea41154427c8cb424ea89d9f150f139ed10065fe43ce11102dc82e1c37","type":"0x2","chainId":"0x1","nonce":"0x1ca8a","gasPrice":"0x6ffba9ab3","maxFeePerGas":"0xb31856075","maxPriorityFeePerGas":"0x4558d7d33","gas":"0x493ee","from":"0x91aae0aafd9d2d730111b395c6871f248d7bd728","to":"0x98c3d3183c4b8a650614ad179a1a98be0a8d6b8e","value":"0x0","input":"0xce2e62ff00000000000000000000000000000000000000000000000006d37a96c691fec00000000000000000000000000000000000000000000000006c5f2aba0307f8000000000000000000000000000c4a68cf6857cc76fe946d04fe85fac5fae9625e000000000000000000000000c02aaa39b223fe8d0a0e5c4f27ead9083c756cc200000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000062e07780","accessList":[],"v":"0x0","r":"0xc509b635a3a59b03be542d6d9ef898b9b2acc479e8bbae79d20481c5cde53694","s":"0x35f94c8c184c73f9086ba093147ed705d3240e9caadced2b436eb5fece4674cd","blockNumber":"0xe84122"},
  {"hash":"0x98cc6b4b66453e184f65728fee265a726b030c5ddcfc1311a01ea5345c3959ab","type":"0x2","chainId":"0x1","nonce":"0x9ebf","gasPrice":"0x3e860aad6","maxFeePerGas":"0x538c964e2","maxPriorityFeePerGas":"0x13e338d56","gas":"0x493ee","from":"0x5e2b6c6b2240d582995537d3fafdb556e4a3822f","to":"0x98c3d3183c4b8a650614ad179a1a98be0a8d6b8e","value":"0x0","input":"0x49c36c0700000000000000000000000024ee2c6b9597f035088cda8575e9d5e15a84b9df00000000000000000000000000000000000000000000000014626a9f5386a600000000000000000000000000000000000000000040360e6bc85c5c000000000000000000000000000000000000000000000000004059ca9822509c00000000000000000000000000000000000000000000000000000000000000000000000000","accessList":[],"v":"0x0","r":"0xdcdb05fe7f32ba447ce9fa56ffd77873542b5a071c044e5011fcd8361f019395","s":"0x54d2fe30406a3c16261eb0069980b75e824481097dd537057ff88942743b61e3","blockNumber":"0xe84122"},
];

const corpus = readFileSync(new URL('../fixtures/mainnet-txs.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Record<string, unknown>);

const signedFieldNames = ['r', 's', 'v', 'nonce', 'gas'];

function fromNode(json: Record<string, unknown>): SignedTransactionFields {
  return formatTransaction(json as unknown as RpcTransaction) as unknown as SignedTransactionFields;
}

describe('victim raw bytes from real mainnet transactions', () => {
  it('re-serialises every signed legacy/2930/1559 transaction to its own hash', async () => {
    const covered: Record<string, number> = {};
    const skipped: Record<string, number> = {};
    for (const json of mainnetSigned) {
      const tx = fromNode(json);
      const type = tx.type ?? 'legacy';
      if (type === 'eip4844' || type === 'eip7702') {
        skipped[type] = (skipped[type] ?? 0) + 1;
        continue;
      }
      const { raw, source } = await victimRawTransaction(tx);
      expect(source).toBe('reserialized');
      expect(keccak256(raw)).toBe(json.hash);
      // Independent checks: the bytes parse back to the same fields and recover the node's `from`.
      expect((await recoverTransactionAddress({ serializedTransaction: raw as never })).toLowerCase()).toBe(json.from);
      const parsed = parseTransaction(raw);
      expect(parsed.nonce ?? 0).toBe(tx.nonce);
      expect(parsed.to?.toLowerCase() ?? null).toBe(tx.to ?? null);
      const legacyForm = tx.v === 27n || tx.v === 28n ? 'legacy (pre-EIP-155)' : type === 'legacy' ? 'legacy (EIP-155)' : type;
      covered[legacyForm] = (covered[legacyForm] ?? 0) + 1;
    }
    expect(covered).toEqual({ 'legacy (pre-EIP-155)': 1, 'legacy (EIP-155)': 6, eip1559: 3 });
    expect(skipped).toEqual({});
  });

  it('the committed corpus carries no signatures, so every line is refused rather than guessed', async () => {
    // mainnet-txs.jsonl keeps hash/from/to/value/input only (see test/fixtures/README.md).
    const withSignature = corpus.filter((json) => signedFieldNames.every((name) => name in json));
    expect(withSignature).toHaveLength(0);
    let refused = 0;
    for (const json of corpus) {
      const tx = { hash: json.hash as Hex, to: json.to as Hex, value: BigInt(json.value as string), input: json.input as Hex };
      expect(() => reserializeSignedTransaction(tx)).toThrow(VictimRawError);
      const error = await victimRawTransaction(tx).catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(VictimRawError);
      expect((error as VictimRawError).code).toBe('VICTIM_RAW_MISMATCH');
      refused++;
    }
    expect(refused).toBe(corpus.length);
    expect(refused).toBeGreaterThan(3000);
  });
});

describe('victimRawTransaction fallbacks', () => {
  const json = mainnetSigned[1]!; // EIP-1559
  const genuine = fromNode(json);
  const genuineRaw = reserializeSignedTransaction(genuine);

  it('asks the node when the fields do not reproduce the hash, and checks what it returns', async () => {
    const altered = { ...genuine, input: `${genuine.input}00` as Hex };
    const asked: Hex[] = [];
    const result = await victimRawTransaction(altered, { fetchRaw: async (hash) => (asked.push(hash), genuineRaw) });
    expect(result).toEqual({ raw: genuineRaw, source: 'node' });
    expect(asked).toEqual([genuine.hash]);
  });

  it('asks the node when a signature field is missing', async () => {
    const { r: _r, ...unsigned } = genuine;
    const result = await victimRawTransaction(unsigned, { fetchRaw: async () => genuineRaw });
    expect(result.source).toBe('node');
  });

  it('throws a typed error when neither source matches the hash', async () => {
    const altered = { ...genuine, nonce: (genuine.nonce ?? 0) + 1 };
    for (const fetchRaw of [async () => null, async () => reserializeSignedTransaction(altered), async () => Promise.reject(new Error('node down'))]) {
      const error = await victimRawTransaction(altered, { fetchRaw }).catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(VictimRawError);
      expect((error as VictimRawError).code).toBe('VICTIM_RAW_MISMATCH');
      expect((error as VictimRawError).message).toContain(genuine.hash);
    }
  });

  it('refuses blob transactions without asking the node (a bundle needs their sidecar)', async () => {
    let asked = false;
    const blob = { ...genuine, type: 'eip4844' };
    const error = await victimRawTransaction(blob, { fetchRaw: async () => ((asked = true), genuineRaw) }).catch((reason: unknown) => reason);
    expect((error as VictimRawError).code).toBe('VICTIM_RAW_UNSUPPORTED');
    expect(asked).toBe(false);
  });

  it('refuses a legacy v that is neither 27/28 nor EIP-155', () => {
    const legacy = fromNode(mainnetSigned[0]!);
    expect(() => reserializeSignedTransaction({ ...legacy, v: 5n })).toThrow(/neither 27\/28 nor EIP-155/);
  });
});
