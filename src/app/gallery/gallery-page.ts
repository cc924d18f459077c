/**
 * The gallery page: plain HTML, CSS and JavaScript served by the bot itself (no CDN, no build
 * step). The script reads `data.json` beside the page and draws the grid, the player and the
 * family tree; every user text is set with `textContent`, never parsed as HTML.
 */

/** The page; only these catalogue texts are put into it (escaped). */
export function galleryHtml(p: { lang: string; title: string; failed: string }): string {
  const { lang, title, failed } = p;
  return `<!doctype html>
<html lang="${escapeHtml(lang)}" data-failed="${escapeHtml(failed)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="gallery.css">
<script src="gallery.js" defer></script>
</head>
<body>
<header><h1 id="title">${escapeHtml(title)}</h1><p id="intro"></p></header>
<main>
<section id="player" hidden aria-live="polite"></section>
<p id="status" role="status"></p>
<ul id="grid" aria-labelledby="title"></ul>
</main>
<footer><p id="expires"></p></footer>
</body>
</html>
`;
}

export const GALLERY_CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","PingFang SC","Microsoft YaHei",sans-serif;background:#f4f5f7;color:#1d1f23}
header,main,footer{max-width:1200px;margin:0 auto;padding:0 12px}
h1{font-size:1.4rem;margin:16px 0 4px}
#intro,#expires,#status{color:#5b616b;margin:4px 0 12px}
#grid{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px}
.card{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.12);overflow:hidden}
.card button.open{all:unset;display:block;width:100%;cursor:pointer}
.card button.open:focus-visible{outline:3px solid #5865f2}
.thumb{display:block;width:100%;aspect-ratio:16/9;object-fit:cover;background:#d9dce1}
.thumb.none{display:flex;align-items:center;justify-content:center;color:#6b7280;font-size:.85rem}
.meta{padding:8px 10px}
.prompt{display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden;margin:0 0 6px;overflow-wrap:anywhere}
.sub{font-size:.8rem;color:#5b616b;display:flex;flex-wrap:wrap;gap:4px 8px}
.badge{display:inline-block;border-radius:999px;padding:0 7px;font-size:.75rem;background:#e7e9ee}
.badge.delivered{background:#dcf5e3;color:#116329}
.badge.expired,.badge.failed{background:#fde2e1;color:#8a1c13}
.card.current{outline:3px solid #5865f2}
#player{background:#fff;border-radius:10px;box-shadow:0 1px 4px rgba(0,0,0,.15);padding:12px;margin:0 0 16px}
#player video{display:block;width:100%;max-height:70vh;background:#000;border-radius:6px}
#player .bar{display:flex;justify-content:space-between;align-items:flex-start;gap:8px;margin-bottom:8px}
#player h2{font-size:1.05rem;margin:0;overflow-wrap:anywhere}
#player .note{color:#5b616b}
.tree,.tree ul{list-style:none;margin:0;padding-left:18px}
.tree{padding-left:0}
.tree li{margin:4px 0;position:relative}
.tree ul li::before{content:"";position:absolute;left:-12px;top:0;height:.9em;width:9px;border-left:1px solid #9aa0aa;border-bottom:1px solid #9aa0aa}
.node{display:inline-flex;flex-wrap:wrap;gap:4px 8px;align-items:baseline;padding:2px 6px;border-radius:6px}
.node.current{background:#e3e6ff;font-weight:600}
.node button{all:unset;cursor:pointer;text-decoration:underline;overflow-wrap:anywhere}
a{color:#3b49d1}
@media (max-width:480px){#grid{grid-template-columns:repeat(2,1fr);gap:8px}h1{font-size:1.2rem}}
`;

/** No template literals inside: this text is itself one. */
export const GALLERY_JS = `
(function () {
  'use strict';
  var state = { videos: [], byId: {}, text: {}, locale: 'en', current: null };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fill(s, vars) {
    return String(s).replace(/\\{(\\w+)\\}/g, function (m, k) { return k in vars ? String(vars[k]) : m; });
  }
  function tx(key, vars) { return fill(state.text[key] || key, vars || {}); }
  function age(ms) {
    var s = Math.round((ms - Date.now()) / 1000);
    var rtf = new Intl.RelativeTimeFormat(state.locale, { numeric: 'auto' });
    var a = Math.abs(s);
    if (a < 60) return rtf.format(s, 'second');
    if (a < 3600) return rtf.format(Math.round(s / 60), 'minute');
    if (a < 86400) return rtf.format(Math.round(s / 3600), 'hour');
    return rtf.format(Math.round(s / 86400), 'day');
  }
  function stateText(s) {
    return s === 'delivered' || s === 'expired' || s === 'failed' ? tx('gallery.state.' + s) : tx('gallery.state.other');
  }
  function chatLink(v) {
    var a = el('a', 'chat', tx('gallery.page.openInChat'));
    a.href = v.link;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    return a;
  }

  function card(v) {
    var li = el('li', 'card');
    li.dataset.video = v.videoId;
    var open = el('button', 'open');
    open.type = 'button';
    if (v.hasThumbnail) {
      var img = el('img', 'thumb');
      img.src = 'media/' + v.key + '.webp';
      img.alt = '';
      img.loading = 'lazy';
      open.appendChild(img);
    } else {
      open.appendChild(el('div', 'thumb none', tx('gallery.page.noPreview')));
    }
    var meta = el('div', 'meta');
    meta.appendChild(el('p', 'prompt', v.prompt));
    var sub = el('div', 'sub');
    sub.appendChild(el('span', 'by', tx('gallery.page.by', { name: v.requester })));
    var when = el('time', 'age', age(v.createdAt));
    when.dateTime = new Date(v.createdAt).toISOString();
    sub.appendChild(when);
    sub.appendChild(el('span', 'badge ' + v.state, stateText(v.state)));
    if (v.kind !== 'create') sub.appendChild(el('span', 'badge kind', tx('gallery.kind.' + v.kind)));
    meta.appendChild(sub);
    open.appendChild(meta);
    open.addEventListener('click', function () { show(v.videoId, true); });
    li.appendChild(open);
    return li;
  }

  /** Every video in the same family: linked through parents and re-rolls. */
  function familyOf(id) {
    var seen = {};
    var queue = [id];
    var members = [];
    while (queue.length) {
      var cur = queue.shift();
      if (seen[cur] || !state.byId[cur]) continue;
      seen[cur] = true;
      var v = state.byId[cur];
      members.push(v);
      if (v.parent) queue.push(v.parent);
      if (v.rerollOf) queue.push(v.rerollOf);
      state.videos.forEach(function (o) {
        if (o.parent === cur || o.rerollOf === cur) queue.push(o.videoId);
      });
    }
    return members;
  }

  /** Parent -> children; a re-roll hangs where the video it repeats hangs (a sibling). */
  function parentIn(v, ids) {
    if (v.parent && ids[v.parent]) return v.parent;
    if (v.rerollOf && ids[v.rerollOf]) {
      var o = state.byId[v.rerollOf];
      return o && o.parent && ids[o.parent] ? o.parent : null;
    }
    return null;
  }

  function tree(members, currentId) {
    var ids = {};
    members.forEach(function (m) { ids[m.videoId] = true; });
    var kids = {};
    var roots = [];
    members.slice().sort(function (a, b) { return a.createdAt - b.createdAt; }).forEach(function (m) {
      var p = parentIn(m, ids);
      if (p) (kids[p] = kids[p] || []).push(m);
      else roots.push(m);
    });
    function branch(list) {
      var ul = el('ul');
      list.forEach(function (m) {
        var li = el('li');
        li.dataset.video = m.videoId;
        var node = el('span', 'node' + (m.videoId === currentId ? ' current' : ''));
        if (m.videoId === currentId) node.setAttribute('aria-current', 'true');
        var go = el('button', null, m.prompt);
        go.type = 'button';
        go.addEventListener('click', function () { show(m.videoId, true); });
        node.appendChild(go);
        node.appendChild(el('span', 'badge kind', tx('gallery.kind.' + m.kind)));
        node.appendChild(el('span', 'sub', tx('gallery.page.by', { name: m.requester })));
        if (m.videoId === currentId) node.appendChild(el('span', 'sub', '(' + tx('gallery.page.current') + ')'));
        if (m.link) node.appendChild(chatLink(m));
        li.appendChild(node);
        if (kids[m.videoId]) li.appendChild(branch(kids[m.videoId]));
        ul.appendChild(li);
      });
      return ul;
    }
    var t = branch(roots);
    t.className = 'tree';
    return t;
  }

  function show(id, play) {
    var v = state.byId[id];
    if (!v) return;
    state.current = id;
    var box = document.getElementById('player');
    box.textContent = '';
    var bar = el('div', 'bar');
    bar.appendChild(el('h2', null, v.prompt));
    var close = el('button', 'close', tx('gallery.page.close'));
    close.type = 'button';
    close.addEventListener('click', function () {
      box.hidden = true;
      box.textContent = '';
      state.current = null;
      mark();
      history.replaceState(null, '', location.pathname + location.search);
    });
    bar.appendChild(close);
    box.appendChild(bar);
    if (v.playable) {
      var video = el('video');
      video.controls = true;
      video.playsInline = true;
      video.preload = 'auto';
      video.src = 'media/' + v.key + '.mp4';
      if (v.hasThumbnail) video.poster = 'media/' + v.key + '.webp';
      box.appendChild(video);
      if (play) {
        var p = video.play();
        if (p && p.catch) p.catch(function () { /* autoplay refused: the controls remain */ });
      }
    } else {
      var note = el('p', 'note', tx('gallery.page.onlyInChat') + ' ');
      if (v.link) note.appendChild(chatLink(v));
      box.appendChild(note);
    }
    var sub = el('p', 'sub');
    sub.appendChild(el('span', null, tx('gallery.page.by', { name: v.requester })));
    sub.appendChild(el('span', null, age(v.createdAt)));
    sub.appendChild(el('span', null, v.size + ' · ' + v.seconds + 's'));
    if (v.link) sub.appendChild(chatLink(v));
    box.appendChild(sub);
    box.appendChild(el('h3', null, tx('gallery.page.family')));
    box.appendChild(tree(familyOf(id), id));
    box.hidden = false;
    mark();
    history.replaceState(null, '', '#v=' + encodeURIComponent(id));
    box.scrollIntoView({ block: 'start' });
  }

  function mark() {
    var cards = document.querySelectorAll('#grid .card');
    for (var i = 0; i < cards.length; i++) {
      cards[i].classList.toggle('current', cards[i].dataset.video === state.current);
    }
  }

  function render(data) {
    state.videos = data.videos;
    state.text = data.text;
    state.locale = data.locale;
    state.byId = {};
    data.videos.forEach(function (v) { state.byId[v.videoId] = v; });
    document.getElementById('intro').textContent = tx('gallery.page.intro');
    var until = new Date(data.expiresAt).toLocaleString(state.locale);
    document.getElementById('expires').textContent = tx('gallery.page.expires', { time: until });
    var grid = document.getElementById('grid');
    grid.textContent = '';
    data.videos.forEach(function (v) { grid.appendChild(card(v)); });
    document.getElementById('status').textContent = data.videos.length ? '' : tx('gallery.page.empty');
    document.body.dataset.ready = 'true';
    var m = /^#v=(.+)$/.exec(location.hash);
    if (m) show(decodeURIComponent(m[1]), false);
  }

  fetch('data.json', { cache: 'no-store', credentials: 'omit' })
    .then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    })
    .then(render)
    .catch(function () {
      var s = document.getElementById('status');
      s.textContent = document.documentElement.dataset.failed || 'The gallery could not be loaded.';
      document.body.dataset.ready = 'failed';
    });
})();
`;

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
