// Creating a tenant: a partner (T1) or a customer (T2) under a T1 the key sees.
import {ApiError, describe} from '../api.js';
import {card, h, mount, notice} from '../dom.js';

export function renderCreate(app, main, page, params) {
  const t1s = app.tree.tenants.filter((t) => t.tier === 1 && t.status !== 'decommissioned')
    .sort((a, b) => a.slug.localeCompare(b.slug));
  const tier = h('select', {id: 'create-tier', name: 'tier'},
    h('option', {value: '1'}, 'T1 — partner'), h('option', {value: '2'}, 'T2 — customer'));
  tier.value = params.get('tier') === '2' || (!app.tree.tenants.some((t) => t.tier === 0) && t1s.length) ? '2' : '1';
  const slug = h('input', {id: 'create-slug', name: 'slug', required: true, autocomplete: 'off', spellcheck: 'false',
    placeholder: 'acme'});
  const parent = h('select', {id: 'create-parent', name: 'parent'},
    t1s.map((t) => h('option', {value: t.slug}, t.slug + (t.name && t.name !== t.slug ? ' — ' + t.name : ''))));
  if (params.get('parent')) {
    parent.value = params.get('parent');
  }
  const name = h('input', {id: 'create-name', name: 'name', autocomplete: 'off', placeholder: 'Acme Corp'});
  const mode = h('select', {id: 'create-mode', name: 'mode'},
    h('option', {value: ''}, 'default (T1: a database of its own, T2: rls in its partner\'s database)'),
    ['rls', 'schema', 'database'].map((m) => h('option', {value: m}, m)));
  const region = h('input', {id: 'create-region', name: 'region', autocomplete: 'off', placeholder: 'optional, e.g. eu-west'});
  const message = h('div', {id: 'create-error'});
  const submit = h('button', {type: 'submit', class: 'primary', id: 'create-submit'}, 'Create tenant');
  const parentRow = h('div', {class: 'field'}, h('label', {for: 'create-parent'}, 'Parent (T1)'),
    t1s.length ? parent : h('p', {class: 'muted'}, 'No partner yet: create a T1 first.'));
  const syncTier = () => parentRow.classList.toggle('hidden', tier.value !== '2');
  tier.addEventListener('change', syncTier);
  syncTier();
  const field = (label, input, hint) => h('div', {class: 'field'}, h('label', {for: input.id}, label), input,
    hint ? h('div', {class: 'hint'}, hint) : null);
  const form = h('form', {class: 'form', id: 'create-form', autocomplete: 'off'},
    field('Tier', tier),
    parentRow,
    field('Slug', slug, 'Lower-case letters, digits and dashes; unique among live tenants.'),
    field('Display name', name),
    field('Isolation mode', mode),
    field('Region', region),
    message, h('div', {class: 'actions'}, submit, h('a', {href: '#/', class: 'button ghost'}, 'Cancel')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {tier: Number(tier.value), slug: slug.value.trim()};
    if (tier.value === '2') {
      body.parent = parent.value;
    }
    if (name.value.trim()) {
      body.name = name.value.trim();
    }
    if (mode.value) {
      body.mode = mode.value;
    }
    if (region.value.trim()) {
      body.region = region.value.trim();
    }
    submit.disabled = true;
    mount(message, notice('Creating ' + body.slug + '…', 'info'));
    try {
      const created = await app.api.post('/v1/tenants', body);
      await app.refreshTree();
      app.flash('Created ' + created.slug + '.', 'ok');
      window.location.hash = '#/tenants/' + encodeURIComponent(created.slug);
    } catch (e) {
      submit.disabled = false;
      if (e instanceof ApiError && e.status === 401) {
        app.signedOut(e);
        return;
      }
      mount(message, notice('Not created: ' + describe(e), 'error'));
    }
  });
  mount(main, h('div', {class: 'page-head'}, h('div', {class: 'page-title'}, h('h1', 'New tenant'))), card(null, form));
  slug.focus();
}
