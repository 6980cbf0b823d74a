// dashboard.js: the live dashboard of `tide run`. Two views, chosen by the address's hash:
//   #/              the fleet: every group's capacity, utilisation, cost per hour, open alerts
//   #/group/NAME    one group: capacity and metric charts, the forecast band, scheduled
//                   actions ahead, decisions with their explanation, events
// Every view refreshes every REFRESH_MS. A failed request shows its message where its data
// would be; the rest of the page keeps working.
import { get } from './api.js';
import { capacityChart, drawChart, forecastChart, COLORS } from './charts.js';
import { errorBox, fmtMoney, fmtNum, fmtPct, fmtTime, h } from './dom.js';

const REFRESH_MS = 3000;
let timer = null;
let generation = 0;  // bumps at each route change; stale refreshes drop their results

const app = () => document.getElementById('app');
const banner = () => document.getElementById('error');

function showError(err) {
  const b = banner();
  if (!err) {
    b.hidden = true;
    b.textContent = '';
    return;
  }
  b.hidden = false;
  b.textContent = err.message || String(err);
}

// Open alerts from GET /api/v1/alerts; {alerts: null, note} when this tide has none (404).
async function loadAlerts() {
  try {
    const body = await get('/api/v1/alerts');
    const all = Array.isArray(body.alerts) ? body.alerts : [];
    return { alerts: all.filter((a) => a.state !== 'resolved' && a.state !== 'inactive') };
  } catch (e) {
    if (e.status === 404) return { alerts: null, note: 'alerts are not available from this tide (GET /api/v1/alerts answered 404)' };
    return { alerts: null, error: e };
  }
}

function alertsTable(result, group) {
  if (result.error) return errorBox(result.error);
  if (!result.alerts) return h('p', { class: 'muted' }, result.note);
  const rows = result.alerts.filter((a) => !group || a.group === group);
  if (rows.length === 0) return h('p', { class: 'muted', 'data-test': 'no-alerts' }, 'No open alerts.');
  return h(
    'table',
    { class: 'alerts' },
    h('tr', {}, ['group', 'alert', 'severity', 'state', 'since', 'value', 'message'].map((c) => h('th', {}, c))),
    rows.map((a) =>
      h(
        'tr',
        { class: `sev-${a.severity}` },
        h('td', {}, a.group),
        h('td', {}, a.alert),
        h('td', {}, a.severity),
        h('td', {}, a.state),
        h('td', {}, fmtTime(a.since)),
        h('td', { class: 'num' }, fmtNum(a.value)),
        h('td', {}, a.message),
      ),
    ),
  );
}

// Puts render(result) into `place`, or the error. After a failure, content that arrived
// before stays on screen under the error, marked as the last data received.
function fill(place, result, render) {
  if (!(result instanceof Error)) {
    place.replaceChildren(render(result));
    place.dataset.ok = '1';
    return;
  }
  if (!place.dataset.ok) {
    place.replaceChildren(errorBox(result));
    return;
  }
  const box = errorBox(new Error(`${result.message} — showing the last data received`));
  box.classList.add('stale');
  const old = place.querySelector(':scope > .stale');
  if (old) old.replaceWith(box);
  else place.prepend(box);
}

// ---------------------------------------------------------------- fleet view

function fleetSkeleton() {
  return h(
    'div',
    { id: 'fleet-view' },
    h('h1', {}, 'Fleet'),
    h('section', {}, h('div', { id: 'fleet-groups' }, h('p', { class: 'muted' }, 'Loading groups…'))),
    h('section', {}, h('h2', {}, 'Open alerts'), h('div', { id: 'fleet-alerts' }, h('p', { class: 'muted' }, 'Loading…'))),
  );
}

async function refreshFleet(gen) {
  const [groups, alerts] = await Promise.all([get('/api/v1/groups').catch((e) => e), loadAlerts()]);
  if (gen !== generation) return;
  showError(groups instanceof Error ? groups : null);
  fill(document.getElementById('fleet-groups'), groups, (g) => fleetTable(g, alerts));
  document.getElementById('fleet-alerts').replaceChildren(alertsTable(alerts));
}

function fleetTable(groups, alerts) {
  if (groups.length === 0) return h('p', { class: 'muted' }, 'No groups are configured.');
  const open = (name) => (alerts.alerts ? alerts.alerts.filter((a) => a.group === name).length : null);
  let total = 0;
  const table = h(
    'table',
    { class: 'fleet', 'data-test': 'fleet-table' },
    h(
      'tr',
      {},
      ['group', 'desired', 'current', 'ready', 'min–max', 'utilisation', 'cost per hour', 'open alerts', 'last decision'].map((c) =>
        h('th', {}, c),
      ),
    ),
    groups.map((g) => {
      total += g.cost_per_hour || 0;
      const n = open(g.name);
      const d = g.last_decision;
      return h(
        'tr',
        { 'data-group': g.name },
        h('td', {}, h('a', { href: `#/group/${encodeURIComponent(g.name)}` }, g.name), g.paused ? h('span', { class: 'tag' }, 'paused') : null,
          g.dry_run ? h('span', { class: 'tag' }, 'dry run') : null, g.override ? h('span', { class: 'tag' }, 'override') : null),
        h('td', { class: 'num' }, g.desired),
        h('td', { class: 'num' }, g.current),
        h('td', { class: 'num' }, g.ready),
        h('td', { class: 'num' }, `${g.min}–${g.max}`),
        h('td', { class: 'num', title: g.utilization_basis || '' }, fmtPct(g.utilization)),
        h('td', { class: 'num' }, fmtMoney(g.cost_per_hour)),
        h('td', { class: `num${n ? ' alerting' : ''}` }, n === null ? '—' : n),
        h('td', {}, d ? `${d.reason}: ${d.message}` : 'not evaluated yet'),
      );
    }),
  );
  return h('div', {}, table, h('p', { class: 'muted' }, `Fleet cost per hour: ${fmtMoney(total)}`));
}

// ---------------------------------------------------------------- group view

function groupSkeleton(name) {
  const sec = (id, title, extra) => h('section', { id }, h('h2', {}, title), extra, h('div', { class: 'body' }, h('p', { class: 'muted' }, 'Loading…')));
  return h(
    'div',
    { id: 'group-view' },
    h('p', {}, h('a', { href: '#/' }, '← fleet')),
    h('h1', {}, 'Group ', h('span', { id: 'group-name' }, name)),
    h('div', { id: 'group-summary' }),
    sec('group-alerts', 'Open alerts'),
    h('section', { id: 'group-capacity' }, h('h2', {}, 'Capacity'), h('div', { class: 'chart', id: 'chart-capacity' }), h('div', { class: 'note' })),
    h('section', { id: 'group-metrics' }, h('h2', {}, 'Load and metrics'), h('div', { class: 'body' })),
    sec('group-forecast', 'Forecast'),
    sec('group-schedule', 'Scheduled actions ahead'),
    sec('group-decisions', 'Decisions'),
    sec('group-events', 'Events'),
  );
}

function body(id) {
  return document.querySelector(`#${id} > .body`);
}

async function refreshGroup(name, gen) {
  const enc = encodeURIComponent(name);
  const settle = (p) => p.then((v) => v, (e) => e);
  const [group, series, outlook, events, alerts] = await Promise.all([
    settle(get(`/api/v1/groups/${enc}?decisions=30`)),
    settle(get(`/api/v1/groups/${enc}/series`)),
    settle(get(`/api/v1/groups/${enc}/outlook?horizon=1d`)),
    settle(get(`/api/v1/events?group=${enc}&limit=50`)),
    loadAlerts(),
  ]);
  if (gen !== generation) return;
  const firstError = [group, series, outlook, events].find((x) => x instanceof Error);
  showError(firstError || null);

  fill(document.getElementById('group-summary'), group, groupSummary);
  body('group-alerts').replaceChildren(alertsTable(alerts, name));

  const capNote = document.querySelector('#group-capacity > .note');
  if (series instanceof Error) {
    // The charts keep what they last drew; the note under the capacity chart says why.
    capNote.replaceChildren(errorBox(series));
    if (!body('group-metrics').dataset.charts) body('group-metrics').replaceChildren(errorBox(series));
  } else {
    drawCapacity(series, capNote);
    drawMetrics(series);
  }
  if (outlook instanceof Error) {
    body('group-forecast').replaceChildren(errorBox(outlook));
    body('group-forecast').dataset.charts = '';
  } else {
    drawForecasts(outlook, series instanceof Error ? null : series, group instanceof Error ? null : group);
  }
  fill(body('group-schedule'), outlook, scheduleTable);
  fill(body('group-decisions'), group, (g) => decisionList(g.decisions || []));
  fill(body('group-events'), events, eventTable);
}

function groupSummary(g) {
  const kv = (k, v) => h('div', { class: 'kv' }, h('span', { class: 'k' }, k), h('span', { class: 'v' }, v));
  return h(
    'div',
    { class: 'summary' },
    kv('desired', g.desired),
    kv('current', g.current),
    kv('ready', g.ready),
    kv('bounds', `${g.min}–${g.max}`),
    kv('utilisation', fmtPct(g.utilization)),
    kv('cost per hour', fmtMoney(g.cost_per_hour)),
    kv('evaluation', `every ${g.evaluation_interval} s`),
    kv('actuator', g.actuator),
    g.paused ? kv('paused', 'yes') : null,
    g.override ? kv('override', `desired ${g.override.desired} until ${fmtTime(g.override.expires_at)}`) : null,
  );
}

function drawCapacity(s, note) {
  const c = s.capacity;
  const el = document.getElementById('chart-capacity');
  if (c.t.length === 0) {
    note.replaceChildren(h('p', { class: 'muted' }, 'No decisions in this period yet.'));
    return;
  }
  note.replaceChildren(h('p', { class: 'muted' }, `${c.t.length} decisions since ${fmtTime(s.since)}.`));
  capacityChart('capacity', el, { t: c.t, ready: c.ready, current: c.current, desired: c.desired });
}

function drawMetrics(s) {
  const place = body('group-metrics');
  if (s.metrics.length === 0) {
    place.replaceChildren(h('p', { class: 'muted' }, 'This group reads no metrics.'));
    return;
  }
  // Keep the chart containers across refreshes so the charts update in place.
  const want = s.metrics.map((m) => `chart-metric-${m.name}`).join('|');
  if (place.dataset.charts !== want) {
    place.replaceChildren(...s.metrics.map((m) => h('div', { class: 'chart', 'data-metric': m.name })));
    place.dataset.charts = want;
  }
  s.metrics.forEach((m, i) => {
    const el = place.children[i];
    if (m.t.length === 0) {
      el.replaceChildren(h('p', { class: 'muted' }, `${m.name}: no samples in this period yet.`));
      return;
    }
    drawChart(`metric:${m.name}`, el, [{ label: m.name, color: COLORS.metric }], [m.t, m.value], { title: m.name, height: 200 });
  });
}

function drawForecasts(o, series, group) {
  const place = body('group-forecast');
  if (o.forecasts.length === 0) {
    const predictive = group && group.last_decision ? group.last_decision.proposals.filter((p) => p.type === 'predictive') : [];
    const text = predictive.length
      ? `Predictive policy ${predictive.map((p) => p.policy).join(', ')} has no forecast yet: ${predictive.map((p) => p.note).filter(Boolean).join('; ') || 'it needs more history'}.`
      : 'This group has no predictive policy, so there is no forecast.';
    place.replaceChildren(h('p', { class: 'muted' }, text));
    place.dataset.charts = '';
    return;
  }
  const want = o.forecasts.map((f) => f.policy).join('|');
  if (place.dataset.charts !== want) {
    place.replaceChildren(...o.forecasts.map((f) => h('div', {}, h('p', { class: 'note' }), h('div', { class: 'chart', 'data-forecast': f.policy }))));
    place.dataset.charts = want;
  }
  o.forecasts.forEach((f, i) => {
    const box = place.children[i];
    box.firstChild.textContent = `${f.policy} (${f.mode}, provisions for the ${fmtNum(f.quantile)} quantile): model ${f.model}` +
      `${f.note ? `; ${f.note}` : ''}${f.fit_error ? `; last fit failed: ${f.fit_error}` : ''}${f.breaker_open ? '; circuit breaker open' : ''}`;
    const observed = series ? series.metrics.find((m) => m.name === f.metric) : null;
    forecastChart(`forecast:${f.policy}`, box.lastChild, f, observed, { title: `${f.metric}: observed and forecast (80 % and 95 % intervals)` });
  });
}

function scheduleTable(o) {
  if (o.scheduled.length === 0) return h('p', { class: 'muted' }, `No scheduled action fires in the next ${fmtNum(o.horizon / 3600, 1)} h.`);
  const set = (a) => ['min', 'max', 'desired'].filter((k) => a[k] !== null).map((k) => `${k} ${a[k]}`).join(', ');
  return h(
    'table',
    { class: 'schedule' },
    h('tr', {}, h('th', {}, 'at'), h('th', {}, 'policy'), h('th', {}, 'sets')),
    o.scheduled.map((a) => h('tr', {}, h('td', {}, fmtTime(a.at)), h('td', {}, a.policy), h('td', {}, set(a)))),
  );
}

function decisionList(decisions) {
  if (decisions.length === 0) return h('p', { class: 'muted' }, 'No decisions yet.');
  return h(
    'ol',
    { class: 'decisions' },
    decisions.map((d) =>
      h(
        'li',
        { class: d.desired !== d.current ? 'change' : '' },
        h('div', { class: 'line' },
          h('span', { class: 'when' }, fmtTime(d.at)),
          h('span', { class: 'move' }, `${d.current} → ${d.desired}`),
          h('span', { class: 'reason' }, d.reason),
          h('span', { class: 'explain' }, d.message)),
        d.proposals
          ? h('details', {}, h('summary', {}, `stages and ${d.proposals.length} proposal(s)`),
              d.stages ? h('p', { class: 'muted stages' }, stageLine(d.stages),
                ` (limited by ${d.limited_by}; bounds ${d.min}–${d.max}${d.in_panic ? '; in panic' : ''})`) : null,
              h('table', {}, h('tr', {}, ['policy', 'type', 'metric value', 'proposes', 'status', 'note'].map((c) => h('th', {}, c))),
                d.proposals.map((p) => h('tr', {}, h('td', {}, p.policy), h('td', {}, p.type), h('td', { class: 'num' }, fmtNum(p.metric_value, 3)),
                  h('td', { class: 'num' }, p.desired ?? '—'), h('td', {}, p.status), h('td', {}, p.note)))))
          : null,
      ),
    ),
  );
}

// The pipeline's stages in the order they run (as `tide explain` prints them); the JSON
// object's keys arrive sorted by name, which put after_cooldown first.
const STAGES = [
  ['recommended', 'recommended'],
  ['after_panic', 'panic'],
  ['stabilized', 'stabilized'],
  ['rate_limited', 'rate-limited'],
  ['after_cooldown', 'cooldown'],
];
function stageLine(stages) {
  return STAGES.filter(([k]) => k in stages).map(([k, label]) => `${label} ${stages[k]}`).join(' → ');
}

function eventTable(events) {
  if (events.length === 0) return h('p', { class: 'muted' }, 'No events yet.');
  return h(
    'table',
    { class: 'events', 'data-test': 'events' },
    h('tr', {}, ['at', 'kind', 'status', 'change', 'message'].map((c) => h('th', {}, c))),
    events.map((e) =>
      h('tr', { 'data-kind': e.kind },
        h('td', {}, fmtTime(e.at)),
        h('td', {}, e.kind),
        h('td', {}, e.status),
        h('td', { class: 'num' }, e.kind === 'scale' ? `${e.from} → ${e.to}` : ''),
        h('td', {}, e.message)),
    ),
  );
}

// ---------------------------------------------------------------- routing

function route() {
  generation++;
  const gen = generation;
  clearInterval(timer);
  showError(null);
  const m = location.hash.match(/^#\/group\/(.+)$/);
  let refresh;
  if (m) {
    const name = decodeURIComponent(m[1]);
    document.title = `tide: ${name}`;
    app().replaceChildren(groupSkeleton(name));
    refresh = () => refreshGroup(name, gen);
  } else {
    document.title = 'tide: fleet';
    app().replaceChildren(fleetSkeleton());
    refresh = () => refreshFleet(gen);
  }
  const run = () =>
    refresh()
      .then(() => {
        if (gen === generation) document.body.dataset.loaded = String(Date.now());
      })
      .catch((e) => showError(new Error(`the dashboard failed to draw: ${e.message}`)));
  run();
  timer = setInterval(run, REFRESH_MS);
}

export function startDashboard() {
  window.addEventListener('hashchange', route);
  route();
}
