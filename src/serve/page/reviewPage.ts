/**
 * The review page `introdetect serve` sends at `/`: one self-contained HTML file (vanilla
 * JS and CSS, no build step), kept in a module so that `npm run build` ships it in dist/.
 * It talks to the API only through the routes in createServer.ts.
 */

const CSS = String.raw`
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #15171c; color: #e6e6e6; }
header { display: flex; gap: 1em; align-items: center; padding: .6em 1em; background: #20232b; position: sticky; top: 0; z-index: 2; }
header h1 { font-size: 16px; margin: 0; }
select, button, input { font: inherit; }
button { background: #3a6df0; color: #fff; border: 0; border-radius: 4px; padding: .3em .8em; cursor: pointer; }
button.ghost { background: #343845; }
main { padding: 1em; display: grid; gap: 1em; }
.episode { background: #1d2027; border-radius: 6px; padding: .8em 1em; }
.episode h2 { font-size: 15px; margin: 0 0 .4em; display: flex; gap: .6em; align-items: baseline; }
.status { font-size: 12px; padding: 0 .5em; border-radius: 3px; background: #444; }
.status.done { background: #2d6a3e; } .status.failed { background: #8a2f2f; } .status.processing { background: #7a6520; }
canvas.timeline { width: 100%; height: 90px; display: block; background: #101216; border-radius: 4px; cursor: pointer; }
.legend { font-size: 12px; color: #aaa; display: flex; gap: 1em; margin: .2em 0; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; }
.thumbs { display: flex; gap: 2px; overflow-x: auto; margin: .4em 0; }
.thumbs img { height: 45px; border-radius: 2px; cursor: pointer; }
.row { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
video { width: 360px; max-width: 100%; background: #000; border-radius: 4px; }
form.correction { display: grid; grid-template-columns: auto auto auto; gap: .3em .6em; align-items: center; }
form.correction input[type=number] { width: 7em; background: #101216; color: #eee; border: 1px solid #444; border-radius: 3px; padding: .15em .3em; }
.jumps button { margin: 0 .2em .3em 0; }
.note { font-size: 12px; color: #9aa; }
#job { font-size: 13px; color: #cde; }
`;

const SCRIPT = String.raw`
'use strict';
const token = new URLSearchParams(location.search).get('token');
const withToken = (url) => token ? url + (url.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token) : url;
async function api(url, init) {
  const headers = Object.assign({}, (init && init.headers) || {});
  if (token) headers.authorization = 'Bearer ' + token;
  const res = await fetch(url, Object.assign({}, init || {}, { headers }));
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error((body && body.message) || res.statusText);
  return body;
}
const el = (tag, attrs, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) node.append(c);
  return node;
};
const fmt = (s) => {
  if (s === null || s === undefined) return '–';
  const m = Math.floor(s / 60);
  return m + ':' + String(Math.floor(s % 60)).padStart(2, '0');
};
const COLORS = { intro: '#4da3ff', credits: '#f0a33a', repeated: 'rgba(180,120,255,.35)', correction: 'rgba(80,220,120,.9)' };

let library = null;
let currentSeason = null;

async function loadLibrary() {
  library = await api('/api/library');
  const select = document.getElementById('season');
  select.replaceChildren();
  for (const series of library.series) {
    for (const season of series.seasons) {
      const n = season.episodes.length;
      select.append(el('option', { value: season.dir }, season.dir + ' (' + n + ')'));
    }
  }
  const wanted = currentSeason || new URLSearchParams(location.search).get('season');
  if (wanted && [...select.options].some((o) => o.value === wanted)) select.value = wanted;
  await showSeason(select.value);
}

function seasonOf(dir) {
  for (const series of library.series) for (const s of series.seasons) if (s.dir === dir) return s;
  return null;
}

async function showSeason(dir) {
  currentSeason = dir;
  const main = document.querySelector('main');
  main.replaceChildren();
  const season = seasonOf(dir);
  if (!season) { main.append(el('p', {}, 'No episodes in the library.')); return; }
  for (const summary of season.episodes) {
    const card = el('section', { class: 'episode', 'data-key': summary.key });
    main.append(card);
    const episode = await api('/api/episode?key=' + encodeURIComponent(summary.key));
    renderEpisode(card, episode);
  }
}

function drawTimeline(canvas, episode, video) {
  const d = episode.detection;
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 800, h = canvas.clientHeight || 90;
  canvas.width = w * ratio; canvas.height = h * ratio;
  const g = canvas.getContext('2d');
  g.scale(ratio, ratio);
  g.clearRect(0, 0, w, h);
  const duration = d ? d.duration : 1;
  const x = (t) => (t / duration) * w;
  const band = (i, color, y0, y1) => { if (!i) return; g.fillStyle = color; g.fillRect(x(i.start), y0, Math.max(1, x(i.end) - x(i.start)), y1 - y0); };
  if (!d) { g.fillStyle = '#777'; g.fillText('no detection yet (' + episode.status + ')', 8, h / 2); return; }
  for (const r of d.repeated || []) band(r, COLORS.repeated, 0, h);
  band(d.intro, 'rgba(77,163,255,.25)', 0, h - 14);
  band(d.credits, 'rgba(240,163,58,.25)', 0, h - 14);
  const curve = (track, color) => {
    g.strokeStyle = color; g.lineWidth = 1.5; g.beginPath();
    track.values.forEach((p, i) => {
      const px = x(track.from + i + 0.5), py = (h - 16) * (1 - p) + 2;
      if (i === 0) g.moveTo(px, py); else g.lineTo(px, py);
    });
    g.stroke();
  };
  curve(d.probabilities.intro, COLORS.intro);
  curve(d.probabilities.credits, COLORS.credits);
  g.setLineDash([4, 4]); g.strokeStyle = '#888';
  const ty = (h - 16) * (1 - d.threshold.intro) + 2;
  g.beginPath(); g.moveTo(0, ty); g.lineTo(w, ty); g.stroke(); g.setLineDash([]);
  const s = episode.segments;
  if (s.source === 'correction') { band(s.intro, COLORS.correction, h - 12, h - 4); band(s.credits, COLORS.correction, h - 12, h - 4); }
  else { band(s.intro, COLORS.intro, h - 12, h - 4); band(s.credits, COLORS.credits, h - 12, h - 4); }
  if (video && video.dataset.offset !== undefined) {
    const t = Number(video.dataset.offset) + video.currentTime;
    g.fillStyle = '#fff'; g.fillRect(x(t), 0, 1, h);
  }
}

function renderEpisode(card, episode) {
  const d = episode.detection;
  const duration = d ? d.duration : 0;
  const video = el('video', { controls: true, preload: 'none', playsinline: true });
  video.dataset.offset = '0';
  const canvas = el('canvas', { class: 'timeline', title: 'click: play from here' });
  // Plays from second t: the file itself when the browser can play it, else a proxy clip.
  const playAt = (t) => {
    t = Math.max(0, t);
    if (episode.playable) {
      const src = withToken('/api/media?key=' + encodeURIComponent(episode.key));
      if (video.dataset.src !== src) { video.src = src; video.dataset.src = src; }
      video.dataset.offset = '0';
      video.currentTime = t;
    } else {
      const start = Math.floor(t);
      const src = withToken('/api/clip?key=' + encodeURIComponent(episode.key) + '&start=' + start + '&duration=20');
      video.src = src; video.dataset.src = src; video.dataset.offset = String(start);
    }
    video.play().catch(() => undefined);
  };
  const playhead = () => Math.round((Number(video.dataset.offset) + video.currentTime) * 10) / 10;
  video.addEventListener('timeupdate', () => drawTimeline(canvas, episode, video));
  canvas.addEventListener('click', (e) => {
    if (!duration) return;
    const r = canvas.getBoundingClientRect();
    playAt(((e.clientX - r.left) / r.width) * duration);
  });

  const thumbs = el('div', { class: 'thumbs' });
  if (duration) {
    const n = 12;
    for (let i = 0; i < n; i++) {
      const t = Math.floor(((i + 0.5) / n) * duration);
      thumbs.append(el('img', { loading: 'lazy', alt: fmt(t), title: fmt(t), src: withToken('/api/thumbnail?key=' + encodeURIComponent(episode.key) + '&t=' + t), onclick: () => playAt(t) }));
    }
  }

  const s = episode.segments;
  const boundaries = [['intro start', s.intro && s.intro.start], ['intro end', s.intro && s.intro.end], ['credits start', s.credits && s.credits.start], ['credits end', s.credits && s.credits.end]];
  const jumps = el('div', { class: 'jumps' });
  for (const [label, t] of boundaries) {
    if (t === null || t === undefined) continue;
    jumps.append(el('button', { type: 'button', class: 'ghost', onclick: () => playAt(t - 3) }, '▶ ' + label + ' ' + fmt(t)));
  }

  const number = (name, value) => el('input', { type: 'number', name, step: '0.1', min: '0', value: value === null || value === undefined ? '' : String(value) });
  const form = el('form', { class: 'correction' },
    el('span', {}, 'intro'), number('intro_start', s.intro && s.intro.start), number('intro_end', s.intro && s.intro.end),
    el('span', {}, ''), el('label', {}, el('input', { type: 'checkbox', name: 'no_intro', checked: !s.intro && s.source !== 'none' }), ' no intro'), el('span', {}),
    el('span', {}, 'credits'), number('credits_start', s.credits && s.credits.start), number('credits_end', s.credits && s.credits.end),
    el('span', {}, ''), el('label', {}, el('input', { type: 'checkbox', name: 'no_credits', checked: !s.credits && s.source !== 'none' }), ' no credits'), el('span', {}),
    el('span', {}), el('button', { type: 'submit' }, 'Save correction'), el('span', { class: 'note saved' }, episode.correction ? 'corrected ' + episode.correction.savedAt : ''));
  // Keyboard: in a boundary field, [ / ] nudge it by 1 s, p sets it to the playhead; n toggles
  // "no intro"; Enter saves (accepts).
  form.addEventListener('keydown', (e) => {
    const input = e.target;
    if (e.key === 'n' || e.key === 'N') { e.preventDefault(); form.elements.no_intro.checked = !form.elements.no_intro.checked; return; }
    if (!(input instanceof HTMLInputElement) || input.type !== 'number') return;
    if (e.key === '[' || e.key === ']') { e.preventDefault(); input.value = String(Math.max(0, (Number(input.value) || 0) + (e.key === ']' ? 1 : -1))); }
    else if (e.key === 'p' || e.key === 'P') { e.preventDefault(); input.value = String(playhead()); }
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = form.elements;
    const interval = (a, b) => ({ start: Number(a.value), end: Number(b.value) });
    const body = { key: episode.key, intro: f.no_intro.checked ? null : interval(f.intro_start, f.intro_end) };
    if (f.no_credits.checked) body.credits = null;
    else if (f.credits_start.value !== '' && f.credits_end.value !== '') body.credits = interval(f.credits_start, f.credits_end);
    const note = form.querySelector('.saved');
    try {
      const saved = await api('/api/corrections', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      note.textContent = 'saved ' + saved.correction.savedAt;
      const fresh = await api('/api/episode?key=' + encodeURIComponent(episode.key));
      renderEpisode(card, fresh);
      card.querySelector('.saved').textContent = 'saved ' + saved.correction.savedAt;
    } catch (err) { note.textContent = 'not saved: ' + err.message; }
  });

  const legend = el('div', { class: 'legend' },
    el('span', {}, el('i', { style: 'background:' + COLORS.intro }), 'p(intro)'),
    el('span', {}, el('i', { style: 'background:' + COLORS.credits }), 'p(credits)'),
    el('span', {}, el('i', { style: 'background:' + COLORS.repeated }), 'repeated in the season'),
    el('span', {}, el('i', { style: 'background:' + COLORS.correction }), 'corrected'),
    el('span', {}, 'intro ' + fmt(s.intro && s.intro.start) + '–' + fmt(s.intro && s.intro.end) + ', credits ' + fmt(s.credits && s.credits.start) + '–' + fmt(s.credits && s.credits.end) + ' (' + s.source + ')'));
  card.replaceChildren(
    el('h2', {}, episode.name, el('span', { class: 'status ' + episode.status }, episode.status), el('span', { class: 'note' }, episode.lastError || '')),
    canvas, legend, thumbs,
    el('div', { class: 'row' }, el('div', {}, video, jumps), form));
  requestAnimationFrame(() => drawTimeline(canvas, episode, video));
}

async function detectSeason() {
  const status = document.getElementById('job');
  try {
    let job = await api('/api/seasons/detect', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dir: currentSeason }) });
    while (job.state === 'queued' || job.state === 'running') {
      const p = job.progress;
      status.textContent = 'detecting: ' + job.state + (p ? ' ' + p.filesDone + '/' + p.filesTotal + (p.current ? ' — ' + p.current.key + ' ' + Math.round((100 * p.current.seconds) / Math.max(1, p.current.total)) + ' %' : '') : '');
      await new Promise((r) => setTimeout(r, 1000));
      job = await api('/api/jobs/' + job.id);
    }
    status.textContent = 'job ' + job.state + (job.error ? ': ' + job.error : '');
    await loadLibrary();
  } catch (err) { status.textContent = 'detect failed: ' + err.message; }
}

document.getElementById('season').addEventListener('change', (e) => showSeason(e.target.value));
document.getElementById('detect').addEventListener('click', detectSeason);
loadLibrary().catch((err) => { document.querySelector('main').textContent = 'Could not load the library: ' + err.message; });
`;

/** The page, as sent. */
export const REVIEW_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>introdetect review</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>introdetect review</h1>
<label>Season <select id="season"></select></label>
<button id="detect" type="button">Detect season</button>
<span id="job"></span>
</header>
<main></main>
<script>${SCRIPT}</script>
</body>
</html>
`;
