// The Strata console: sign in with an API key, then a tenant tree on the left and pages in the
// main pane, driven by the hash (#/tenants/<slug>, #/top, ...). Everything shown comes from the API.
import {Api, ApiError, describe} from './api.js';
import {h, mount, notice} from './dom.js';
import {storedKey, rememberKey, forgetKey} from './session.js';
import {Tree} from './tree.js';
import {renderOverview} from './views/overview.js';
import {renderTenant} from './views/tenant.js';
import {renderCreate} from './views/create.js';
import {renderTop} from './views/top.js';
import {renderMigrations} from './views/migrations.js';
import {renderAudit} from './views/audit.js';
import {renderOperations, renderOperation} from './views/operations.js';

const THEME = 'strata.console.theme';
const root = document.getElementById('app');

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
}

applyTheme(window.localStorage.getItem(THEME)
  || (window.matchMedia && window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark'));

// ------------------------------------------------------------------ sign in

function signInScreen(message) {
  const key = h('input', {id: 'signin-key', type: 'password', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'strata_…', required: true, 'aria-label': 'API key'});
  const remember = h('input', {id: 'signin-remember', type: 'checkbox'});
  const error = h('div', {id: 'signin-error', class: 'signin-error', role: 'alert'});
  if (message) {
    error.appendChild(notice(message, 'error'));
  }
  const submit = h('button', {id: 'signin-submit', type: 'submit', class: 'primary'}, 'Sign in');
  const form = h('form', {class: 'signin-form', autocomplete: 'off'},
    h('div', {class: 'brand brand-large'}, h('span', {class: 'brand-mark'}), 'Strata'),
    h('p', {class: 'muted'}, 'Sign in with an API key. The console shows what that key may see: '
      + 'a T0 key everything, a T1 key its own subtree, a T2 key its own tenant.'),
    h('label', {for: 'signin-key'}, 'API key'), key,
    h('label', {class: 'check'}, remember, ' Remember on this browser (otherwise kept for this tab only)'),
    error, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const secret = key.value.trim();
    if (!secret) {
      mount(error, notice('Enter an API key.', 'error'));
      return;
    }
    submit.disabled = true;
    mount(error);
    try {
      const api = new Api(secret);
      await api.get('/v1/tenants');
      rememberKey(secret, remember.checked);
      start(api);
    } catch (e) {
      const text = e instanceof ApiError && e.status === 401
        ? 'That API key was refused: ' + describe(e)
        : 'Signing in failed: ' + describe(e);
      mount(error, notice(text, 'error'));
      submit.disabled = false;
      key.select();
    }
  });
  mount(root, h('div', {class: 'signin'}, form));
  key.focus();
}

// ------------------------------------------------------------------ the signed-in shell

/** Per-page context: timers and liveness, cancelled when the page changes. */
class Page {
  constructor() {
    this.timers = [];
    this.live = true;
  }

  every(ms, fn) {
    const id = window.setInterval(() => {
      if (this.live) {
        fn();
      }
    }, ms);
    this.timers.push(id);
  }

  after(ms, fn) {
    const id = window.setTimeout(() => {
      if (this.live) {
        fn();
      }
    }, ms);
    this.timers.push(id);
  }

  alive() {
    return this.live;
  }

  stop() {
    this.live = false;
    this.timers.forEach((id) => {
      window.clearInterval(id);
      window.clearTimeout(id);
    });
  }
}

let current = null;

function start(api) {
  const nav = [
    ['#/', 'Overview'], ['#/top', 'Busiest'], ['#/migrations', 'Migrations'], ['#/audit', 'Audit'],
    ['#/operations', 'Operations'],
  ];
  const links = nav.map(([href, text]) => h('a', {href, class: 'nav-link', dataset: {nav: href}}, text));
  const themeButton = h('button', {class: 'ghost', id: 'theme-toggle', type: 'button', title: 'Light or dark'}, '◐');
  themeButton.addEventListener('click', () => {
    const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    window.localStorage.setItem(THEME, next);
    applyTheme(next);
  });
  const signOut = h('button', {class: 'ghost', id: 'sign-out', type: 'button'}, 'Sign out');
  signOut.addEventListener('click', () => {
    forgetKey();
    stopApp();
    signInScreen();
  });
  const main = h('main', {id: 'main', class: 'main'});
  const banner = h('div', {id: 'banner', class: 'banner'});
  const tree = new Tree(api);
  const app = {
    api, tree, banner,
    capabilities: new Set(),
    /** Whether the server documents this "METHOD /path" (e.g. "POST /v1/tenants/{key}/move"). */
    has(operation) {
      return this.capabilities.has(operation);
    },
    flash(text, kind) {
      mount(banner, notice(text, kind));
      if (kind !== 'error') {
        window.setTimeout(() => banner.replaceChildren(), 4000);
      }
    },
    async refreshTree() {
      await tree.load();
    },
    signedOut(error) {
      forgetKey();
      stopApp();
      signInScreen('You were signed out: ' + describe(error));
    },
  };
  mount(root,
    h('header', {class: 'topbar'},
      h('a', {href: '#/', class: 'brand'}, h('span', {class: 'brand-mark'}), 'Strata'),
      h('nav', {class: 'nav'}, links),
      h('div', {class: 'topbar-right'}, themeButton, signOut)),
    h('div', {class: 'body'},
      h('aside', {class: 'sidebar'}, tree.element),
      h('div', {class: 'content'}, banner, main)));

  const route = () => {
    if (current) {
      current.stop();
    }
    const page = new Page();
    current = page;
    const hash = window.location.hash || '#/';
    links.forEach((a) => a.classList.toggle('active', a.dataset.nav === hash.split('?')[0]));
    banner.replaceChildren();
    const [path, query] = hash.slice(1).split('?');
    const params = new URLSearchParams(query || '');
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    tree.select(parts[0] === 'tenants' ? parts[1] : null);
    let render;
    if (parts.length === 0) {
      render = () => renderOverview(app, main, page);
    } else if (parts[0] === 'tenants' && parts[1]) {
      render = () => renderTenant(app, main, page, parts[1]);
    } else if (parts[0] === 'new') {
      render = () => renderCreate(app, main, page, params);
    } else if (parts[0] === 'top') {
      render = () => renderTop(app, main, page);
    } else if (parts[0] === 'migrations') {
      render = () => renderMigrations(app, main, page);
    } else if (parts[0] === 'audit') {
      render = () => renderAudit(app, main, page);
    } else if (parts[0] === 'operations' && parts[1]) {
      render = () => renderOperation(app, main, page, parts[1]);
    } else if (parts[0] === 'operations') {
      render = () => renderOperations(app, main, page, params);
    } else {
      render = () => mount(main, notice('No such page: ' + hash, 'error'));
    }
    Promise.resolve().then(render).catch((e) => {
      if (e instanceof ApiError && e.status === 401) {
        app.signedOut(e);
      } else if (page.alive()) {
        mount(main, e instanceof ApiError && e.status === 403
          ? notice('This key may not see this page: ' + describe(e), 'info')
          : notice(describe(e), 'error'));
      }
    });
  };
  tree.onUnauthorized = (e) => app.signedOut(e);
  window.onhashchange = route;
  api.get('/v1/openapi.json').then((doc) => {
    for (const [path, item] of Object.entries((doc && doc.paths) || {})) {
      Object.keys(item).forEach((method) => app.capabilities.add(method.toUpperCase() + ' ' + path));
    }
  }).catch(() => { /* no capabilities known: optional features say they are not available */ })
    .finally(() => {
      tree.load().finally(route);
    });
}

function stopApp() {
  window.onhashchange = null;
  if (current) {
    current.stop();
    current = null;
  }
}

const key = storedKey();
if (key) {
  const api = new Api(key);
  api.get('/v1/tenants').then(() => start(api)).catch((e) => {
    if (e instanceof ApiError && e.status === 401) {
      forgetKey();
      signInScreen('The saved API key was refused: ' + describe(e));
    } else {
      signInScreen('The server could not be asked: ' + describe(e));
    }
  });
} else {
  signInScreen();
}
