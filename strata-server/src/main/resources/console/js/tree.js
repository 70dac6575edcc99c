// The tenant tree T0 -> T1 -> T2 of the tenants the key's API answers with (nothing else is
// ever shown): tier, slug, name, mode badge, status, and where the data lives.
import {ApiError, describe} from './api.js';
import {h, mount, modeBadge, notice, tenantHref} from './dom.js';

function location(t) {
  if (!t.database) {
    return 'no data (operator)';
  }
  return [t.plane, t.database, t.schema].filter(Boolean).join(' / ');
}

export class Tree {
  constructor(api) {
    this.api = api;
    this.tenants = [];
    this.byId = new Map();
    this.bySlug = new Map();
    this.selected = null;
    this.onUnauthorized = null;
    this.filter = h('input', {id: 'tree-filter', type: 'search', placeholder: 'Filter tenants', 'aria-label': 'Filter tenants'});
    this.filter.addEventListener('input', () => this.render());
    this.list = h('div', {id: 'tenant-tree', class: 'tree', role: 'tree'});
    this.count = h('span', {class: 'muted small'});
    this.element = h('div', {class: 'tree-panel'},
      h('div', {class: 'tree-head'}, h('span', {class: 'tree-title'}, 'Tenants'), this.count,
        h('a', {href: '#/new', class: 'button small', id: 'new-tenant'}, '+ New')),
      this.filter, this.list);
  }

  /** Reads the tenants again (every page of them) and redraws. */
  async load() {
    try {
      const tenants = await this.api.listAll('/v1/tenants', 'tenants');
      this.tenants = tenants;
      this.byId = new Map(tenants.map((t) => [t.id, t]));
      this.bySlug = new Map(tenants.map((t) => [t.slug, t]));
      this.render();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401 && this.onUnauthorized) {
        this.onUnauthorized(e);
        return;
      }
      mount(this.list, notice('The tenants could not be listed: ' + describe(e), 'error'));
    }
  }

  /** The tenant with this id or slug, if the key sees it. */
  find(key) {
    return this.byId.get(key) || this.bySlug.get(key) || null;
  }

  children(id) {
    return this.tenants.filter((t) => t.parent_id === id)
      .sort((a, b) => a.tier - b.tier || a.slug.localeCompare(b.slug));
  }

  select(key) {
    this.selected = key;
    this.list.querySelectorAll('.tree-node.selected').forEach((n) => n.classList.remove('selected'));
    const t = key ? this.find(key) : null;
    if (t) {
      const node = this.list.querySelector(`[data-id="${CSS.escape(t.id)}"]`);
      if (node) {
        node.classList.add('selected');
      }
    }
  }

  render() {
    const query = this.filter.value.trim().toLowerCase();
    const matches = (t) => !query || t.slug.toLowerCase().includes(query) || (t.name || '').toLowerCase().includes(query);
    const visible = (t) => matches(t) || this.children(t.id).some(visible);
    // roots: tenants whose parent this key does not see (the T0 for an admin key, its T1 for a T1 key)
    const roots = this.tenants.filter((t) => !t.parent_id || !this.byId.has(t.parent_id))
      .sort((a, b) => a.tier - b.tier || a.slug.localeCompare(b.slug));
    const node = (t) => {
      const kids = this.children(t.id).filter(visible);
      const link = h('a', {href: tenantHref(t.slug), class: ['tree-node', 'status-' + t.status], role: 'treeitem',
        dataset: {id: t.id, slug: t.slug, tier: String(t.tier)}, title: location(t)},
        h('span', {class: 'tree-line'},
          h('span', {class: 'tier-tag'}, 'T' + t.tier),
          h('span', {class: 'tree-slug'}, t.slug),
          t.status !== 'active' ? h('span', {class: 'status-dot status-' + t.status, title: t.status}) : null,
          h('span', {class: 'spacer'}),
          t.tier === 0 ? null : modeBadge(t.mode)),
        t.name && t.name !== t.slug ? h('span', {class: 'tree-name'}, t.name) : null,
        h('span', {class: 'tree-where'}, location(t)));
      return h('li', {class: 'tree-item'}, link, kids.length ? h('ul', {class: 'tree-children'}, kids.map(node)) : null);
    };
    const shown = roots.filter(visible);
    this.count.textContent = String(this.tenants.length);
    mount(this.list, shown.length ? h('ul', {class: 'tree-root'}, shown.map(node))
      : h('p', {class: 'empty'}, query ? 'No tenant matches.' : 'No tenants.'));
    this.select(this.selected);
  }
}
