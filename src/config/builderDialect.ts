import { defaultBuilderDialect, knownBuilder, type BuilderDialect, type BundleField } from '../bundle/builders.ts';

/**
 * A builder as the bot speaks to it. `fields`, `signatureRequired` and `maxRequestsPerSecond` are its dialect
 * (src/bundle/builders.ts); `stats` says it answers flashbots_getBundleStatsV2. Built by hand (tests, the devnet),
 * a builder without `fields` is sent every field a bundle carries.
 */
export type ResolvedBuilder = {
  name: string;
  url: string;
  kind: 'flashbots-library' | 'json-rpc';
  timeoutMs: number;
  stats: boolean;
  warmConnections?: number;
  fields?: readonly BundleField[];
  signatureRequired?: boolean;
  maxRequestsPerSecond?: number;
};

export type BuilderEntry = { name: string; stats?: boolean | undefined; fields?: readonly BundleField[] | undefined; signatureRequired?: boolean | undefined; maxRequestsPerSecond?: number | undefined };

/** A builder's dialect: the built-in entry of its name (or the classic default), with what the config sets over it. */
export function dialectOf(entry: BuilderEntry): BuilderDialect {
  const base = knownBuilder(entry.name)?.dialect ?? defaultBuilderDialect;
  const maxRequestsPerSecond = entry.maxRequestsPerSecond ?? base.maxRequestsPerSecond;
  return {
    fields: entry.fields ?? base.fields,
    signatureRequired: entry.signatureRequired ?? base.signatureRequired,
    stats: entry.stats ?? base.stats,
    ...(maxRequestsPerSecond !== undefined ? { maxRequestsPerSecond } : {}),
  };
}

/** Fields that only qualify another one: sent alone, a builder ignores them or refuses the bundle. */
const qualifies: Partial<Record<BundleField, BundleField>> = {
  refundRecipient: 'refundPercent',
  refundTxHashes: 'refundPercent',
  replacementNonce: 'replacementUuid',
  replacementSeqNumber: 'replacementUuid',
};

/**
 * Combinations a builder entry must not have: a dialect that contradicts itself, one without replacementUuid (the
 * bot withdraws bundles by it), or one looser than the docs of a builder the list knows (a field it does not take,
 * no signature where it requires one, a rate above its limit, stats it does not answer).
 */
export function dialectProblems(entry: BuilderEntry): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const dialect = dialectOf(entry);
  const known = knownBuilder(entry.name);
  const docs = known ? ` (its docs: ${known.sources[0]}, checked ${known.checkedOn}; if they changed, update src/bundle/builders.ts)` : '';
  const seen = new Set<BundleField>();
  for (const field of dialect.fields) {
    if (seen.has(field)) problems.push({ field: 'fields', message: `${field} is listed twice` });
    seen.add(field);
  }
  for (const field of dialect.fields) {
    const needs = qualifies[field];
    if (needs && !seen.has(needs)) {
      problems.push({ field: 'fields', message: needs === 'refundPercent' ? `${field} only qualifies refundPercent: list refundPercent too, or drop ${field}` : `${field} orders bundles that share a replacementUuid: list replacementUuid too, or drop ${field}` });
    }
  }
  if (!seen.has('replacementUuid')) {
    problems.push({ field: 'fields', message: 'must include replacementUuid: the bot withdraws bundles by it (a send the simulation disagrees with, a halt), and a builder that takes none could not be told to drop one' });
  }
  if (!known) return problems;
  for (const field of dialect.fields) {
    if (!known.dialect.fields.includes(field)) problems.push({ field: 'fields', message: `${known.name} does not take ${field}${docs}` });
  }
  if (known.dialect.signatureRequired && !dialect.signatureRequired) problems.push({ field: 'signatureRequired', message: `${known.name} requires X-Flashbots-Signature${docs}` });
  const limit = known.dialect.maxRequestsPerSecond;
  if (limit !== undefined && dialect.maxRequestsPerSecond !== undefined && dialect.maxRequestsPerSecond > limit) {
    problems.push({ field: 'maxRequestsPerSecond', message: `${known.name} documents at most ${limit} requests/s${docs}` });
  }
  if (dialect.stats && !known.dialect.stats) problems.push({ field: 'stats', message: `${known.name} does not answer flashbots_getBundleStatsV2${docs}` });
  return problems;
}

/** A resolved builder carrying its dialect. */
export function resolveBuilder(entry: BuilderEntry & { url: string; kind: ResolvedBuilder['kind']; timeoutMs: number; warmConnections: number }): ResolvedBuilder {
  const dialect = dialectOf(entry);
  return {
    name: entry.name,
    url: entry.url,
    kind: entry.kind,
    timeoutMs: entry.timeoutMs,
    warmConnections: entry.warmConnections,
    stats: dialect.stats,
    fields: dialect.fields,
    signatureRequired: dialect.signatureRequired,
    ...(dialect.maxRequestsPerSecond !== undefined ? { maxRequestsPerSecond: dialect.maxRequestsPerSecond } : {}),
  };
}

