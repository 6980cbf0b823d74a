// main.js: the one bundle. A simulation report carries its data in a JSON script element and
// gets the report's charts; otherwise this is the live dashboard of tide run.
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { startDashboard } from './dashboard.js';
import { renderReport } from './report.js';

const data = document.getElementById('tide-report-data');
if (data) {
  renderReport(JSON.parse(data.textContent));
} else {
  startDashboard();
}
