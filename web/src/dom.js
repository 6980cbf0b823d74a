// dom.js: building DOM nodes without innerHTML, so no text from the API can become markup.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function fmtTime(epoch) {
  if (epoch === null || epoch === undefined || !isFinite(epoch) || epoch <= 0) return '—';
  return new Date(epoch * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function fmtNum(x, digits = 2) {
  if (x === null || x === undefined || !isFinite(x)) return '—';
  return Number(x).toLocaleString('en', { maximumFractionDigits: digits });
}

export function fmtMoney(x) {
  if (x === null || x === undefined || !isFinite(x)) return '—';
  return x >= 1 || x === 0 ? x.toFixed(2) : x.toFixed(4);
}

export function fmtPct(x) {
  return x === null || x === undefined || !isFinite(x) ? '—' : `${(100 * x).toFixed(0)} %`;
}

// A panel's error, in place of its content.
export function errorBox(err) {
  return h('p', { class: 'error-inline', role: 'alert' }, err.message || String(err));
}
