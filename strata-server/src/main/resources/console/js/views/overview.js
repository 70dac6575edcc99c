// The landing page: how many tenants of each kind the key sees, the busiest ones, what is running.
import {ApiError, describe} from '../api.js';
import {card, h, mount, notice, stateBadge, table, tenantHref, formatTime, badge} from '../dom.js';
import {topTable} from './top.js';

function countBy(items, key) {
  const out = new Map();
  items.forEach((i) => out.set(key(i), (out.get(key(i)) || 0) + 1));
  return out;
}

function stats(title, map, cls) {
  return h('div', {class: 'stat-group'}, h('div', {class: 'stat-group-title'}, title),
    h('div', {class: 'stat-row'}, [...map.entries()].sort().map(([k, v]) =>
      h('div', {class: 'stat'}, h('div', {class: 'stat-value'}, String(v)), h('div', {class: 'stat-label'}, badge(k, cls(k)))))));
}

export async function renderOverview(app, main, page) {
  const tenants = app.tree.tenants;
  const busiest = h('div', {class: 'slot'});
  const running = h('div', {class: 'slot'});
  const health = h('span', {id: 'health'});
  mount(main,
    h('div', {class: 'page-head'}, h('div', {class: 'page-title'}, h('h1', 'Overview'), health)),
    h('div', {class: 'cards'},
      card('Tenants',
        stats('By tier', countBy(tenants, (t) => 'T' + t.tier), () => 'tier'),
        stats('By mode', countBy(tenants.filter((t) => t.mode), (t) => t.mode), (k) => 'mode-' + k),
        stats('By status', countBy(tenants, (t) => t.status), (k) => 'status-' + k)),
      card('Running operations', running)),
    card('Busiest tenants (last 5 minutes)', busiest, h('a', {href: '#/top', class: 'more'}, 'All →')));
  const part = async (el, load) => {
    try {
      await load();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        throw e;
      }
      if (page.alive()) {
        mount(el, notice(describe(e), 'info'));
      }
    }
  };
  const load = () => Promise.all([
    part(busiest, async () => {
      const top = await app.api.get('/v1/tenants/top?limit=5&window=5m');
      if (page.alive()) {
        mount(busiest, topTable(top));
      }
    }),
    part(running, async () => {
      const ops = await app.api.get('/v1/operations?state=running&limit=20');
      if (page.alive()) {
        mount(running, table([
          ['Kind', (o) => h('a', {href: '#/operations/' + o.id}, o.kind)],
          ['Tenant', (o) => o.tenant ? h('a', {href: tenantHref(o.tenant)}, o.tenant) : '—'],
          ['State', (o) => stateBadge(o.state)],
          ['Phase', (o) => o.phase || '—'],
          ['Since', (o) => formatTime(o.started_at)],
        ], ops.operations || [], 'Nothing running.'));
      }
    }),
    fetch('/health', {cache: 'no-store'}).then((r) => {
      if (page.alive()) {
        mount(health, r.ok ? badge('healthy', 'status-active') : badge('management database unreachable', 'status-suspended'));
      }
    }).catch(() => mount(health, badge('server unreachable', 'status-suspended'))),
  ]);
  await load();
  page.every(10000, () => load().catch(() => {}));
}
