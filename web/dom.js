// Tiny DOM helpers. Everything from the agent goes in as text nodes, never as HTML: peer
// descriptions and communities come from the network and must not become markup.

/** h('td', { class: 'num', dataset: { peer: x } }, 'text', childNode, [more]) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'title') el.title = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replace a tbody's rows; keeps the table element (and its scroll position) in place. */
export function setRows(tbody, rows, emptyText, columns) {
  tbody.replaceChildren(...(rows.length > 0 ? rows : [h('tr', { class: 'empty' }, h('td', { colspan: columns }, emptyText))]));
}

export function formatDuration(seconds) {
  const s = Math.max(0, Math.floor(Number(seconds) || 0));
  const d = Math.floor(s / 86400);
  const hms = [Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':');
  return d > 0 ? `${d}d ${hms}` : hms;
}

const nf = new Intl.NumberFormat('en-US');
export const num = (n) => (typeof n === 'number' && Number.isFinite(n) ? nf.format(n) : '–');

export function timeOfDay(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(11, 19);
}
