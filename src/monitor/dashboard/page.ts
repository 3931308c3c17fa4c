import { clientScript } from './client.ts';

/** The inline script exactly as the page embeds it (the server hashes it for its Content-Security-Policy). */
export function dashboardScript(): string {
  return clientScript;
}

const style = `
  :root { color-scheme: dark; --bg: #0d1117; --card: #161b22; --line: #30363d; --text: #c9d1d9; --dim: #8b949e;
          --ok: #2ea043; --bad: #da3633; --warn: #d29922; --blue: #58a6ff; }
  * { box-sizing: border-box; }
  body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.4 system-ui, sans-serif; }
  header { display: flex; flex-wrap: wrap; gap: 16px; align-items: baseline; padding: 12px 20px; border-bottom: 1px solid var(--line); }
  header h1 { font-size: 18px; margin: 0; }
  header .dim { color: var(--dim); }
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 16px; padding: 16px 20px; }
  section { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; min-width: 0; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 15px; margin: 0 0 8px; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
  th { color: var(--dim); font-weight: 500; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  td.mono { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
  td.empty { color: var(--dim); }
  .status { font-weight: 600; }
  .st-included, .br-ok { color: var(--ok); }
  .st-reverted, .st-refused, .br-tripped { color: var(--bad); }
  .st-outbid, .st-not-included, .st-cancelled { color: var(--warn); }
  .st-pending { color: var(--blue); }
  [data-testid="halt-state"] { font-weight: 700; padding: 2px 8px; border-radius: 4px; background: var(--ok); color: #fff; }
  [data-testid="halt-state"][data-halted="true"] { background: var(--bad); }
  [data-testid="connection"][data-state="live"] { color: var(--ok); }
  .controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 10px; }
  input, select { background: var(--bg); color: var(--text); border: 1px solid var(--line); border-radius: 4px; padding: 5px 8px; }
  button { background: #21262d; color: var(--text); border: 1px solid var(--line); border-radius: 4px; padding: 5px 12px; cursor: pointer; }
  button.danger { border-color: var(--bad); color: #ff7b72; }
  [data-testid="control-result"][data-state="refused"], [data-testid="control-result"][data-state="error"] { color: #ff7b72; }
  [data-testid="control-result"][data-state="ok"] { color: var(--ok); }
  .uplot { color: var(--text); }
  .u-legend { font-size: 12px; }
`;

/**
 * The whole dashboard: static markup with empty tables and chart slots that the inline script fills from
 * the snapshot. Contains no data, so nothing from the bot is ever interpolated into HTML here.
 */
export function dashboardPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>searcher dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/uplot.css">
<style>${style}</style>
</head>
<body data-halted="false">
<header>
  <h1>searcher</h1>
  <span data-testid="halt-state" data-halted="false">…</span>
  <span>cumulative <strong data-testid="cumulative-eth"></strong></span>
  <span class="dim">block <span data-testid="last-block"></span></span>
  <span class="dim" data-testid="funnel"></span>
  <label class="dim">instance <select data-testid="instance-select" aria-label="instance shown"></select></label>
  <span class="dim">stream: <span data-testid="connection" data-state="connecting">connecting</span>, updated <span data-testid="generated"></span></span>
</header>
<main>
  <section class="wide">
    <h2>Profit per block (bars) and cumulative PnL (line)</h2>
    <div data-testid="profit-chart" data-bars="0"></div>
  </section>
  <section>
    <h2>Kill switch</h2>
    <p>The bot is <span data-testid="halt-state-copy"></span>. Halting stops every send until someone resumes.</p>
    <div class="controls">
      <input data-testid="token" type="password" placeholder="operator token" autocomplete="off" aria-label="operator token">
      <input data-testid="reason" type="text" placeholder="reason for halting" maxlength="200" aria-label="halt reason">
      <button data-testid="halt-button" type="button" class="danger">Halt</button>
      <button data-testid="resume-button" type="button">Resume</button>
    </div>
    <p data-testid="control-result" data-state="idle" role="status"></p>
  </section>
  <section>
    <h2>Latency: <span data-testid="latency-stage"></span></h2>
    <div data-testid="latency-chart" data-buckets="0"></div>
  </section>
  <section class="wide">
    <h2>Circuit breakers</h2>
    <table data-testid="breakers-table">
      <thead><tr><th>breaker</th><th>state</th><th>now / limit</th><th>reason</th><th>since</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section class="wide">
    <h2>Recent bundles</h2>
    <table data-testid="bundles-table">
      <thead><tr><th>bundle</th><th>target block</th><th>status</th><th>net</th><th>builders</th><th>pools</th><th>reason</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section class="wide">
    <h2>By order-flow source</h2>
    <table data-testid="sources-table">
      <thead><tr><th>source</th><th>candidates</th><th>sent</th><th>landed</th><th>gross</th><th>expected refunds</th><th>net</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section class="wide">
    <h2>Bids: share vs win rate</h2>
    <table data-testid="bids-table">
      <thead><tr><th>share</th><th>bids</th><th>won</th><th>outbid</th><th>missed</th><th>pending</th><th>win rate</th><th>net of won</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section class="wide">
    <h2>Pools of the recent candidates</h2>
    <table data-testid="pools-table">
      <thead><tr><th>pool</th><th>protocol</th><th>venue</th><th>fee</th><th>pair</th><th>candidates</th><th>sent</th><th>landed</th><th>net of landed</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section class="wide">
    <h2>Builders</h2>
    <table data-testid="builders-table">
      <thead><tr><th>builder</th><th>sent</th><th>accepted</th><th>included</th><th>inclusion</th><th>p50 latency</th><th>misses (builder's words)</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
</main>
<script src="/assets/uplot.js"></script>
<script>${clientScript}</script>
</body>
</html>
`;
}
