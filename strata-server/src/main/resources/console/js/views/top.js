// The busiest tenants of a recent window, summed over every Strata process.
import {card, formatNumber, h, mount, table, tenantHref, tierBadge} from '../dom.js';
import {bar} from '../chart.js';

export function topTable(top, limitRows) {
  const rows = limitRows ? top.tenants.slice(0, limitRows) : top.tenants;
  const most = Math.max(1, ...rows.map((t) => t.transactions));
  return table([
    ['Tenant', (t) => h('a', {href: tenantHref(t.slug)}, t.slug)],
    ['Tier', (t) => tierBadge(t.tier)],
    ['Transactions', (t) => h('span', {class: 'with-bar'}, bar(t.transactions / most), formatNumber(t.transactions)), 'num'],
    ['TPS', (t) => formatNumber(t.tps), 'num'],
    ['Errors', (t) => formatNumber(t.errors), 'num'],
    ['Throttled', (t) => formatNumber(t.throttled), 'num'],
    ['Mean ms', (t) => formatNumber(t.mean_latency_ms), 'num'],
    ['Max ms', (t) => formatNumber(t.max_latency_ms), 'num'],
  ], rows, 'No tenant worked in this window.');
}

export async function renderTop(app, main, page) {
  const windowSelect = h('select', {id: 'top-window', 'aria-label': 'Window'},
    ['5m', '15m', '1h', '6h', '1d'].map((w) => h('option', {value: w}, 'last ' + w)));
  const list = h('div', {class: 'slot', id: 'top-list'});
  mount(main, h('div', {class: 'page-head'}, h('div', {class: 'page-title'}, h('h1', 'Busiest tenants')),
    h('div', {class: 'actions'}, windowSelect)), card(null, list));
  const load = async () => {
    const top = await app.api.get('/v1/tenants/top?limit=50&window=' + windowSelect.value);
    if (page.alive()) {
      mount(list, topTable(top));
    }
  };
  windowSelect.addEventListener('change', load);
  await load();
  page.every(10000, () => load().catch(() => {}));
}
