/**
 * The page's script, shipped as text (no build step, no framework). It renders a `DashboardSnapshot` from
 * /events (SSE) or /api/snapshot: uPlot charts for profit per block and the latency histogram, tables built
 * with textContent only (every string from the bot is data, never markup), and the halt/resume controls.
 *
 * Written as String.raw so backslashes reach the browser unchanged; it must contain no backticks or `${`.
 * The server allows exactly this text through its Content-Security-Policy hash.
 */
export const clientScript = String.raw`
(function () {
  'use strict';
  var TOKEN_KEY = 'searcher.dashboard.token';
  var WEI_PER_ETH = 10n ** 18n;
  var STATUSES = ['pending', 'included', 'outbid', 'not-included', 'reverted', 'cancelled', 'refused'];
  var SOURCE_NAMES = { public: 'public', mevBlocker: 'MEV Blocker', mevShare: 'MEV-Share' };
  var last = null;
  // The instance shown ('' = the bot's own, 'all', or a name), kept in the address so a reload keeps it.
  var view = new URLSearchParams(location.search).get('instance') || '';
  var events = null;
  function viewQuery() { return view ? '?instance=' + encodeURIComponent(view) : ''; }
  var profitChart = null;
  var latencyChart = null;

  function byId(id) { return document.querySelector('[data-testid="' + id + '"]'); }

  function parseWei(wei) {
    try { return BigInt(wei); } catch (e) { return null; }
  }
  // Display only: the bot keeps wei as bigint; the chart needs numbers.
  function weiToEth(wei) {
    var v = parseWei(wei);
    if (v === null) return null;
    var neg = v < 0n;
    if (neg) v = -v;
    var n = Number(v / WEI_PER_ETH) + Number(v % WEI_PER_ETH) / 1e18;
    return neg ? -n : n;
  }
  // Exact decimal text from wei (rounded half up), so tables never show float noise.
  function fmtEth(wei, digits) {
    if (wei === undefined || wei === null) return '';
    var v = parseWei(wei);
    if (v === null) return String(wei);
    digits = digits === undefined ? 6 : digits;
    var neg = v < 0n;
    if (neg) v = -v;
    var step = 10n ** BigInt(18 - digits);
    var rounded = (v + step / 2n) / step;
    var unit = 10n ** BigInt(digits);
    var text = (rounded / unit).toString() + '.' + (rounded % unit).toString().padStart(digits, '0');
    return (neg && rounded !== 0n ? '-' : '') + text;
  }
  // Exact decimal text of a non-negative integer in units of 10^decimals: no float, no rounding.
  function exactUnits(v, decimals) {
    var unit = 10n ** BigInt(decimals);
    var frac = (v % unit).toString().padStart(decimals, '0').replace(/0+$/, '');
    return (v / unit).toString() + (frac ? '.' + frac : '');
  }
  // An amount with its unit, exact: ETH, or gwei below a millionth of an ETH (fees, dust).
  function formatAmount(wei) {
    var v = parseWei(wei);
    if (v === null) return String(wei);
    var neg = v < 0n;
    var a = neg ? -v : v;
    var text = a !== 0n && a < 10n ** 12n ? exactUnits(a, 9) + ' gwei' : exactUnits(a, 18) + ' ETH';
    return (neg ? '-' : '') + text;
  }
  // The exact wei on hover.
  function weiTitle(wei) { return parseWei(wei) === null ? '' : String(wei) + ' wei'; }
  // A breaker's "now / limit", in its unit (exact; the wei on hover).
  function breakerLevel(b) {
    if (b.current === undefined && b.threshold === undefined) return { text: '', title: '' };
    var show = function (v) {
      if (v === undefined) return '';
      if (b.unit === 'wei') return formatAmount(v);
      if (b.unit === 'gas' && parseWei(v) !== null) return v + ' gas';
      if (b.unit === 'ms' && v !== '' && isFinite(Number(v))) return Math.round(Number(v) * 10) / 10 + ' ms';
      return String(v);
    };
    var title = b.unit === 'wei' ? weiTitle(b.current) + ' / ' + weiTitle(b.threshold) : '';
    return { text: show(b.current) + ' / ' + show(b.threshold), title: title };
  }
  function fmtUs(us) {
    if (us < 1000) return us + ' µs';
    if (us < 1e6) return +(us / 1000).toFixed(2) + ' ms';
    return +(us / 1e6).toFixed(2) + ' s';
  }
  function fmtAgo(ms, nowMs) {
    if (typeof ms !== 'number') return '';
    var s = Math.max(0, Math.round((nowMs - ms) / 1000));
    if (s < 120) return s + 's ago';
    if (s < 7200) return Math.round(s / 60) + 'm ago';
    return Math.round(s / 3600) + 'h ago';
  }

  function cell(value, className) {
    var td = document.createElement('td');
    td.textContent = value === undefined || value === null ? '' : String(value);
    if (className) td.className = className;
    return td;
  }
  function fillTable(testid, rows, emptyText, columns) {
    var body = byId(testid).querySelector('tbody');
    if (rows.length === 0) {
      var tr = document.createElement('tr');
      var td = cell(emptyText, 'empty');
      td.colSpan = columns;
      tr.appendChild(td);
      rows = [tr];
    }
    body.replaceChildren.apply(body, rows);
  }

  function chartWidth(el) { return Math.max(320, el.clientWidth || 0); }

  function makeProfitChart(data) {
    var el = byId('profit-chart');
    var positive = 'rgba(46, 160, 67, 0.85)';
    var negative = 'rgba(218, 54, 51, 0.85)';
    var bars = uPlot.paths.bars({
      size: [0.6, 48],
      disp: { fill: { unit: 3, values: function (u, sidx) { return u.data[sidx].map(function (v) { return v !== null && v < 0 ? negative : positive; }); } } },
    });
    return new uPlot({
      width: chartWidth(el),
      height: 280,
      // Half a block of room either side, so the first and last bars are drawn whole.
      scales: { x: { time: false, range: function (u, min, max) { return min === null || max === null ? [0, 1] : [min - 0.5, max + 0.5]; } }, net: {}, cum: {} },
      axes: [
        { label: 'block', values: function (u, splits) { return splits.map(function (v) { return Number.isInteger(v) ? String(v) : ''; }); } },
        { scale: 'net', label: 'net ETH per block', size: 70 },
        { scale: 'cum', side: 1, label: 'cumulative ETH', size: 70, grid: { show: false } },
      ],
      series: [
        { label: 'block' },
        { label: 'net (ETH)', scale: 'net', paths: bars, fill: positive, stroke: positive, width: 0, points: { show: false },
          value: function (u, v) { return v === null || v === undefined ? '' : v.toFixed(6); } },
        { label: 'cumulative (ETH)', scale: 'cum', stroke: '#58a6ff', width: 2, points: { show: false },
          value: function (u, v) { return v === null || v === undefined ? '' : v.toFixed(6); } },
      ],
      hooks: { setData: [markBars] },
    }, data, el);
  }

  // What the chart shows, read back from uPlot's own data, so a test sees what uPlot was given.
  function markBars(u) {
    var el = byId('profit-chart');
    var net = u.data[1] || [];
    el.dataset.bars = String(net.filter(function (v) { return v !== null && v !== undefined; }).length);
    el.dataset.blocks = (u.data[0] || []).join(',');
  }

  function makeLatencyChart(data) {
    var el = byId('latency-chart');
    return new uPlot({
      width: chartWidth(el),
      height: 220,
      scales: { x: { time: false, distr: 2 } },
      axes: [
        { label: 'latency bucket (upper bound)', values: function (u, splits) { return splits.map(function (v) { return v === null ? '' : '≤ ' + fmtUs(v); }); } },
        { label: 'count', size: 60 },
      ],
      series: [
        { label: 'bucket', value: function (u, v) { return v === null || v === undefined ? '' : '≤ ' + fmtUs(v); } },
        { label: 'count', paths: uPlot.paths.bars({ size: [0.8, 64] }), fill: 'rgba(88, 166, 255, 0.8)', stroke: '#58a6ff', width: 1, points: { show: false } },
      ],
      hooks: { setData: [function (u) { el.dataset.buckets = String((u.data[0] || []).length); }] },
    }, data, el);
  }

  function renderHalt(s) {
    var h = s.halted || { halted: false };
    var el = byId('halt-state');
    el.dataset.halted = String(!!h.halted);
    document.body.dataset.halted = String(!!h.halted);
    var text = h.halted ? 'HALTED' : 'running';
    if (h.halted && h.reason) text += ': ' + h.reason;
    if (h.halted && h.by) text += ' (by ' + h.by + ')';
    if (h.halted && typeof h.sinceMs === 'number') text += ', ' + fmtAgo(h.sinceMs, s.generatedAtMs);
    el.textContent = text;
    byId('halt-state-copy').textContent = h.halted ? 'halted' : 'running';
  }

  function renderProfit(s) {
    var blocks = s.blocks || [];
    var data = [
      blocks.map(function (b) { return b.number; }),
      blocks.map(function (b) { return weiToEth(b.netWei); }),
      blocks.map(function (b) { return weiToEth(b.cumulativeNetWei); }),
    ];
    if (profitChart === null) profitChart = makeProfitChart(data);
    else profitChart.setData(data);
    markBars(profitChart);
    var tail = blocks[blocks.length - 1];
    byId('cumulative-eth').textContent = tail ? fmtEth(tail.cumulativeNetWei) + ' ETH' : '0 ETH';
    byId('cumulative-eth').title = tail ? weiTitle(tail.cumulativeNetWei) : '';
    byId('last-block').textContent = tail ? String(tail.number) : '';
    var totals = blocks.reduce(function (t, b) { t.seen += b.seen; t.candidates += b.candidates; t.sent += b.sent; t.included += b.included; return t; }, { seen: 0, candidates: 0, sent: 0, included: 0 });
    byId('funnel').textContent = totals.seen + ' seen → ' + totals.candidates + ' candidates → ' + totals.sent + ' sent → ' + totals.included + ' included';
  }

  function renderTables(s) {
    fillTable('bundles-table', (s.bundles || []).map(function (b) {
      var tr = document.createElement('tr');
      var status = STATUSES.indexOf(b.status) >= 0 ? b.status : 'unknown';
      tr.dataset.status = status;
      var net = cell(b.netWei === undefined || b.netWei === null ? '' : fmtEth(b.netWei) + ' ETH', 'num');
      if (b.netWei !== undefined && b.netWei !== null) net.title = weiTitle(b.netWei);
      // Each pool short (a V4 pool id like an address), the full ids on hover.
      var pools = cell((b.pools || []).map(function (p) { return p.label; }).join(' \u2192 '), 'mono');
      pools.dataset.testid = 'bundle-pools';
      pools.title = (b.pools || []).map(function (p) { return p.id; }).join('\n');
      tr.append(cell(b.id, 'mono'), cell(b.targetBlock), cell(b.status, 'status st-' + status), net, cell((b.builders || []).join(', ')), pools, cell(b.reason));
      return tr;
    }), 'no bundles yet', 7);
    fillTable('pools-table', (s.pools || []).map(function (p) {
      var tr = document.createElement('tr');
      tr.dataset.pool = p.pool;
      tr.dataset.protocol = p.protocol;
      var id = cell(p.short, 'mono');
      id.title = p.pool;
      var net = cell(formatAmount(p.netWei), 'num');
      net.title = weiTitle(p.netWei);
      tr.append(id, cell(p.protocol), cell(p.venue), cell(p.fee), cell(p.pair), cell(p.candidates, 'num'), cell(p.sent, 'num'), cell(p.landed, 'num'), net);
      return tr;
    }), s.pools ? 'no candidates yet' : 'no per-pool data', 9);
    fillTable('sources-table', (s.sources || []).map(function (r) {
      var tr = document.createElement('tr');
      tr.dataset.source = SOURCE_NAMES[r.source] ? r.source : 'unknown';
      var money = function (wei) {
        var td = cell(formatAmount(wei), 'num');
        td.title = weiTitle(wei);
        return td;
      };
      tr.append(cell(SOURCE_NAMES[r.source] || r.source), cell(r.opportunities, 'num'), cell(r.sent, 'num'), cell(r.landed, 'num'), money(r.grossWei), money(r.expectedRefundsWei), money(r.netWei));
      return tr;
    }), 'no per-source data', 7);
    // "outbid 2 · nonce 1": only the kinds this builder reported, "-" when none.
    var missText = function (m) {
      if (!m) return '-';
      var parts = ['outbid', 'reverted', 'nonce', 'late', 'cancelled', 'other'].filter(function (k) { return m[k] > 0; }).map(function (k) { return k + ' ' + m[k]; });
      return parts.length > 0 ? parts.join(' \u00b7 ') : '-';
    };
    fillTable('builders-table', (s.builders || []).map(function (b) {
      var tr = document.createElement('tr');
      tr.append(cell(b.name), cell(b.sent, 'num'), cell(b.accepted, 'num'), cell(b.included, 'num'), cell((100 * b.inclusionRate).toFixed(1) + ' %', 'num'), cell(b.p50LatencyMs + ' ms', 'num'), cell(missText(b.misses)));
      return tr;
    }), 'no builders', 7);
    fillTable('bids-table', (s.bids || []).map(function (r) {
      var tr = document.createElement('tr');
      var net = cell(formatAmount(r.netWei), 'num');
      net.title = weiTitle(r.netWei);
      tr.append(cell((r.fromBps / 100) + '-' + (r.toBps / 100) + ' %'), cell(r.bids, 'num'), cell(r.won, 'num'), cell(r.outbid, 'num'), cell(r.missed, 'num'), cell(r.pending, 'num'), cell((100 * r.winRate).toFixed(1) + ' %', 'num'), net);
      return tr;
    }), 'no bids yet', 8);
    fillTable('breakers-table', (s.breakers || []).map(function (b) {
      var tr = document.createElement('tr');
      var state = b.state === 'tripped' ? 'tripped' : 'ok';
      tr.dataset.testid = 'breaker-row';
      tr.dataset.name = b.name;
      tr.dataset.state = state;
      var level = breakerLevel(b);
      var levelCell = cell(level.text, 'num');
      if (level.title) levelCell.title = level.title;
      tr.append(cell(b.name), cell(b.state, 'status br-' + state), levelCell, cell(b.reason), cell(fmtAgo(b.sinceMs, s.generatedAtMs)));
      return tr;
    }), 'no breakers', 5);
  }

  function renderLatency(s) {
    var l = s.latency || { stage: '', bucketsUs: [], counts: [] };
    byId('latency-stage').textContent = l.stage;
    var data = [l.bucketsUs.slice(), l.counts.slice()];
    if (latencyChart === null) latencyChart = makeLatencyChart(data);
    else latencyChart.setData(data);
  }

  function viewOf(s) { return s.instance === null ? 'all' : (s.instance || ''); }

  function renderInstances(s) {
    var select = byId('instance-select');
    var names = ['all'].concat(s.instances || []);
    var key = names.join('\n');
    if (select.dataset.options !== key) {
      select.textContent = '';
      names.forEach(function (name) {
        var option = document.createElement('option');
        option.value = name;
        option.textContent = name === 'all' ? 'all instances' : name;
        select.appendChild(option);
      });
      select.dataset.options = key;
    }
    select.value = viewOf(s);
    document.body.dataset.instance = viewOf(s);
  }

  function render(s) {
    // A push of the view just left can cross the switch on the wire: show only the chosen view.
    if (view !== '' && viewOf(s) !== view) return;
    // A push and a fetch can cross on the wire; never go back in time.
    if (last !== null && s.generatedAtMs < last.generatedAtMs && viewOf(s) === viewOf(last)) return;
    last = s;
    renderInstances(s);
    renderHalt(s);
    renderProfit(s);
    renderTables(s);
    renderLatency(s);
    byId('generated').textContent = new Date(s.generatedAtMs).toLocaleTimeString();
    document.body.dataset.ready = 'true';
  }

  function refresh() {
    return fetch('/api/snapshot' + viewQuery(), { cache: 'no-store' }).then(function (r) { return r.json(); }).then(render).catch(function () {});
  }

  function setConnection(state) {
    var el = byId('connection');
    el.dataset.state = state;
    el.textContent = state;
  }

  function connect() {
    if (events !== null) events.close();
    events = new EventSource('/events' + viewQuery());
    events.addEventListener('snapshot', function (ev) {
      try { render(JSON.parse(ev.data)); } catch (e) { setConnection('bad data'); }
    });
    events.onopen = function () { setConnection('live'); };
    events.onerror = function () {
      // CLOSED means the browser gave up (e.g. a 503): try again ourselves.
      if (this.readyState === 2 && this === events) { setConnection('offline'); setTimeout(connect, 5000); }
      else setConnection('reconnecting');
    };
  }

  function showResult(state, text) {
    var el = byId('control-result');
    el.dataset.state = state;
    el.textContent = text;
  }

  function serverMessage(body) {
    try {
      var j = JSON.parse(body);
      if (j && typeof j === 'object') return String(j.message || j.error || j.reason || '');
    } catch (e) { /* plain text */ }
    return body.trim().slice(0, 200);
  }

  function control(action) {
    var token = byId('token').value;
    if (!token) { showResult('refused', 'enter the operator token first'); return; }
    sessionStorage.setItem(TOKEN_KEY, token);
    var body = action === 'halt' ? { reason: byId('reason').value.trim() || 'halted from the dashboard' } : {};
    showResult('pending', action + '…');
    fetch('/api/' + action, {
      method: 'POST',
      cache: 'no-store',
      credentials: 'omit',
      headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(function (res) {
      return res.text().then(function (text) {
        var message = serverMessage(text);
        if (res.status === 401) showResult('refused', 'refused: wrong token');
        else if (res.status === 403) showResult('refused', 'refused' + (message ? ': ' + message : ''));
        else if (res.ok) { showResult('ok', (action === 'halt' ? 'halted' : 'resumed') + (message ? ': ' + message : '')); refresh(); }
        else showResult('error', 'error ' + res.status + (message ? ': ' + message : ''));
      });
    }, function (e) { showResult('error', 'cannot reach the bot: ' + e.message); });
  }

  byId('token').value = sessionStorage.getItem(TOKEN_KEY) || '';
  byId('token').addEventListener('change', function () { sessionStorage.setItem(TOKEN_KEY, byId('token').value); });
  byId('instance-select').addEventListener('change', function () {
    view = byId('instance-select').value;
    history.replaceState(null, '', location.pathname + viewQuery());
    refresh();
    connect();
  });
  byId('halt-button').addEventListener('click', function () { control('halt'); });
  byId('resume-button').addEventListener('click', function () { control('resume'); });
  window.addEventListener('resize', function () {
    if (profitChart) profitChart.setSize({ width: chartWidth(byId('profit-chart')), height: 280 });
    if (latencyChart) latencyChart.setSize({ width: chartWidth(byId('latency-chart')), height: 220 });
  });
  // For tests and the curious: the live uPlot instances.
  window.searcherDashboard = { charts: function () { return { profit: profitChart, latency: latencyChart }; }, last: function () { return last; }, formatAmount: formatAmount };
  refresh();
  connect();
})();
`;
