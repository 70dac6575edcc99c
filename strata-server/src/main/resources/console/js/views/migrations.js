// The application's tenant migrations: where every app schema stands.
import {badge, card, h, mount, notice, table, tenantHref} from '../dom.js';

export async function renderMigrations(app, main, page) {
  const onlyBehind = h('input', {type: 'checkbox', id: 'migrations-behind'});
  const list = h('div', {class: 'slot', id: 'migration-targets'});
  const summary = h('div', {class: 'slot'});
  mount(main, h('div', {class: 'page-head'}, h('div', {class: 'page-title'}, h('h1', 'Migrations')),
    h('div', {class: 'actions'}, h('label', {class: 'check'}, onlyBehind, ' only targets behind or failed'))),
  card('Status', summary), card('Targets', list));
  const status = await app.api.get('/v1/migrations');
  if (!page.alive()) {
    return;
  }
  const behind = status.targets.filter((t) => t.pending.length || t.error);
  mount(summary, h('div', {class: 'stat-row'},
    h('div', {class: 'stat'}, h('div', {class: 'stat-value mono', id: 'latest-version'}, status.latest_version || '—'),
      h('div', {class: 'stat-label'}, 'latest version')),
    h('div', {class: 'stat'}, h('div', {class: 'stat-value'}, String(status.targets.length)), h('div', {class: 'stat-label'}, 'targets')),
    h('div', {class: 'stat'}, h('div', {class: 'stat-value'}, String(status.targets.length - behind.length)),
      h('div', {class: 'stat-label'}, 'up to date')),
    h('div', {class: 'stat'}, h('div', {class: 'stat-value'}, String(behind.length)), h('div', {class: 'stat-label'}, 'behind or failed'))),
  behind.length ? notice(behind.length + ' target(s) need `strata migrate apply`.', 'warn') : null);
  const draw = () => {
    const targets = onlyBehind.checked ? behind : status.targets;
    mount(list, table([
      ['Target', (t) => h('span', {class: 'mono small'}, t.target)],
      ['Kind', (t) => badge(t.kind, 'muted')],
      ['Tenant', (t) => {
        const tenant = t.tenant ? app.tree.find(t.tenant) : null;
        return tenant ? h('a', {href: tenantHref(tenant.slug)}, tenant.slug) : (t.tenant ? h('span', {class: 'mono small'}, t.tenant) : '—');
      }],
      ['Version', (t) => h('span', {class: 'mono'}, t.version || '—')],
      ['Pending', (t) => t.pending.length ? badge(t.pending.length + ' pending: ' + t.pending.join(', '), 'warn')
        : badge('up to date', 'status-active')],
      ['Last error', (t) => t.error ? h('span', {class: 'error-text'}, t.error) : '—'],
    ], targets, onlyBehind.checked ? 'Every target is up to date.' : 'No targets.'));
  };
  onlyBehind.addEventListener('change', draw);
  draw();
}
