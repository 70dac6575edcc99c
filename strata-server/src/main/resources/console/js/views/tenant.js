// A tenant's page: who and where it is, its tables and row counts, limits, activity over time,
// history, keys, children and operations; suspend, resume and move.
import {ApiError, describe} from '../api.js';
import {badge, card, facts, formatNumber, formatTime, h, modeBadge, mount, notice, statusBadge, table, tenantHref,
  tierBadge} from '../dom.js';
import {lineChart} from '../chart.js';
import {operationPanel, watchOperation} from './operations.js';

const MOVE = 'POST /v1/tenants/{key}/move';

/** Loads a part of the page on its own, so one failing read never blanks the rest. */
async function section(el, load) {
  try {
    await load();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      throw e;
    }
    mount(el, notice(describe(e), e instanceof ApiError && e.status === 403 ? 'info' : 'error'));
  }
}

export async function renderTenant(app, main, page, key, finished) {
  const {api} = app;
  const tenant = await api.get('/v1/tenants/' + encodeURIComponent(key));
  if (!page.alive()) {
    return;
  }
  const path = '/v1/tenants/' + encodeURIComponent(tenant.id);
  const actions = h('div', {class: 'actions'});
  const placement = h('div', {class: 'slot', id: 'tenant-placement'});
  const tables = h('div', {class: 'slot', id: 'tenant-tables'}, h('p', {class: 'muted'}, 'Counting rows…'));
  const limits = h('div', {class: 'slot', id: 'tenant-limits'});
  const activity = h('div', {class: 'slot', id: 'activity-chart'});
  const history = h('div', {class: 'slot', id: 'tenant-history'});
  const keys = h('div', {class: 'slot', id: 'tenant-keys'});
  const children = h('div', {class: 'slot', id: 'tenant-children'});
  const operations = h('div', {class: 'slot', id: 'tenant-operations'});
  const move = h('div', {class: 'slot', id: 'move-panel'});
  const activityWindow = h('select', {id: 'activity-window', 'aria-label': 'Activity window'},
    ['15m', '1h', '6h', '1d'].map((w) => h('option', {value: w, selected: w === '1h'}, w)));

  const title = h('div', {class: 'page-head'},
    h('div', {class: 'page-title'},
      h('h1', {id: 'tenant-title'}, tenant.name || tenant.slug),
      h('div', {class: 'page-badges'}, tierBadge(tenant.tier), tenant.tier === 0 ? null : modeBadge(tenant.mode),
        h('span', {id: 'tenant-status'}, statusBadge(tenant.status)))),
    h('div', {class: 'page-sub'}, h('span', {class: 'mono', id: 'tenant-slug'}, tenant.slug), ' · ',
      h('span', {class: 'mono muted'}, tenant.id),
      tenant.parent ? [' · parent ', h('a', {href: tenantHref(tenant.parent)}, tenant.parent)] : null),
    actions);

  mount(main, title,
    h('div', {class: 'cards'},
      card('Where its data lives', placement),
      card('Tables', tables),
      card('Limits', limits)),
    h('div', {class: 'cards wide'},
      h('section', {class: 'card'}, h('div', {class: 'card-title-row'}, h('h2', {class: 'card-title'}, 'Activity'),
        activityWindow), activity)),
    tenant.tier === 0 ? null : card('Move', move),
    tenant.tier === 1 ? card('Customers (T2)', children) : null,
    tenant.tier === 0 ? card('Partners (T1)', children) : null,
    card('Operations', operations),
    card('History', history),
    card('API keys', keys));

  // actions
  const act = async (verb) => {
    try {
      await api.post(path + '/' + verb);
      app.flash('Tenant ' + tenant.slug + (verb === 'suspend' ? ' suspended.' : ' resumed.'), 'ok');
      await app.refreshTree();
      if (page.alive()) {
        await renderTenant(app, main, page, tenant.id);
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        app.signedOut(e);
        return;
      }
      app.flash('Could not ' + verb + ' ' + tenant.slug + ': ' + describe(e), 'error');
    }
  };
  if (tenant.tier !== 0) {
    if (tenant.status === 'active') {
      actions.appendChild(h('button', {type: 'button', id: 'suspend-tenant', class: 'danger', onclick: () => act('suspend')},
        'Suspend'));
    } else if (tenant.status === 'suspended') {
      actions.appendChild(h('button', {type: 'button', id: 'resume-tenant', class: 'primary', onclick: () => act('resume')},
        'Resume'));
    }
  }
  if (tenant.tier < 2) {
    actions.appendChild(h('a', {class: 'button', id: 'new-child',
      href: '#/new?tier=' + (tenant.tier + 1) + (tenant.tier === 1 ? '&parent=' + encodeURIComponent(tenant.slug) : '')},
    tenant.tier === 0 ? '+ New partner (T1)' : '+ New customer (T2)'));
  }

  const where = (v) => v ? h('span', {class: 'mono'}, v) : '—';
  mount(placement, facts([
    ['Mode', tenant.tier === 0 ? 'none (the operator holds no data)' : modeBadge(tenant.mode)],
    tenant.plane !== undefined ? ['Plane', where(tenant.plane)] : null,
    ['Database', where(tenant.database)],
    ['Schema', where(tenant.schema)],
    ['Region', tenant.region || '—'],
    ['Created', formatTime(tenant.created_at)],
    ['Updated', formatTime(tenant.updated_at)],
  ]));

  const loads = [];
  if (app.has('GET /v1/tenants/{key}/tables')) {
    loads.push(section(tables, async () => {
      const t = await api.get(path + '/tables');
      if (!page.alive()) {
        return;
      }
      mount(placement, facts([
        ['Mode', tenant.tier === 0 ? 'none (the operator holds no data)' : modeBadge(tenant.mode)],
        ['Plane', where(t.plane)],
        ['Database', where(t.database)],
        ['Schema', where(t.schema)],
        ['Schema version', t.schema_version ? h('span', {class: 'mono', id: 'schema-version'}, t.schema_version) : '—'],
        ['Region', tenant.region || '—'],
        ['Created', formatTime(tenant.created_at)],
        ['Updated', formatTime(tenant.updated_at)],
      ]));
      mount(tables, table([
        ['Table', (r) => h('span', {class: 'mono'}, r.name)],
        ['Rows', (r) => r.rows === null ? h('span', {class: 'muted', title: 'counting took too long'}, 'n/a')
          : formatNumber(r.rows), 'num'],
      ], t.tables, tenant.tier === 0 ? 'The operator holds no tenant data.' : 'No tenant tables.'));
    }));
  } else {
    mount(tables, notice('This server does not report tables (no GET /v1/tenants/{key}/tables).', 'info'));
  }

  loads.push(section(limits, async () => {
    if (tenant.tier === 0) {
      mount(limits, h('p', {class: 'muted'}, 'The operator runs no tenant work.'));
      return;
    }
    const l = await api.get(path + '/limits');
    if (page.alive()) {
      mount(limits, facts([
        ['Source', badge(l.source, l.source === 'tenant' ? 'accent' : 'muted')],
        ['Concurrent transactions', formatNumber(l.max_concurrent_transactions)],
        ['Acquire timeout', formatNumber(l.acquire_timeout_ms) + ' ms'],
        ['Statement timeout', l.statement_timeout_ms ? formatNumber(l.statement_timeout_ms) + ' ms' : 'none'],
      ]));
    }
  }));

  const drawActivity = () => section(activity, async () => {
    if (!app.has('GET /v1/tenants/{key}/activity')) {
      mount(activity, notice('This server does not report activity over time.', 'info'));
      return;
    }
    const a = await api.get(path + '/activity?window=' + activityWindow.value);
    if (!page.alive()) {
      return;
    }
    const times = a.points.map((p) => new Date(p.at));
    const total = a.points.reduce((n, p) => n + p.transactions, 0);
    const errors = a.points.reduce((n, p) => n + p.errors, 0);
    mount(activity,
      h('div', {class: 'stat-row'},
        h('div', {class: 'stat'}, h('div', {class: 'stat-value', id: 'activity-total'}, formatNumber(total)),
          h('div', {class: 'stat-label'}, 'transactions')),
        h('div', {class: 'stat'}, h('div', {class: 'stat-value'}, formatNumber(errors)), h('div', {class: 'stat-label'}, 'errors')),
        h('div', {class: 'stat'}, h('div', {class: 'stat-value'},
          formatNumber(Math.max(0, ...a.points.map((p) => p.max_latency_ms)))), h('div', {class: 'stat-label'}, 'max ms'))),
      lineChart({times, label: 'Transactions per minute of ' + tenant.slug, series: [
        {name: 'transactions/min', cls: 's1', area: true, values: a.points.map((p) => p.transactions)},
        {name: 'errors/min', cls: 's2', values: a.points.map((p) => p.errors)},
      ]}));
  });
  activityWindow.addEventListener('change', drawActivity);
  loads.push(drawActivity());
  page.every(15000, drawActivity);

  loads.push(section(history, async () => {
    const hist = await api.get(path + '/history');
    if (page.alive()) {
      mount(history, table([
        ['When', (e) => formatTime(e.at)],
        ['Action', (e) => badge(e.action, 'muted')],
        ['Actor', (e) => h('span', {class: 'mono'}, e.actor || '—')],
        ['Detail', (e) => h('code', {class: 'detail'}, JSON.stringify(e.detail))],
      ], hist.events.slice().reverse(), 'No history yet.'));
    }
  }));

  loads.push(section(children, async () => {
    const kids = app.tree.children(tenant.id);
    mount(children, table([
      ['Tenant', (t) => h('a', {href: tenantHref(t.slug)}, t.slug)],
      ['Name', (t) => t.name || '—'],
      ['Mode', (t) => modeBadge(t.mode)],
      ['Status', (t) => statusBadge(t.status)],
      ['Where', (t) => h('span', {class: 'mono small'}, [t.database, t.schema].filter(Boolean).join(' / '))],
    ], kids, 'None yet.'));
  }));

  loads.push(section(operations, async () => {
    const ops = await api.get('/v1/operations?tenant=' + encodeURIComponent(tenant.id) + '&limit=10');
    if (page.alive()) {
      mount(operations, table([
        ['Kind', (o) => h('a', {href: '#/operations/' + o.id}, o.kind)],
        ['State', (o) => badge(o.state, 'state-' + o.state)],
        ['Phase', (o) => o.phase || '—'],
        ['Started', (o) => formatTime(o.started_at)],
        ['Finished', (o) => formatTime(o.finished_at)],
      ], ops.operations || [], 'No operations.'));
    }
  }));

  loads.push(section(keys, async () => {
    if (!app.has('GET /v1/keys')) {
      mount(keys, notice('API keys are not listed by this server (no GET /v1/keys).', 'info'));
      return;
    }
    const own = (await api.listAll('/v1/keys?tenant=' + encodeURIComponent(tenant.id), 'keys'))
      .filter((k) => k.tenant_id === tenant.id || k.tenant === tenant.slug);
    if (page.alive()) {
      mount(keys, table([
        ['Key', (k) => h('span', {class: 'mono'}, k.id)],
        ['Name', (k) => k.name || '—'],
        ['Created', (k) => formatTime(k.created_at)],
        ['Expires', (k) => formatTime(k.expires_at)],
        ['Last used', (k) => formatTime(k.last_used_at)],
        ['State', (k) => {
          const state = k.state || (k.revoked_at ? 'revoked' : 'active');
          return badge(state, state === 'active' ? 'status-active' : 'status-suspended');
        }],
      ], own, 'No keys bound to this tenant.'));
    }
  }));

  if (tenant.tier !== 0) {
    renderMove(app, move, page, tenant, path, finished);
  }
  await Promise.all(loads);
}

function renderMove(app, el, page, tenant, path, finished) {
  if (!app.has(MOVE)) {
    mount(el, notice('Moves are not available on this server (it has no POST /v1/tenants/{key}/move).', 'info'));
    return;
  }
  const to = h('select', {id: 'move-to', 'aria-label': 'Target mode'},
    ['rls', 'schema', 'database'].map((m) => h('option', {value: m, disabled: m === tenant.mode}, m)));
  to.value = ['database', 'schema', 'rls'].find((m) => m !== tenant.mode);
  const plane = h('input', {id: 'move-plane', type: 'text', placeholder: 'same plane', 'aria-label': 'Target plane'});
  const into = h('input', {id: 'move-into', type: 'text', placeholder: 'new or default', 'aria-label': 'Into database'});
  const status = h('div', {id: 'move-status'}, finished ? operationPanel(finished) : null);
  const start = h('button', {type: 'submit', id: 'move-start', class: 'primary'}, 'Start move');
  const form = h('form', {class: 'inline-form'},
    h('label', 'To ', to), h('label', 'Plane ', plane), h('label', 'Into database ', into), start);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {to: to.value};
    if (plane.value.trim()) {
      body.plane = plane.value.trim();
    }
    if (into.value.trim()) {
      body.into = into.value.trim();
    }
    start.disabled = true;
    try {
      const answer = await app.api.request('POST', path + '/move', body);
      const operation = (answer.json && answer.json.operation) || answer.json;
      const id = operation && operation.id ? operation.id
        : (answer.location || '').split('/').filter(Boolean).pop();
      mount(status, operationPanel(operation));
      watchOperation(app, page, id, status, async (op) => {
        start.disabled = false;
        if (op.state === 'succeeded') {
          app.flash('Moved ' + tenant.slug + ' to ' + body.to + '.', 'ok');
        } else {
          app.flash('The move of ' + tenant.slug + ' ended ' + op.state + (op.error ? ': ' + op.error : ''), 'error');
        }
        await app.refreshTree();
        if (page.alive()) {
          await renderTenant(app, document.getElementById('main'), page, tenant.id, op); // its new mode and place
        }
      });
    } catch (e) {
      start.disabled = false;
      if (e instanceof ApiError && e.status === 401) {
        app.signedOut(e);
      } else if (e instanceof ApiError && e.code === 'ROUTE_NOT_FOUND') {
        mount(status, notice('Moves are not available on this server.', 'info'));
      } else {
        mount(status, notice('The move was refused: ' + describe(e), 'error'));
      }
    }
  });
  mount(el, h('p', {class: 'muted'}, 'Moves the tenant\'s data online to another mode or plane; writes pause '
    + 'briefly at the switch-over.'), form, status);
}
