// A small line chart drawn by hand in SVG: one or more series over time, a light grid, the
// maximum on the y axis, the first and last time on the x axis, and a read-out under the pointer.
import {h, s} from './dom.js';

const W = 640;
const H = 180;
const PAD = {left: 44, right: 12, top: 12, bottom: 24};

function niceMax(v) {
  if (v <= 0) {
    return 1;
  }
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * p >= v) {
      return m * p;
    }
  }
  return 10 * p;
}

function timeLabel(date) {
  return date.toLocaleTimeString(undefined, {hour: '2-digit', minute: '2-digit'});
}

/**
 * series: [{name, cls, values: [numbers]}] sharing times: [Date]. Returns an element.
 */
export function lineChart({times, series, unit, label}) {
  const n = times.length;
  const max = Math.max(4, niceMax(Math.max(0, ...series.flatMap((x) => x.values))));
  const x = (i) => PAD.left + (n <= 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const y = (v) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': label || 'chart',
    preserveAspectRatio: 'none'});
  for (let g = 0; g <= 4; g++) {
    const v = (max * g) / 4;
    svg.appendChild(s('line', {x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'chart-grid'}));
    svg.appendChild(s('text', {x: PAD.left - 6, y: y(v) + 4, class: 'chart-axis', 'text-anchor': 'end'},
      Number.isInteger(v) ? String(v) : v.toFixed(1)));
  }
  if (n > 0) {
    svg.appendChild(s('text', {x: PAD.left, y: H - 6, class: 'chart-axis'}, timeLabel(times[0])));
    svg.appendChild(s('text', {x: W - PAD.right, y: H - 6, class: 'chart-axis', 'text-anchor': 'end'},
      timeLabel(times[n - 1])));
  }
  for (const line of series) {
    if (!n) {
      continue;
    }
    const pts = line.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
    if (line.area) {
      svg.appendChild(s('path', {d: `M${x(0)},${y(0)} L${pts.join(' L')} L${x(n - 1)},${y(0)} Z`,
        class: 'chart-area ' + line.cls}));
    }
    svg.appendChild(s('polyline', {points: pts.join(' '), class: 'chart-line ' + line.cls}));
  }
  const cursor = s('line', {x1: 0, x2: 0, y1: PAD.top, y2: H - PAD.bottom, class: 'chart-cursor hidden'});
  svg.appendChild(cursor);
  const readout = h('div', {class: 'chart-readout'}, '\u00a0');
  svg.addEventListener('mousemove', (event) => {
    if (!n) {
      return;
    }
    const box = svg.getBoundingClientRect();
    const px = ((event.clientX - box.left) / box.width) * W;
    const i = Math.max(0, Math.min(n - 1, Math.round(((px - PAD.left) / (W - PAD.left - PAD.right)) * (n - 1))));
    cursor.setAttribute('x1', x(i));
    cursor.setAttribute('x2', x(i));
    cursor.classList.remove('hidden');
    readout.textContent = timeLabel(times[i]) + ' · ' + series.map((l) => `${l.name} ${l.values[i]}`).join(' · ')
      + (unit ? ' ' + unit : '');
  });
  svg.addEventListener('mouseleave', () => {
    cursor.classList.add('hidden');
    readout.textContent = '\u00a0';
  });
  const legend = h('div', {class: 'chart-legend'},
    series.map((l) => h('span', {class: 'legend-item'}, h('span', {class: 'legend-swatch ' + l.cls}), l.name)));
  return h('div', {class: 'chart-box'}, svg, h('div', {class: 'chart-foot'}, legend, readout));
}

/** A horizontal bar (0..1) for tables. */
export function bar(fraction, cls) {
  const el = h('span', {class: 'bar'}, h('span', {class: 'bar-fill ' + (cls || '')}));
  el.firstChild.style.width = Math.max(0, Math.min(1, fraction)) * 100 + '%';
  return el;
}
