import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { latencyBucketsSeconds, Metrics } from '../../src/monitor/metrics.ts';

/** The value of one sample line `name{labels} value` in the exposition text. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Metrics', () => {
  it('exposes the counters it was given, by name and label', async () => {
    const metrics = new Metrics();
    metrics.seen(7);
    metrics.seen();
    metrics.candidate(3);
    metrics.bundleSent();
    metrics.bundleSent();
    metrics.included();
    metrics.missed('outbid');
    metrics.submission('flashbots', 'accepted');
    metrics.submission('flashbots', 'accepted');
    metrics.submission('titan', 'timeout');
    metrics.mismatch();
    const text = await metrics.text();
    // Counted under source="public" when no source is given (the names are unchanged: sum() over the label reads them).
    expect(sample(text, 'searcher_pending_swaps_seen_total{source="public"}')).toBe(8);
    expect(sample(text, 'searcher_candidates_total{source="public"}')).toBe(3);
    expect(sample(text, 'searcher_bundles_sent_total{source="public"}')).toBe(2);
    expect(sample(text, 'searcher_bundles_included_total{source="public"}')).toBe(1);
    expect(sample(text, 'searcher_bundles_missed_total{reason="outbid",source="public"}')).toBe(1);
    expect(sample(text, 'searcher_builder_submissions_total{builder="flashbots",outcome="accepted"}')).toBe(2);
    expect(sample(text, 'searcher_builder_submissions_total{builder="titan",outcome="timeout"}')).toBe(1);
    expect(sample(text, 'searcher_pnl_mismatches_total')).toBe(1);
    expect(text).toContain('# TYPE searcher_candidates_total counter');
  });

  it('puts stage latencies (given in µs) into second buckets from 50 µs to 1 s', async () => {
    const metrics = new Metrics();
    metrics.observeStage('decode', 40); // 40 µs: in the first bucket
    metrics.observeStage('decode', 300); // 0.3 ms
    metrics.observeStage('simulate', 2_000_000); // 2 s: only +Inf
    const text = await metrics.text();
    expect(latencyBucketsSeconds[0]).toBe(0.00005);
    expect(latencyBucketsSeconds[latencyBucketsSeconds.length - 1]).toBe(1);
    expect(sample(text, 'searcher_stage_latency_seconds_bucket{le="0.00005",stage="decode"}')).toBe(1);
    expect(sample(text, 'searcher_stage_latency_seconds_bucket{le="0.00025",stage="decode"}')).toBe(1);
    expect(sample(text, 'searcher_stage_latency_seconds_bucket{le="0.0005",stage="decode"}')).toBe(2);
    expect(sample(text, 'searcher_stage_latency_seconds_count{stage="decode"}')).toBe(2);
    expect(sample(text, 'searcher_stage_latency_seconds_sum{stage="decode"}')).toBeCloseTo(0.00034, 10);
    expect(sample(text, 'searcher_stage_latency_seconds_bucket{le="1",stage="simulate"}')).toBe(0);
    expect(sample(text, 'searcher_stage_latency_seconds_bucket{le="+Inf",stage="simulate"}')).toBe(1);
  });

  it('reports PnL in ETH, socket state, and head age from the injected clock', async () => {
    let now = 1_700_000_100_000;
    const metrics = new Metrics({ now: () => now });
    expect(sample(await metrics.text(), 'searcher_head_age_seconds')).toBeNaN();
    metrics.setCumulativePnl(1_234_500_000_000_000_000n);
    metrics.setSocketConnected(true);
    metrics.setHead(19_000_000n, 1_700_000_088n);
    let text = await metrics.text();
    expect(sample(text, 'searcher_cumulative_pnl_eth')).toBe(1.2345);
    expect(sample(text, 'searcher_socket_connected{socket="node"}')).toBe(1);
    expect(sample(text, 'searcher_head_block')).toBe(19_000_000);
    expect(sample(text, 'searcher_head_age_seconds')).toBe(12);
    now += 1500;
    metrics.setCumulativePnl(-5n * 10n ** 17n);
    metrics.setSocketConnected(false);
    text = await metrics.text();
    expect(sample(text, 'searcher_head_age_seconds')).toBe(13.5);
    expect(sample(text, 'searcher_cumulative_pnl_eth')).toBe(-0.5);
    expect(sample(text, 'searcher_socket_connected{socket="node"}')).toBe(0);
  });

  it('exports the node socket as down (0) from the start, before any connect or disconnect', async () => {
    // A websocket that never connects must still be a 0 the blind-mempool alert can see, not a missing series.
    const metrics = new Metrics();
    expect(sample(await metrics.text(), 'searcher_socket_connected{socket="node"}')).toBe(0);
    metrics.setSocketConnected(true);
    expect(sample(await metrics.text(), 'searcher_socket_connected{socket="node"}')).toBe(1);
  });

  it('keeps each instance in its own registry, away from the global one', async () => {
    const a = new Metrics();
    const b = new Metrics({ processMetrics: true });
    a.candidate(5);
    expect(sample(await a.text(), 'searcher_candidates_total{source="public"}')).toBe(5);
    expect(sample(await b.text(), 'searcher_candidates_total{source="public"}')).toBe(0);
    expect(await b.text()).toContain('searcher_process_cpu_user_seconds_total');
    expect(await a.text()).not.toContain('process_cpu');
    expect(await globalRegistry.metrics()).not.toContain('searcher_candidates_total');
    expect(a.contentType).toMatch(/^text\/plain/);
  });

  it('counts candidates, bundles sent, included and missed per order-flow source, each source from zero; money per source in ETH', async () => {
    const metrics = new Metrics();
    let text = await metrics.text();
    for (const source of ['public', 'mevBlocker', 'mevShare']) {
      expect(sample(text, `searcher_candidates_total{source="${source}"}`), source).toBe(0);
      expect(sample(text, `searcher_bundles_sent_total{source="${source}"}`), source).toBe(0);
      expect(sample(text, `searcher_bundles_included_total{source="${source}"}`), source).toBe(0);
    }
    metrics.seen(4, 'mevShare');
    metrics.candidate(2, 'mevBlocker');
    metrics.candidate(1, 'mevShare');
    metrics.bundleSent('mevBlocker');
    metrics.bundleSent('mevShare');
    metrics.bundleSent('mevShare');
    metrics.included('mevShare');
    metrics.missed('outbid', 'mevShare');
    metrics.setSourceTotals({
      public: { grossWei: 0n, expectedRefundsWei: 0n, netWei: -3n * 10n ** 15n },
      mevBlocker: { grossWei: 10n ** 18n, expectedRefundsWei: 0n, netWei: 4n * 10n ** 17n },
      mevShare: { grossWei: 2n * 10n ** 17n, expectedRefundsWei: 9n * 10n ** 16n, netWei: 10n ** 16n },
    });
    text = await metrics.text();
    expect(sample(text, 'searcher_pending_swaps_seen_total{source="mevShare"}')).toBe(4);
    expect(sample(text, 'searcher_candidates_total{source="mevBlocker"}')).toBe(2);
    expect(sample(text, 'searcher_candidates_total{source="mevShare"}')).toBe(1);
    expect(sample(text, 'searcher_candidates_total{source="public"}')).toBe(0);
    expect(sample(text, 'searcher_bundles_sent_total{source="mevShare"}')).toBe(2);
    expect(sample(text, 'searcher_bundles_included_total{source="mevShare"}')).toBe(1);
    expect(sample(text, 'searcher_bundles_missed_total{reason="outbid",source="mevShare"}')).toBe(1);
    expect(sample(text, 'searcher_source_gross_eth{source="mevBlocker"}')).toBe(1);
    expect(sample(text, 'searcher_source_expected_refunds_eth{source="mevShare"}')).toBe(0.09);
    expect(sample(text, 'searcher_source_net_eth{source="mevShare"}')).toBe(0.01);
    expect(sample(text, 'searcher_source_net_eth{source="public"}')).toBe(-0.003);
  });
});
