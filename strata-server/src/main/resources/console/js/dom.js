// DOM building without HTML strings: every value is set as text or as an attribute value, never
// parsed as markup, so tenant names and other user input always render as the text they are.

const SVG_NS = 'http://www.w3.org/2000/svg';

function append(el, child) {
  if (child === null || child === undefined || child === false) {
    return;
  }
  if (Array.isArray(child)) {
    child.forEach((c) => append(el, c));
  } else if (child instanceof Node) {
    el.appendChild(child);
  } else {
    el.appendChild(document.createTextNode(String(child)));
  }
}

function setAttributes(el, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
}

/** An HTML element: h('a', {href: '#/x', class: 'link'}, 'text', child, [more]). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
  } else {
    setAttributes(el, attrs);
  }
  append(el, children);
  return el;
}

/** An SVG element, same calling convention as h(). */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

/** Replaces an element's children. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function badge(text, kind) {
  return h('span', {class: ['badge', kind ? 'badge-' + kind : null], title: text}, text);
}

export function modeBadge(mode) {
  return mode ? badge(mode, 'mode-' + mode) : badge('no data', 'muted');
}

export function statusBadge(status) {
  return badge(status, 'status-' + status);
}

export function tierBadge(tier) {
  return badge('T' + tier, 'tier');
}

export function stateBadge(state) {
  return badge(state, 'state-' + state);
}

/** A card: a titled box in the main pane. */
export function card(title, ...body) {
  return h('section', {class: 'card'}, title ? h('h2', {class: 'card-title'}, title) : null, ...body);
}

/** A table from rows: columns are [heading, row => cell content, optional class]. */
export function table(columns, rows, empty) {
  if (!rows.length) {
    return h('p', {class: 'empty'}, empty || 'Nothing here.');
  }
  return h('table', {class: 'grid'},
    h('thead', h('tr', columns.map(([heading, , cls]) => h('th', {class: cls}, heading)))),
    h('tbody', rows.map((row) => h('tr', columns.map(([, cell, cls]) => h('td', {class: cls}, cell(row)))))));
}

/** A definition list of [label, value] pairs. */
export function facts(pairs) {
  return h('dl', {class: 'facts'}, pairs.filter(Boolean).map(([k, v]) => [h('dt', k), h('dd', v ?? '—')]));
}

export function notice(text, kind) {
  return h('div', {class: ['notice', 'notice-' + (kind || 'info')], role: kind === 'error' ? 'alert' : 'status'}, text);
}

export function formatTime(iso) {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString(undefined, {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
}

export function formatNumber(n) {
  if (n === null || n === undefined) {
    return '—';
  }
  return Number(n).toLocaleString(undefined, {maximumFractionDigits: 2});
}

/** The tenant's page address. */
export function tenantHref(key) {
  return '#/tenants/' + encodeURIComponent(key);
}
