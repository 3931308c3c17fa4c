import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePromtool } from '../../scripts/ensure-promtool.mjs';
import { projectRoot } from '../../src/paths.ts';
import { breakerNames } from '../../src/risk/types.ts';
import { startCli } from '../helpers/cli.ts';

const prometheusDir = join(projectRoot(), 'deploy', 'prometheus');
const rulesFile = join(prometheusDir, 'searcher-alerts.yml');
const rulesTestFile = join(prometheusDir, 'searcher-alerts.test.yml');
const dashboardFile = join(projectRoot(), 'deploy', 'grafana', 'searcher.json');

/** Ten minutes: the first run on a fresh Debian machine installs the prometheus package (promtool) with apt. */
const setupTimeoutMs = 10 * 60_000;

let promtool: string;
beforeAll(() => {
  promtool = ensurePromtool();
}, setupTimeoutMs);

const rulesText = () => readFileSync(rulesFile, 'utf8');
/** `- alert: Name` followed by its `expr:` (one line each in our file), in order. */
function alertRules(): Array<{ alert: string; expr: string }> {
  return [...rulesText().matchAll(/^\s*- alert: (\w+)\n\s+expr: (.+)$/gm)].map((match) => ({ alert: match[1]!, expr: match[2]! }));
}

type Dashboard = { uid: string; title: string; panels: Array<{ type: string; title: string; targets?: Array<{ expr: string; refId: string }> }>; templating: { list: Array<{ name: string }> } };
const dashboard = (): Dashboard => JSON.parse(readFileSync(dashboardFile, 'utf8')) as Dashboard;

describe('Prometheus alert rules (deploy/prometheus)', () => {
  it('`promtool check rules` accepts every rule', () => {
    const rules = alertRules();
    expect(rules.length).toBeGreaterThan(0);
    // Every rule is in the form the helpers here read (so none escapes the checks below).
    expect(rulesText().match(/^\s*- alert: /gm)).toHaveLength(rules.length);
    const result = spawnSync(promtool, ['check', 'rules', rulesFile], { encoding: 'utf8' });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('`promtool test rules`: each alert fires on series made for it, not a moment before, and a healthy bot fires none', () => {
    const result = spawnSync(promtool, ['test', 'rules', rulesTestFile], { encoding: 'utf8', cwd: prometheusDir });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
    // promtool passes a file that never mentions an alert: each must be expected to fire somewhere, and to be silent somewhere.
    const tests = readFileSync(rulesTestFile, 'utf8');
    for (const { alert } of alertRules()) {
      expect(tests, `${alert} never expected to fire`).toMatch(new RegExp(`alertname: ${alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels:`));
      expect(tests, `${alert} never expected to stay silent`).toMatch(new RegExp(`alertname: ${alert}\\n\\s+exp_alerts: \\[\\]`));
    }
  });

  it('covers every breaker kind the risk layer has, head silence, a blind mempool, loss and failed sends', () => {
    const rules = alertRules();
    expect(breakerNames.length).toBeGreaterThan(0);
    for (const breaker of breakerNames) {
      expect(rules.filter((rule) => rule.expr.includes(`breaker="${breaker}"`)).map((rule) => rule.alert), breaker).not.toEqual([]);
    }
    const names = rules.map((rule) => rule.alert);
    for (const name of ['SearcherHalted', 'SearcherHeadSilence', 'SearcherMempoolBlind', 'SearcherLossBreakerTripped', 'SearcherLosingMoney', 'SearcherBuilderSendsFailing', 'SearcherNoBuilderAccepts']) {
      expect(names).toContain(name);
    }
  });
});

describe('Grafana dashboard (deploy/grafana/searcher.json)', () => {
  it('is a dashboard whose every panel queries Prometheus through the chosen data source, for one instance or all', () => {
    const board = dashboard();
    expect(board.uid).toBe('searcher-bot');
    expect(board.templating.list.map((variable) => variable.name)).toEqual(['datasource', 'instance']);
    const panels = board.panels.filter((panel) => panel.type !== 'row');
    expect(panels.length).toBeGreaterThan(0);
    for (const panel of panels) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets!) expect(target.expr, panel.title).toMatch(/instance=~"\$instance"/);
    }
    expect(new Set(board.panels.map((panel) => panel.title)).size).toBe(board.panels.length);
  });
});

/** `name{a="x", b!="y"}` references to our metrics in a PromQL expression. */
function selectors(expr: string): Array<{ name: string; matchers: Array<{ label: string; op: string; value: string }> }> {
  return [...expr.matchAll(/\b(searcher_[a-z0-9_]+)(\{([^}]*)\})?/g)].map((match) => ({
    name: match[1]!,
    matchers: [...(match[3] ?? '').matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)].map((m) => ({ label: m[1]!, op: m[2]!, value: m[3]! })),
  }));
}

/** The exposition: metric families (# TYPE) and every sample with its labels. */
function parseExposition(text: string): { families: Set<string>; samples: Array<{ name: string; labels: Record<string, string> }> } {
  const families = new Set<string>();
  const samples: Array<{ name: string; labels: Record<string, string> }> = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      families.add(type[1]!);
      if (type[2] === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) families.add(`${type[1]}${suffix}`);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? \S+/.exec(line);
    if (!sample) continue;
    samples.push({ name: sample[1]!, labels: Object.fromEntries([...(sample[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!])) });
  }
  return { families, samples };
}

describe('the rules and the dashboard name only what a running bot exports', () => {
  let demo: Awaited<ReturnType<typeof startCli>> | undefined;
  let scraped = '';
  beforeAll(async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'alerts-')), 'demo.db');
    // The real bot (searcher demo: devnet, local builder, the bot sending to it); its /metrics once bundles have gone out.
    demo = await startCli(['demo', '--block-time', '1', '--dashboard-port', '0', '--db', db], /^block \d+: seen \d+, candidates \d+, sent [1-9]/m);
    const url = /metrics (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(demo.output())![1]!;
    const response = await fetch(url);
    expect(response.status).toBe(200);
    scraped = await response.text();
  }, 180_000);
  afterAll(async () => {
    if (!demo) return;
    const exited = new Promise((resolve) => demo!.child.once('exit', resolve));
    demo.child.kill('SIGINT');
    await exited;
  }, 120_000);

  it('every metric, and every label value the expressions select on, is in the scrape of a running bot', () => {
    const { families, samples } = parseExposition(scraped);
    expect(samples.length).toBeGreaterThan(0);
    const expressions = [
      ...alertRules().map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
      ...dashboard().panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr }))),
    ];
    const references = expressions.flatMap(({ where, expr }) => selectors(expr).map((selector) => ({ where, ...selector })));
    expect(references.length).toBeGreaterThan(expressions.length - 1); // every expression but SearcherDown's `up` names ours
    for (const { where, expr } of expressions) {
      // Nothing but our metrics, and Prometheus's own `up` in the rules.
      const others = [...expr.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((match) => match[1]!).filter((name) => !name.startsWith('searcher_'));
      expect(others.filter((name) => !(name === 'up' && where.startsWith('alert '))), where).toEqual([]);
    }
    // job and instance are the labels Prometheus adds to what it scrapes; the bot does not export them.
    const targetLabels = new Set(['job', 'instance']);
    const problems: string[] = [];
    for (const { where, name, matchers } of references) {
      if (!families.has(name)) {
        problems.push(`${where}: ${name} is not exported`);
        continue;
      }
      const own = samples.filter((sample) => sample.name === name);
      const selecting = matchers.filter((matcher) => !targetLabels.has(matcher.label));
      for (const { label } of selecting) if (!own.some((sample) => label in sample.labels)) problems.push(`${where}: ${name} has no label ${label}`);
      // The equality matchers together select a series the bot exports (a breaker it has, an outcome it reports).
      const equal = selecting.filter((matcher) => matcher.op === '=');
      if (equal.length > 0 && !own.some((sample) => equal.every(({ label, value }) => sample.labels[label] === value))) {
        problems.push(`${where}: ${name}{${equal.map(({ label, value }) => `${label}="${value}"`).join(', ')}} is not exported`);
      }
    }
    expect(problems).toEqual([]);
  });
});
