// report.js: the charts of `tide simulate --report`. The report carries its series in
// <script type="application/json" id="tide-report-data">; this draws them with the live
// dashboard's capacity chart, in place of the static SVG (kept for readers without scripts).
import { capacityChart } from './charts.js';

// data: {t: [trace seconds], load, demand, supply, provisioned, desired: [] per point}
export function renderReport(data) {
  const el = document.getElementById('report-chart');
  if (!el) return;
  const hours = data.t.map((t) => t / 3600);
  capacityChart(
    'capacity',
    el,
    { t: hours, load: data.load, demand: data.demand, supply: data.supply, provisioned: data.provisioned, desired: data.desired },
    { time: false, xLabel: 'hours since the start of the trace', height: 360 },
  );
  const svg = document.getElementById('report-svg');
  if (svg) svg.hidden = true;
  document.body.dataset.loaded = String(Date.now());
}
