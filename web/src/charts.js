// charts.js: the charts that the live dashboard and the simulation report share, on uPlot.
// Every chart is registered in window.__tide.charts under a key, so that tests (and curious
// users) can read what was drawn: chart.data is the columns, chart.series the legend.
import uPlot from 'uplot';

export const charts = {};
window.__tide = Object.assign(window.__tide || {}, { charts });

export const COLORS = {
  load: '#9a9a9a',
  loadFill: 'rgba(160,160,160,0.35)',
  demand: '#222222',
  supply: '#1f77b4',
  provisioned: '#ff7f0e',
  desired: '#9467bd',
  current: '#ff7f0e',
  ready: '#1f77b4',
  metric: '#2ca02c',
  mean: '#d62728',
  band80: 'rgba(214,39,40,0.22)',
  band95: 'rgba(214,39,40,0.10)',
  bound: 'rgba(0,0,0,0)',
};

const stepped = uPlot.paths.stepped({ align: 1 });

// Draws (or redraws with new data) the chart `key` inside `el`.
//   series: [{label, color, fill?, dash?, step?, width?}] for columns 1..n of `data`
//   data:   [x[], y1[], ...] (x: epoch seconds when opts.time, else plain numbers)
//   opts:   {title, time = true, xLabel, yLabel, bands: [[upperIdx, lowerIdx, fill]]}
export function drawChart(key, el, series, data, opts = {}) {
  const old = charts[key];
  if (old && old.root.isConnected && old.series.length === series.length + 1 && old.__sig === sig(series)) {
    old.setData(data);
    return old;
  }
  if (old) old.destroy();
  el.textContent = '';
  const time = opts.time !== false;
  const width = Math.max(320, Math.floor(el.clientWidth || el.parentElement?.clientWidth || 900));
  const u = new uPlot(
    {
      title: opts.title,
      width,
      height: opts.height || 240,
      scales: { x: { time } },
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: opts.xLabel || (time ? 'time' : 'x') },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          fill: s.fill,
          dash: s.dash,
          width: s.width ?? 1.5,
          paths: s.step ? stepped : undefined,
          points: { show: false },
          show: s.show !== false,
        })),
      ],
      bands: (opts.bands || []).map(([a, b, fill]) => ({ series: [a, b], fill })),
      axes: [
        { label: opts.xLabel && !time ? opts.xLabel : undefined },
        { label: opts.yLabel, size: 60 },
      ],
    },
    data,
    el,
  );
  u.__sig = sig(series);
  charts[key] = u;
  return u;
}

function sig(series) {
  return series.map((s) => s.label).join('|');
}

// The capacity chart: the same lines, colours and labels in a live run and in a simulation.
// cols: {t, load?, demand?, supply?/ready?, provisioned?/current?, desired}
export function capacityChart(key, el, cols, opts = {}) {
  const series = [];
  const data = [cols.t];
  const add = (col, s) => {
    if (!cols[col]) return;
    series.push(s);
    data.push(cols[col]);
  };
  add('load', { label: 'load ÷ capacity', color: COLORS.load, fill: COLORS.loadFill, width: 1 });
  add('demand', { label: 'demand (max)', color: COLORS.demand, step: true });
  add('supply', { label: 'supply (mean)', color: COLORS.supply, step: true });
  add('ready', { label: 'ready', color: COLORS.ready, step: true });
  add('provisioned', { label: 'provisioned (max)', color: COLORS.provisioned, dash: [6, 3], step: true });
  add('current', { label: 'current (ordered)', color: COLORS.current, dash: [6, 3], step: true });
  add('desired', { label: 'desired', color: COLORS.desired, dash: [2, 3], width: 2, step: true });
  return drawChart(key, el, series, data, { yLabel: 'units', ...opts });
}

// A forecast: mean with its 80 % and 95 % interval bands, and the observed values if given.
export function forecastChart(key, el, f, observed, opts = {}) {
  // One x axis: the observed points, then the forecast's (uPlot needs aligned columns).
  const xs = [];
  const obs = [];
  const cols = { mean: [], lo80: [], hi80: [], lo95: [], hi95: [] };
  const pushF = (k) => {
    for (const c of Object.keys(cols)) cols[c].push(k === null ? null : f[c][k]);
  };
  if (observed) {
    for (let i = 0; i < observed.t.length; i++) {
      if (observed.t[i] >= f.t[0]) break;
      xs.push(observed.t[i]);
      obs.push(observed.value[i]);
      pushF(null);
    }
  }
  for (let k = 0; k < f.t.length; k++) {
    xs.push(f.t[k]);
    obs.push(null);
    pushF(k);
  }
  const series = [
    { label: 'observed', color: COLORS.metric },
    { label: 'forecast 95 % high', color: COLORS.bound, width: 0 },
    { label: 'forecast 80 % high', color: COLORS.bound, width: 0 },
    { label: 'forecast mean', color: COLORS.mean, width: 2 },
    { label: 'forecast 80 % low', color: COLORS.bound, width: 0 },
    { label: 'forecast 95 % low', color: COLORS.bound, width: 0 },
  ];
  const data = [xs, obs, cols.hi95, cols.hi80, cols.mean, cols.lo80, cols.lo95];
  return drawChart(key, el, series, data, {
    yLabel: f.metric,
    bands: [
      [2, 6, COLORS.band95],
      [3, 5, COLORS.band80],
    ],
    ...opts,
  });
}
