// Long-running operations (provisioning, moves, imports, migrations): the list, and one followed
// live: phase, progress, steps, error.
import {ApiError, describe} from '../api.js';
import {badge, card, facts, formatTime, h, mount, notice, stateBadge, table, tenantHref} from '../dom.js';
import {bar} from '../chart.js';

const POLL_MS = 700;

/** The live view of one operation. */
export function operationPanel(op) {
  if (!op) {
    return h('p', {class: 'muted'}, 'Starting…');
  }
  const total = op.progress ? op.progress.total : 0;
  const done = op.progress ? op.progress.done : 0;
  return h('div', {class: 'operation', dataset: {state: op.state}, id: 'operation-' + op.id},
    h('div', {class: 'operation-head'},
      badge(op.kind, 'muted'), h('span', {class: 'op-state'}, stateBadge(op.state)),
      h('span', {class: 'op-phase'}, op.phase || '—'),
      h('span', {class: 'spacer'}),
      h('span', {class: 'op-progress-text'}, total ? done + ' / ' + total : '')),
    bar(total ? done / total : (op.state === 'succeeded' ? 1 : 0), 'state-' + op.state),
    op.error ? notice(op.error, 'error') : null,
    h('ol', {class: 'steps'}, (op.steps || []).map((s) => h('li', {class: s.finished_at ? 'done' : 'running'},
      h('span', {class: 'mono'}, s.name), ' ', h('span', {class: 'muted small'},
        s.finished_at ? formatTime(s.finished_at) : 'running…')))));
}

/** Polls the operation into el until it is over (not running), then calls done(op). */
export function watchOperation(app, page, id, el, done) {
  let finished = false;
  const tick = async () => {
    if (finished) {
      return;
    }
    try {
      const op = await app.api.get('/v1/operations/' + encodeURIComponent(id));
      if (!page.alive() || finished) {
        return;
      }
      mount(el, operationPanel(op));
      if (op.state !== 'running') {
        finished = true;
        if (done) {
          await done(op);
        }
        return;
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        app.signedOut(e);
        return;
      }
      mount(el, notice('Following the operation failed: ' + describe(e) + ' (retrying)', 'error'));
    }
    page.after(POLL_MS, tick);
  };
  tick();
}

export async function renderOperations(app, main, page, params) {
  const state = params.get('state') || '';
  const filter = h('select', {id: 'operations-state', 'aria-label': 'State'},
    ['', 'running', 'failed', 'succeeded', 'rolled_back', 'aborted'].map((s) =>
      h('option', {value: s, selected: s === state}, s || 'any state')));
  filter.addEventListener('change', () => {
    window.location.hash = '#/operations' + (filter.value ? '?state=' + filter.value : '');
  });
  const list = h('div', {class: 'slot'});
  mount(main, h('div', {class: 'page-head'}, h('div', {class: 'page-title'}, h('h1', 'Operations')),
    h('div', {class: 'actions'}, filter)), card(null, list));
  const load = async () => {
    const ops = await app.api.get('/v1/operations?limit=100' + (state ? '&state=' + state : ''));
    if (!page.alive()) {
      return;
    }
    mount(list, table([
      ['Operation', (o) => h('a', {href: '#/operations/' + o.id, class: 'mono'}, o.id.slice(0, 8))],
      ['Kind', (o) => badge(o.kind, 'muted')],
      ['Tenant', (o) => o.tenant ? h('a', {href: tenantHref(o.tenant)}, o.tenant) : '—'],
      ['State', (o) => stateBadge(o.state)],
      ['Phase', (o) => o.phase || '—'],
      ['Progress', (o) => o.progress && o.progress.total ? o.progress.done + ' / ' + o.progress.total : '—', 'num'],
      ['Started', (o) => formatTime(o.started_at)],
      ['Finished', (o) => formatTime(o.finished_at)],
    ], ops.operations || [], 'No operations.'));
  };
  await load();
  page.every(3000, () => load().catch(() => {}));
}

export async function renderOperation(app, main, page, id) {
  const op = await app.api.get('/v1/operations/' + encodeURIComponent(id));
  if (!page.alive()) {
    return;
  }
  const live = h('div', {class: 'slot', id: 'operation-live'}, operationPanel(op));
  mount(main,
    h('div', {class: 'page-head'}, h('div', {class: 'page-title'}, h('h1', 'Operation ' + op.kind),
      h('div', {class: 'page-badges'}, stateBadge(op.state))),
    h('div', {class: 'page-sub mono muted'}, op.id)),
    h('div', {class: 'cards'},
      card('Progress', live),
      card('Details', facts([
        ['Tenant', op.tenant ? h('a', {href: tenantHref(op.tenant)}, op.tenant) : '—'],
        ['Owner', op.owner || '—'],
        ['Attempts', String(op.attempts)],
        ['Started', formatTime(op.started_at)],
        ['Finished', formatTime(op.finished_at)],
        ['Lease until', formatTime(op.lease_expires_at)],
      ]))));
  if (op.state === 'running') {
    watchOperation(app, page, op.id, live, null);
  }
}
