// The isolation audit: run on opening the page, its findings listed.
import {badge, card, formatTime, h, mount, table} from '../dom.js';

export async function renderAudit(app, main, page) {
  const rerun = h('button', {type: 'button', id: 'audit-run'}, 'Run again');
  const result = h('div', {class: 'slot', id: 'audit-result'}, h('p', {class: 'muted'}, 'Auditing every database…'));
  mount(main, h('div', {class: 'page-head'}, h('div', {class: 'page-title'}, h('h1', 'Isolation audit')),
    h('div', {class: 'actions'}, rerun)), result);
  const run = async () => {
    rerun.disabled = true;
    try {
      const report = await app.api.get('/v1/audit');
      if (!page.alive()) {
        return;
      }
      mount(result,
        h('div', {class: 'cards'},
          card('Result', h('div', {class: 'stat-row'},
            h('div', {class: 'stat'}, h('div', {class: 'stat-value', id: 'audit-verdict'},
              report.passed ? badge('passed', 'status-active') : badge('violated', 'status-suspended')),
            h('div', {class: 'stat-label'}, formatTime(report.checked_at))),
            h('div', {class: 'stat'}, h('div', {class: 'stat-value'}, String(report.violations)), h('div', {class: 'stat-label'}, 'violations')),
            h('div', {class: 'stat'}, h('div', {class: 'stat-value'}, String(report.warnings)), h('div', {class: 'stat-label'}, 'warnings')),
            h('div', {class: 'stat'}, h('div', {class: 'stat-value'}, String(report.databases.length)), h('div', {class: 'stat-label'}, 'databases')))),
          card('Checks', h('ul', {class: 'chips'}, report.checks.map((c) => h('li', badge(c, 'muted')))))),
        card('Findings', table([
          ['Severity', (f) => badge(f.severity, f.severity === 'violation' ? 'status-suspended' : 'warn')],
          ['Check', (f) => h('span', {class: 'mono'}, f.check)],
          ['Database', (f) => h('span', {class: 'mono small'}, f.database || '—')],
          ['Object', (f) => h('span', {class: 'mono small'}, f.object || '—')],
          ['Message', (f) => f.message],
        ], report.findings, 'No findings: every check passed.')));
    } finally {
      rerun.disabled = false;
    }
  };
  rerun.addEventListener('click', () => run().catch((e) => app.flash(String(e.message), 'error')));
  await run();
}
