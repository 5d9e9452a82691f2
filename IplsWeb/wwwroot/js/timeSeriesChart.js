// Live time-series charts on ApexCharts (loaded as a global by App.razor from wwwroot/lib, which the
// build restores from npm). Blazor calls these through TimeSeriesChart.razor: one call per batch of
// points, the chart updates in place (no animation, no re-creation), and points older than the
// window are dropped so memory stays bounded however long the page is open.
const charts = new Map();
let nextId = 1;

// Redraws are scheduled, not done on arrival: charts off screen wait until they are scrolled into
// view, a chart is redrawn at most once per frame, and a frame spends at most FRAME_BUDGET_MS on
// redrawing; so 64 live charts cannot take the page's main thread (bench/IplsBench -- dashboard).
const FRAME_BUDGET_MS = 8;
// A line is drawn with at most this many points (max per bucket, so peaks stay visible); the data
// itself is kept whole.
const MAX_DRAWN_POINTS = 300;
const pending = new Set();
let drainScheduled = false;
const visibility = typeof IntersectionObserver === 'undefined' ? null : new IntersectionObserver(entries => {
  for (const e of entries) {
    const id = Number(e.target.dataset.chartId);
    const entry = charts.get(id);
    if (!entry) continue;
    entry.visible = e.isIntersecting;
    if (entry.visible && entry.dirty) requestRefresh(id);
  }
}, { rootMargin: '200px' });

function requestRefresh(id) {
  const entry = charts.get(id);
  if (!entry) return;
  entry.dirty = true;
  if (!entry.visible) return;
  pending.add(id);
  if (!drainScheduled) {
    drainScheduled = true;
    requestAnimationFrame(drain);
  }
}

function drain() {
  drainScheduled = false;
  const start = performance.now();
  for (const id of pending) {
    pending.delete(id);
    const entry = charts.get(id);
    if (entry && entry.dirty && entry.visible) {
      entry.dirty = false;
      refresh(entry);
    }
    if (performance.now() - start > FRAME_BUDGET_MS) break;
  }
  if (pending.size > 0) {
    drainScheduled = true;
    requestAnimationFrame(drain);
  }
}

function decimate(points) {
  if (points.length <= MAX_DRAWN_POINTS) return points.slice();
  const size = Math.ceil(points.length / MAX_DRAWN_POINTS);
  const out = [];
  for (let i = 0; i < points.length; i += size) {
    let best = points[i];
    for (let j = i + 1; j < Math.min(i + size, points.length); j++) {
      if (points[j][1] > best[1]) best = points[j];
    }
    out.push(best);
  }
  return out;
}

function seriesConfig(state) {
  const series = state.names.map((name, i) => ({ name, type: 'line', data: decimate(state.data[i]) }));
  if (state.threshold !== null && state.names.length === 1) {
    series.push({ name: 'above threshold', type: 'scatter', data: state.data[0].filter(p => p[1] > state.threshold) });
  }
  return series;
}

function annotations(threshold) {
  return threshold === null ? { yaxis: [] } : {
    yaxis: [{ y: threshold, borderColor: '#e53935', strokeDashArray: 4, label: { text: 'threshold ' + threshold, style: { color: '#fff', background: '#e53935' } } }],
  };
}

// The y-axis range is computed here from the data on every update: ApexCharts keeps the range of
// the (empty) first render when series are replaced, which mislabels negative values.
function yAxis(state) {
  const o = state.options;
  const digits = o.yDigits ?? 3;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of state.data) {
    for (const p of s) {
      if (p[1] < lo) lo = p[1];
      if (p[1] > hi) hi = p[1];
    }
  }
  if (state.threshold !== null) hi = Math.max(hi, state.threshold * 1.25);
  if (lo === Infinity) { lo = 0; hi = 1; }
  const pad = hi > lo ? (hi - lo) * 0.05 : 0.5;
  const axis = {
    min: o.yMin ?? (lo - pad),
    max: o.yMax ?? (hi + pad),
    tickAmount: 5,
    labels: { formatter: v => (typeof v === 'number' ? v.toFixed(digits) : v) },
  };
  // Only when there is one: ApexCharts fails on an undefined title in an update.
  if (o.yTitle) axis.title = { text: o.yTitle, style: { fontSize: '11px', fontWeight: 400, color: '#555' } };
  return axis;
}

// Times in the dashboard's zone (every time on the dashboard is), whatever the browser's zone is;
// the axis title names it. Seconds for windows up to an hour, the day for longer ones.
function timeFormat(options, withSeconds) {
  const parts = withSeconds ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit' };
  let format;
  try {
    format = new Intl.DateTimeFormat('en-GB', { ...parts, hourCycle: 'h23', timeZone: options.timeZone || undefined });
  } catch {
    format = new Intl.DateTimeFormat('en-GB', { ...parts, hourCycle: 'h23' });
  }
  return t => format.format(new Date(t));
}

function xAxisBase(state) {
  const o = state.options;
  const span = state.range ? state.range.toMs - state.range.fromMs : (state.windowMs || 0);
  const label = timeFormat(o, span > 0 && span <= 3600000);
  const axis = { type: 'datetime', labels: { datetimeUTC: false, formatter: (value, timestamp) => label(timestamp ?? value) } };
  if (o.xTitle) axis.title = { text: o.xTitle, style: { fontSize: '11px', fontWeight: 400, color: '#555' } };
  return axis;
}

function xAxis(state) {
  const axis = xAxisBase(state);
  if (state.range) {
    axis.min = state.range.fromMs;
    axis.max = state.range.toMs;
  }
  return axis;
}

function refresh(entry) {
  const options = { yaxis: yAxis(entry.state), annotations: annotations(entry.state.threshold), series: seriesConfig(entry.state) };
  // The x-axis is only touched by history views (setData with a range); live charts keep ApexCharts' own.
  if (entry.state.range || entry.state.hadRange) {
    options.xaxis = xAxis(entry.state);
    entry.state.hadRange = !!entry.state.range;
  }
  const update = entry.chart.updateOptions(options, false, false);
  // The axis range ApexCharts actually drew, for tests and tools to read off the element.
  Promise.resolve(update).then(() => {
    const g = entry.chart.w.globals;
    entry.element.dataset.xMin = String(g.minX);
    entry.element.dataset.xMax = String(g.maxX);
  });
}

export function create(element, options) {
  const state = {
    names: options.seriesNames,
    data: options.seriesNames.map(() => []),
    threshold: options.threshold ?? null,
    windowMs: options.windowMs ?? 0,
    options,
  };
  const config = {
    chart: {
      type: 'line',
      height: options.height,
      animations: { enabled: false },
      toolbar: { show: !!options.zoomable, tools: { download: false, pan: !!options.zoomable, zoom: !!options.zoomable, zoomin: !!options.zoomable, zoomout: !!options.zoomable, reset: !!options.zoomable } },
      zoom: { enabled: !!options.zoomable, type: 'x' },
      foreColor: '#666',
    },
    series: seriesConfig(state),
    stroke: { width: 1.5, curve: 'straight' },
    markers: { size: 0 },
    colors: ['#1e88e5', '#e53935', '#43a047', '#fb8c00', '#8e24aa'],
    xaxis: xAxisBase(state),
    yaxis: yAxis(state),
    legend: { show: options.seriesNames.length > 1 },
    tooltip: { x: { formatter: timeFormat(options, true) } },
    annotations: annotations(state.threshold),
    dataLabels: { enabled: false },
  };
  if (state.threshold !== null && state.names.length === 1) {
    config.markers = { size: [0, 3] };
  }
  if (options.title) {
    config.title = { text: options.title, style: { fontSize: '13px', fontWeight: 500 } };
  }
  const chart = new ApexCharts(element, config);
  chart.render();
  const id = nextId++;
  charts.set(id, { chart, state, element, visible: true, dirty: false });
  element.dataset.chartId = String(id);
  visibility?.observe(element);
  return id;
}

function trim(state) {
  if (state.windowMs <= 0) {
    return;
  }
  let newest = 0;
  for (const s of state.data) {
    if (s.length > 0 && s[s.length - 1][0] > newest) newest = s[s.length - 1][0];
  }
  const cutoff = newest - state.windowMs;
  state.data = state.data.map(s => {
    let i = 0;
    while (i < s.length && s[i][0] < cutoff) i++;
    return i === 0 ? s : s.slice(i);
  });
}

/** Replaces all data; with a range, the x-axis spans it (a history view), however much data there is. */
export function setData(id, series, range) {
  const entry = charts.get(id);
  if (!entry) return;
  entry.state.range = range ?? null;
  entry.state.data = entry.state.names.map((_, i) => (series[i] ?? []).slice());
  trim(entry.state);
  requestRefresh(id);
}

export function append(id, series) {
  const entry = charts.get(id);
  if (!entry) return;
  let any = false;
  entry.state.names.forEach((_, i) => {
    const points = series[i] ?? [];
    if (points.length > 0) {
      any = true;
      const data = entry.state.data[i];
      let late = false;
      for (const p of points) {
        late ||= data.length > 0 && p[0] < data[data.length - 1][0];
        data.push(p);
      }
      // Late data (queued through an outage) goes in place, not at the end.
      if (late) data.sort((a, b) => a[0] - b[0]);
    }
  });
  if (!any) return;
  trim(entry.state);
  requestRefresh(id);
}

export function setThreshold(id, value) {
  const entry = charts.get(id);
  if (!entry) return;
  entry.state.threshold = value ?? null;
  requestRefresh(id);
}

export function pointCount(id) {
  const entry = charts.get(id);
  return entry ? entry.state.data.reduce((n, s) => n + s.length, 0) : -1;
}

export function dispose(id) {
  const entry = charts.get(id);
  if (!entry) return;
  visibility?.unobserve(entry.element);
  pending.delete(id);
  entry.chart.destroy();
  charts.delete(id);
}
