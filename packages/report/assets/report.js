// Draws the pagetrace report from the JSON embedded in the page. Every piece of trace text
// (task names, function names, flags, messages) reaches the DOM through textContent only:
// a task can name itself `<img src=x onerror=alert(1)>` and it must stay text.
(function () {
  'use strict';
  var DATA = JSON.parse(document.getElementById('report-data').textContent);
  var T = DATA.tables;
  var root = document.getElementById('report');

  // ---- small DOM helpers (no innerHTML) ----
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'class') node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  function add(parent, tag, attrs, children) { var n = el(tag, attrs, children); parent.appendChild(n); return n; }
  function rowsOf(table) {
    return table.rows.map(function (r) { var o = {}; table.columns.forEach(function (c, i) { o[c] = r[i]; }); return o; });
  }
  function num(v) { return v === null || v === undefined ? 0 : Number(v); }
  function plural(n, word) { return n + ' ' + word + (Number(n) === 1 ? '' : 's'); }

  // Timestamps arrive as ns (numbers, or exact strings beyond 2^53): show seconds exactly.
  function fmtTs(v) {
    if (v === null || v === undefined) return '';
    var ns = BigInt(String(v));
    var neg = ns < 0n; if (neg) ns = -ns;
    var s = ns / 1000000000n, frac = String(ns % 1000000000n).padStart(9, '0');
    return (neg ? '-' : '') + s + '.' + frac;
  }
  function fmtDurationLog2(b) {
    var ns = Math.pow(2, b);
    if (ns < 1e3) return '≥' + ns + ' ns';
    if (ns < 1e6) return '≥' + (ns / 1e3).toPrecision(3) + ' µs';
    if (ns < 1e9) return '≥' + (ns / 1e6).toPrecision(3) + ' ms';
    return '≥' + (ns / 1e9).toPrecision(3) + ' s';
  }

  var TS_COLUMNS = { ts_ns: 1, first_ts_ns: 1, last_ts_ns: 1, ts_ns_before: 1, ts_ns_after: 1 };
  var MONO_COLUMNS = { comm: 1, frames: 1, stack: 1, message: 0, first_lines: 1, pfn: 1, pfn_hex: 1, value: 1, event: 1, expected: 1, observed: 1 };

  /** A table of a query result; `opts.hit(row)` marks rows, `opts.columns` picks/renames. */
  function tableOf(table, opts) {
    opts = opts || {};
    var cols = opts.columns || table.columns;
    var t = el('table', { 'data-query': opts.query || '' });
    var head = add(add(t, 'thead'), 'tr');
    cols.forEach(function (c) { add(head, 'th', { text: c.replace(/_/g, ' ') }); });
    var body = add(t, 'tbody');
    rowsOf(table).forEach(function (r) {
      var tr = add(body, 'tr', opts.hit && opts.hit(r) ? { class: 'hit' } : null);
      cols.forEach(function (c) {
        var v = r[c];
        var text = v === null || v === undefined ? '' : TS_COLUMNS[c] ? fmtTs(v) : typeof v === 'object' ? JSON.stringify(v) : String(v);
        var cls = typeof v === 'number' && !TS_COLUMNS[c] ? 'num' : MONO_COLUMNS[c] ? 'mono' : '';
        if (c === 'severity') cls = 'sev-' + text;
        if (c === 'pfn' || c === 'pfn_hex' || TS_COLUMNS[c]) cls += ' nowrap';
        add(tr, 'td', { class: cls, text: text });
      });
    });
    return opts.scroll ? el('div', { class: 'scroll' }, [t]) : t;
  }

  function section(title, id) {
    var s = add(root, 'section', { id: id });
    add(s, 'h2', { text: title });
    return s;
  }
  function note(parent, text) { return add(parent, 'p', { class: 'note', text: text }); }

  // ---- charts (uPlot, canvas) ----
  var charts = [];
  function chartBox(parent, name) {
    return add(parent, 'div', { class: 'chart', 'data-chart': name });
  }
  function width(box) { return Math.max(320, Math.min(1150, (box.parentNode.clientWidth || 800) - 8)); }

  function verticalMarkers(xs, color) {
    return {
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx; ctx.save(); ctx.strokeStyle = color; ctx.lineWidth = 2 * devicePixelRatio; ctx.setLineDash([6, 4]);
          xs.forEach(function (x) {
            var px = u.valToPos(x, 'x', true);
            ctx.beginPath(); ctx.moveTo(px, u.bbox.top); ctx.lineTo(px, u.bbox.top + u.bbox.height); ctx.stroke();
          });
          ctx.restore();
        }],
      },
    };
  }

  // Tick labels with as many decimals as the tick spacing needs (µs apart -> 6 decimals).
  function secondsTicks(u, splits) {
    var step = splits.length > 1 ? Math.abs(splits[1] - splits[0]) : 1;
    var decimals = Math.min(9, Math.max(0, -Math.floor(Math.log10(step || 1))));
    return splits.map(function (v) { return v.toFixed(decimals); });
  }

  function lineChart(box, title, xs, series, markers, yLabel) {
    // A page with one snapshot (or all at one instant) still needs an x range to draw in.
    var lo = Math.min.apply(null, xs.concat(markers || [])), hi = Math.max.apply(null, xs.concat(markers || []));
    var pad = hi > lo ? 0 : 1e-6;
    var opts = {
      title: title, width: width(box), height: 240,
      scales: { x: { time: false, range: pad ? [lo - pad, hi + pad] : null } },
      axes: [{ label: 'seconds since trace start', values: secondsTicks }, { label: yLabel }],
      series: [{ label: 's' }].concat(series.map(function (s) { return { label: s.label, stroke: s.color, width: 1.5, paths: s.paths, points: s.points || { show: false }, fill: s.fill }; })),
      plugins: markers && markers.length ? [verticalMarkers(markers, '#b3261e')] : [],
    };
    charts.push(new uPlot(opts, [xs].concat(series.map(function (s) { return s.values; })), box));
  }

  function barChart(box, title, labels, values, xLabel) {
    var xs = labels.map(function (_, i) { return i; });
    var opts = {
      title: title, width: 360, height: 220,
      scales: { x: { time: false, range: [-0.5, Math.max(labels.length - 0.5, 0.5)] } },
      axes: [{ label: xLabel, values: function (u, splits) { return splits.map(function (v) { return Number.isInteger(v) && labels[v] !== undefined ? labels[v] : ''; }); } }, { label: 'pages' }],
      series: [{}, { label: 'pages', stroke: '#0969da', fill: 'rgba(9,105,218,0.35)', paths: uPlot.paths.bars({ size: [0.8, 60] }), points: { show: false } }],
    };
    charts.push(new uPlot(opts, [xs, values], box));
  }

  // ---- sections ----
  var S = rowsOf(T.summary)[0] || {};
  var t0 = S.first_ts_ns === null || S.first_ts_ns === undefined ? 0n : BigInt(String(S.first_ts_ns));
  function sec(v) { return Number(BigInt(String(v)) - t0) / 1e9; }
  var verdict = num(S.errors) > 0 ? 'errors' : num(S.warnings) > 0 ? 'warnings' : 'clean';

  (function header() {
    var facts = {}; rowsOf(T.run_facts).forEach(function (r) { facts[r.key] = r.value; });
    add(root, 'h1', { text: 'pagetrace report' });
    var p = add(root, 'p');
    add(p, 'span', { class: 'verdict ' + verdict, id: 'verdict', text: verdict === 'errors' ? 'BROKEN: refcount errors found' : verdict === 'warnings' ? 'WARNINGS' : 'CLEAN' });
    p.appendChild(document.createTextNode(' ' + plural(num(S.errors), 'error') + (num(S.errors) ? ' on ' + plural(num(S.error_pages), 'page') : '') +
      ', ' + plural(num(S.warnings), 'warning') + ', ' + num(S.infos) + ' info; ' +
      plural(num(S.events), 'event') + ' over ' + plural(num(S.pfns), 'pfn') + ' from ' + plural(num(S.tasks), 'task') + '.'));
    var dl = add(root, 'dl', { class: 'facts' });
    [['source', facts['source.path']], ['format', (facts['format.frontend'] || '') + ' — ' + (facts['format.variant'] || '')],
     ['kernel', facts['kernel.release']], ['input lines', facts['lines.lines_in']],
     ['span', S.first_ts_ns === null ? '' : fmtTs(S.first_ts_ns) + ' … ' + fmtTs(S.last_ts_ns) + ' s']].forEach(function (f) {
      if (f[1] === undefined || f[1] === null) return;
      add(dl, 'dt', { text: f[0] }); add(dl, 'dd', { text: String(f[1]) });
    });
  })();

  (function dataQuality() {
    var s = section('Data quality', 'data-quality');
    var lost = num(S.lost_markers);
    var skipped = rowsOf(T.skipped_lines).reduce(function (a, r) { return a + num(r.lines); }, 0);
    var unreadable = rowsOf(T.unreadable_fields).reduce(function (a, r) { return a + num(r.events); }, 0);
    var ok = lost === 0 && skipped === 0 && unreadable === 0;
    add(s, 'div', { class: 'banner' + (ok ? ' ok' : ''), text: ok
      ? 'Every input line was understood and no events were lost.'
      : plural(lost, 'lost-events marker') + (num(S.lost_events_counted) ? ' (' + S.lost_events_counted + ' events lost)' : '') + ', ' + plural(skipped, 'skipped line') +
        (unreadable ? ', ' + plural(unreadable, 'event') + ' with an unreadable field' : '') +
        '. Anomalies next to lost events are reported as info, never as errors.' });
    add(s, 'h3', { text: 'Line accounting' });
    s.appendChild(tableOf(T.line_accounting, { query: 'line_accounting' }));
    if (T.skipped_lines.rows.length) { add(s, 'h3', { text: 'Skipped lines by reason' }); s.appendChild(tableOf(T.skipped_lines, { query: 'skipped_lines' })); }
    if (T.unreadable_fields.rows.length) { add(s, 'h3', { text: 'Events with an unreadable field (kept, that column NULL)' }); s.appendChild(tableOf(T.unreadable_fields, { query: 'unreadable_fields' })); }
    if (T.lost_events.rows.length) { add(s, 'h3', { text: 'Lost events and where they fell' }); s.appendChild(tableOf(T.lost_events, { query: 'lost_events', scroll: true })); }
    var tl = rowsOf(T.timeline);
    if (tl.length) {
      add(s, 'h3', { text: 'Events over time' });
      note(s, 'Events per time bucket; red dashed lines mark buckets with lost-event markers, the red series counts anomalies.');
      var lostXs = tl.filter(function (r) { return num(r.lost_markers) > 0; }).map(function (r) { return sec(r.ts_ns); });
      lineChart(chartBox(s, 'timeline'), 'events and anomalies over time', tl.map(function (r) { return sec(r.ts_ns); }), [
        { label: 'events', color: '#0969da', values: tl.map(function (r) { return num(r.events); }), fill: 'rgba(9,105,218,0.12)' },
        { label: 'anomalies', color: '#d1242f', values: tl.map(function (r) { return num(r.anomalies); }) },
      ], lostXs, 'per bucket');
    }
  })();

  (function anomalies() {
    var s = section('Anomalies', 'anomalies');
    if (!T.anomalies.rows.length) { note(s, 'No anomaly: every page followed the refcount rules of the profile below.'); return; }
    add(s, 'h3', { text: 'By kind and severity' });
    s.appendChild(tableOf(T.anomalies_by_kind, { query: 'anomalies_by_kind' }));
    add(s, 'h3', { text: 'All anomalies (worst first, up to 500)' });
    var t = tableOf(T.anomalies, { query: 'anomalies', scroll: true });
    t.setAttribute('id', 'anomaly-table');
    s.appendChild(t);
  })();

  (function worstPages() {
    var pages = rowsOf(T.worst_pages);
    if (!pages.length) return;
    var s = section('Worst pages', 'worst-pages');
    note(s, 'Refcount reported by the page_ref events of each page over time; the red dashed line is the anomaly. Below each chart, the page\'s events around it (the anomaly row highlighted).');
    var series = rowsOf(T.page_series), windowRows = rowsOf(T.page_window);
    pages.forEach(function (p, i) {
      var box = add(s, 'div', { class: 'page', 'data-pfn': p.pfn_hex });
      add(box, 'h3', { text: 'pfn ' + p.pfn_hex + ' — ' + p.kind + ' (' + p.severity + ')' + (num(p.anomalies_on_page) > 1 ? ', ' + p.anomalies_on_page + ' anomalies' : '') });
      add(box, 'p', { text: p.message });
      var pts = series.filter(function (r) { return String(r.pfn) === String(p.pfn); });
      if (pts.length) {
        lineChart(chartBox(box, 'page-' + i), 'refcount of pfn ' + p.pfn_hex, pts.map(function (r) { return sec(r.ts_ns); }), [
          { label: 'refcount', color: '#1d232b', values: pts.map(function (r) { return num(r.count); }), paths: uPlot.paths.stepped({ align: 1 }), points: { show: pts.length < 200, size: 7 } },
        ], [sec(p.ts_ns)], 'refcount');
      } else {
        note(box, 'This page has no page_ref events (count snapshots) to draw; its events are listed below.');
      }
      var win = { columns: T.page_window.columns.filter(function (c) { return c !== 'pfn' && c !== 'is_anomaly'; }), rows: [] };
      windowRows.filter(function (r) { return String(r.pfn) === String(p.pfn); }).forEach(function (r) {
        win.rows.push(win.columns.map(function (c) { return r[c]; }));
      });
      var anomalyLine = p.line;
      box.appendChild(tableOf(win, { query: 'page_window', scroll: true, hit: function (r) { return String(r.line) === String(anomalyLine); } }));
    });
  })();

  (function culprits() {
    if (!T.top_tasks.rows.length && !T.top_stacks.rows.length) return;
    var s = section('Tasks and stacks behind the anomalies', 'culprits');
    if (T.top_tasks.rows.length) { add(s, 'h3', { text: 'Top tasks' }); s.appendChild(tableOf(T.top_tasks, { query: 'top_tasks' })); }
    if (T.top_stacks.rows.length) { add(s, 'h3', { text: 'Top stacks' }); s.appendChild(tableOf(T.top_stacks, { query: 'top_stacks' })); }
    else note(s, 'The trace has no stack traces (enable the ftrace stacktrace option or perf -g to get them).');
  })();

  (function distributions() {
    var s = section('Distributions', 'distributions');
    var grid = add(s, 'div', { class: 'grid' });
    function hist(table, name, title, label, fmt) {
      var cell = add(grid, 'div');
      var rows = rowsOf(table);
      if (!rows.length) { add(cell, 'h3', { text: title }); note(cell, 'No data in this trace.'); return; }
      var keys = table.columns[0];
      barChart(chartBox(cell, name), title, rows.map(function (r) { return fmt(num(r[keys])); }), rows.map(function (r) { return num(r.pages); }), label);
    }
    hist(T.dist_lifetime, 'dist-lifetime', 'page lifetime (alloc → free)', 'duration', fmtDurationLog2);
    hist(T.dist_pins, 'dist-pins', 'pin duration (longest per page)', 'duration', fmtDurationLog2);
    hist(T.dist_refmax, 'dist-refmax', 'largest refcount per page', 'refcount', function (b) { return b === 0 ? '≤0' : '≥' + Math.pow(2, b - 1); });
  })();

  (function profile() {
    var s = section('Profile and run', 'profile');
    if (T.profile.rows.length) { add(s, 'h3', { text: 'Kernel-rules profile used, and why' }); s.appendChild(tableOf(T.profile, { query: 'profile' })); }
    else note(s, 'The run was not replayed: no profile.');
    add(s, 'h3', { text: 'Events by tracepoint' });
    s.appendChild(tableOf(T.event_counts, { query: 'event_counts', scroll: true }));
    note(s, 'Every table here is a SQL query of packages/report/sql; ask more with: pagetrace query ' + DATA.run_dir + ' "<sql>"');
  })();

  document.body.setAttribute('data-rendered', String(charts.length));
})();
