// Shared behaviour of every page (plain script, no dependencies): theme toggle, mobile menu, copy buttons on
// code blocks, and the site search over the build-time index in assets/search-index.js.
(function () {
  var root = document.documentElement;

  // Theme: one choice for the whole site, stored under Redoc's own key so rest.html follows it too.
  function setTheme(mode) {
    root.classList.remove('light', 'dark');
    root.classList.add(mode);
    try { localStorage.setItem('redoc.colorMode', mode); } catch (e) { /* storage off: this page only */ }
  }
  document.querySelectorAll('.kg-theme-toggle').forEach(function (b) {
    b.addEventListener('click', function () { setTheme(root.classList.contains('dark') ? 'light' : 'dark'); });
  });
  // Another tab changed the theme.
  window.addEventListener('storage', function (e) { if (e.key === 'redoc.colorMode' && (e.newValue === 'light' || e.newValue === 'dark')) setTheme(e.newValue); });

  // Mobile menu: the drawer holds the site links and this page's own menu.
  var menuButton = document.querySelector('.kg-menu-button');
  var drawer = document.getElementById('kg-drawer');
  function openMenu(open) {
    if (!drawer || !menuButton) return;
    drawer.hidden = !open;
    menuButton.setAttribute('aria-expanded', String(open));
    root.classList.toggle('kg-menu-open', open);
  }
  if (menuButton && drawer) {
    var pageMenu = document.querySelector('.kg-menu');
    var slot = drawer.querySelector('.kg-drawer-page');
    if (pageMenu && slot && !slot.children.length) slot.innerHTML = pageMenu.innerHTML;
    menuButton.addEventListener('click', function () { openMenu(drawer.hidden); });
    drawer.addEventListener('click', function (e) { if (e.target.closest('a')) openMenu(false); });
    document.addEventListener('keydown', function (e) { if (e.key === 'Escape') openMenu(false); });
  }

  // The local mock's URLs: when kallglot-mock serves the site, assets/local-mock.js names its real ports, and the
  // base URLs shown for the local mock follow them.
  var local = window.KG_LOCAL_MOCK || {};
  document.querySelectorAll('[data-kg-local]').forEach(function (el) {
    var live = local[el.getAttribute('data-kg-local')], def = el.getAttribute('data-kg-default');
    if (live && def && live !== def && el.textContent.indexOf(def) === 0) el.textContent = live + el.textContent.slice(def.length);
  });

  // Copy buttons: the build puts a bar above each code block (outside Redoc, which has its own), so nothing
  // covers code and no node moves after the first paint; blocks added later get one here.
  function addCopy(pre) {
    if (pre.closest('#redoc')) return;
    var wrap = pre.parentElement;
    if (!wrap.classList.contains('kg-code')) {
      wrap = document.createElement('div');
      wrap.className = 'kg-code';
      wrap.innerHTML = '<div class="kg-code-bar"><span class="kg-code-lang"></span><button type="button" class="kg-copy">Copy</button></div>';
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
    }
    var button = wrap.querySelector('.kg-copy');
    if (!button || button.dataset.ready) return;
    button.dataset.ready = '1';
    button.addEventListener('click', function () {
      var text = pre.innerText.replace(/\n$/, '');
      var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 1500); };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback); else fallback();
      function fallback() {
        var t = document.createElement('textarea');
        t.value = text; t.style.position = 'fixed'; t.style.opacity = '0';
        document.body.appendChild(t); t.select();
        try { document.execCommand('copy'); } catch (e) { /* nothing to do */ }
        t.remove(); done();
      }
    });
  }
  document.querySelectorAll('pre').forEach(addCopy);
  window.kgAddCopy = addCopy;

  // Search over the build-time index; the ranking (window.KG_CREATE_SEARCH) ships with the index, from
  // src/client/search-rank.mjs, the same code the tests import.
  var input = document.getElementById('kg-search-input');
  var list = document.getElementById('kg-search-results');
  // The index loads on first use, so it never delays the first paint.
  var ranker = null, loading = null;
  function withIndex(cb) {
    if (ranker) return cb();
    if (!loading) {
      loading = [];
      var s = document.createElement('script');
      s.src = (document.querySelector('script[src$="assets/site.js"]') || { src: 'assets/site.js' }).src.replace(/site\.js$/, 'search-index.js');
      s.onload = function () {
        ranker = window.KG_CREATE_SEARCH ? window.KG_CREATE_SEARCH(window.KG_SEARCH || []) : function () { return []; };
        loading.forEach(function (f) { f(); });
      };
      document.head.appendChild(s);
    }
    loading.push(cb);
  }
  function search(q) { return ranker ? ranker(q, 10) : []; }
  var active = -1;
  function render(results) {
    active = -1;
    list.innerHTML = '';
    if (!input.value.trim()) { list.hidden = true; return; }
    if (!results.length) { list.innerHTML = '<div class="kg-search-empty">No results</div>'; list.hidden = false; return; }
    results.forEach(function (r) {
      var a = document.createElement('a');
      a.href = r.u; a.className = 'kg-search-hit'; a.setAttribute('role', 'option');
      a.innerHTML = '<span class="kg-search-kind"></span><span class="kg-search-title"></span><span class="kg-search-sub"></span>';
      a.children[0].textContent = r.k; a.children[1].textContent = r.t; a.children[2].textContent = r.s || '';
      list.appendChild(a);
    });
    list.hidden = false;
  }
  if (input && list) {
    input.addEventListener('input', function () { withIndex(function () { render(search(input.value)); }); });
    input.addEventListener('focus', function () { withIndex(function () {}); });
    input.addEventListener('keydown', function (e) {
      var hits = list.querySelectorAll('a');
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        if (!hits.length) return;
        active = (active + (e.key === 'ArrowDown' ? 1 : hits.length - 1)) % hits.length;
        hits.forEach(function (h, i) { h.classList.toggle('kg-active', i === active); });
      } else if (e.key === 'Enter' && hits.length) {
        location.href = hits[Math.max(active, 0)].href;
        list.hidden = true;
      } else if (e.key === 'Escape') { list.hidden = true; input.blur(); }
    });
    list.addEventListener('click', function () { list.hidden = true; });
    document.addEventListener('click', function (e) { if (!e.target.closest('.kg-search')) list.hidden = true; });
    document.addEventListener('keydown', function (e) {
      if (e.key === '/' && document.activeElement === document.body) { e.preventDefault(); input.focus(); }
    });
  }
  window.kgSearch = search;
})();
