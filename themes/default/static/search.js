// The search page: one search over every language (Pagefind bundles, one per piece of the
// archive, merged), the taxonomy's term box, filters by company, theme, year and language
// (values by count, none empty), results ten at a time. /search/?q=… runs the query.
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) return;
  var L = JSON.parse(document.getElementById("search-labels").textContent);
  var bundle = box.getAttribute("data-bundle");
  var form = box.querySelector("form");
  var input = box.querySelector("input[name=q]");
  var status = box.querySelector(".search-status");
  var termBox = box.querySelector(".search-terms");
  var filterBox = box.querySelector(".search-filters");
  var filterSets = filterBox.querySelector(".search-filter-sets");
  // Filters start open beside the results on wide screens, folded above them on phones.
  var wide = window.matchMedia ? window.matchMedia("(min-width: 52rem)") : null;
  filterBox.open = !wide || wide.matches;
  if (wide && wide.addEventListener) {
    wide.addEventListener("change", function (e) { if (e.matches) filterBox.open = true; });
  }
  var list = box.querySelector(".search-results");
  var more = box.querySelector(".search-more");
  var FILTERS = ["company", "theme", "year", "language"];
  var PAGE = 10;
  var pf = null, terms = [], ready = null, results = [], shown = 0, seq = 0;
  var stale = {};  // Pagefind page ids of out-of-date pages in edited pieces (pieces.json)
  var chosen = {};

  function text(s) { return L[s] || s; }
  function fmt(s, n) { return text(s).split("{n}").join(String(n)); }
  function el(tag, cls, content) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (content !== undefined) e.textContent = content;
    return e;
  }
  function norm(s) { return (s || "").normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim(); }
  function json(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }

  function load() {
    if (!ready) {
      ready = Promise.all([json(bundle + "pieces.json"), json(bundle + "terms.json")])
        .then(function (got) {
          var pieces = got[0].pieces, paths = [];
          terms = got[1];
          if (!pieces.length) return null;
          // A piece edited since it was indexed whole: its delta bundle holds the new pages,
          // and the base's out-of-date pages (their ids) are dropped from the results.
          pieces.forEach(function (p) {
            paths.push(p.path);
            if (p.delta) paths.push(p.delta.path);
            (p.stale || []).forEach(function (id) { stale[id] = true; });
          });
          var first = bundle + paths[0] + "/";
          return import(first + "pagefind.js").then(function (mod) {
            pf = mod;
            return pf.options({ basePath: first, excerptLength: 30 });
          }).then(function () {
            return pf.init();
          }).then(function () {
            return Promise.all(paths.slice(1).map(function (path) {
              return pf.mergeIndex(bundle + path + "/");
            }));
          }).then(function () {
            return pf.filters();  // loads the filter data: searches then count per value
          });
        });
    }
    return ready;
  }

  // -- the term box: companies and themes named by the query --------------------------------
  function matchTerms(q) {
    var k = norm(q);
    if (!k) return [];
    var exact = [], contains = [], prefix = [];
    terms.forEach(function (t) {
      var names = t.names.map(norm);
      if (names.indexOf(k) >= 0) exact.push(t);
      else if (names.some(function (n) { return n.length >= 2 && within(k, n); })) contains.push(t);
      else if (k.length >= 2 && names.some(function (n) { return n.indexOf(k) === 0; })) prefix.push(t);
    });
    return exact.concat(contains, prefix).slice(0, 4);
  }

  // A name inside a longer query: Chinese anywhere, Latin names as whole words.
  function within(k, n) {
    return /[^\x00-\x7f]/.test(n) ? k.indexOf(n) >= 0 : (" " + k + " ").indexOf(" " + n + " ") >= 0;
  }

  function showTerms(q) {
    termBox.textContent = "";
    var found = matchTerms(q);
    termBox.hidden = !found.length;
    found.forEach(function (t) {
      var a = el("a", "term-hit");
      a.href = t.url;
      a.appendChild(el("span", "term-kind " + t.kind, text("kind_" + t.kind)));
      a.appendChild(el("strong", "term-name", t.name));
      if (t.other) a.appendChild(el("span", "term-other", t.other));
      a.appendChild(el("span", "count", fmt("articles", t.count)));
      var li = el("li");
      li.appendChild(a);
      termBox.appendChild(li);
    });
  }

  // -- filters ---------------------------------------------------------------------------------
  function valueLabel(key, value) { return key === "language" ? text("lang_" + value) : value; }

  function showFilters(counts) {
    filterSets.textContent = "";
    var any = false;
    FILTERS.forEach(function (key) {
      var values = Object.keys(counts[key] || {}).filter(function (v) {
        return counts[key][v] > 0 || (chosen[key] || []).indexOf(v) >= 0;
      });
      if (!values.length) return;
      values.sort(function (a, b) {
        return (counts[key][b] - counts[key][a]) || (key === "year" ? (b < a ? -1 : 1) : a.localeCompare(b));
      });
      any = true;
      var set = el("fieldset", "search-filter");
      set.appendChild(el("legend", "", text(key)));
      var ul = el("ul");
      values.forEach(function (v) {
        var li = el("li"), label = el("label"), box_ = el("input");
        box_.type = "checkbox";
        box_.name = key;
        box_.value = v;
        box_.checked = (chosen[key] || []).indexOf(v) >= 0;
        box_.addEventListener("change", function () {
          var now = (chosen[key] || []).filter(function (x) { return x !== v; });
          if (box_.checked) now.push(v);
          if (now.length) chosen[key] = now; else delete chosen[key];
          run();
        });
        label.appendChild(box_);
        label.appendChild(el("span", "", valueLabel(key, v)));
        label.appendChild(el("span", "count", String(counts[key][v])));
        li.appendChild(label);
        ul.appendChild(li);
      });
      set.appendChild(ul);
      filterSets.appendChild(set);
    });
    filterBox.hidden = !any;
  }

  // -- results ---------------------------------------------------------------------------------
  function excerpt(html) {
    // Pagefind marks the matches with <mark>; everything else is shown as text.
    var p = el("p", "search-excerpt");
    html.split(/(<mark>|<\/mark>)/).reduce(function (inMark, part) {
      if (part === "<mark>") return true;
      if (part === "</mark>") return false;
      var t = document.createElement("textarea");
      t.innerHTML = part;  // decodes entities; a textarea never runs or loads anything
      p.appendChild(inMark ? el("mark", "", t.value) : document.createTextNode(t.value));
      return inMark;
    }, false);
    return p;
  }

  function showMore(id) {
    box.setAttribute("data-state", "searching");
    var next = results.slice(shown, shown + PAGE);
    shown += next.length;
    more.hidden = shown >= results.length;
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (data) {
      if (id !== seq) return;
      data.forEach(function (d) {
        var li = el("li", "search-result");
        if (d.meta.lang) li.lang = d.meta.lang;
        var h = el("h2", "search-title"), a = el("a", "", d.meta.title || d.url);
        a.href = d.url;
        h.appendChild(a);
        li.appendChild(h);
        var meta = el("p", "meta");
        meta.appendChild(el("time", "", d.meta.date || ""));
        if (d.meta.lang) meta.appendChild(document.createTextNode(" · " + text("lang_" + d.meta.lang)));
        li.appendChild(meta);
        li.appendChild(excerpt(d.excerpt || ""));
        list.appendChild(li);
      });
    });
  }

  // For scripts and tests: the query the page shows and whether its results are in.
  function settle(q, state) {
    box.setAttribute("data-query", q);
    box.setAttribute("data-state", state);
  }

  function run() {
    var q = input.value.trim();
    var id = ++seq;
    var url = new URL(window.location.href);
    if (q) url.searchParams.set("q", q); else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
    if (!q) {
      settle("", "done");
      showTerms("");
      list.textContent = "";
      filterBox.hidden = true;
      more.hidden = true;
      status.textContent = "";
      return Promise.resolve();
    }
    status.textContent = text("searching");
    box.setAttribute("data-state", "searching");
    var filters = {};
    Object.keys(chosen).forEach(function (k) { filters[k] = { any: chosen[k] }; });
    return load().then(function () {
      if (id !== seq) return;
      showTerms(q);
      if (!pf) { status.textContent = text("empty"); return; }
      return pf.search(q, { filters: filters }).then(function (r) {
        if (id !== seq) return;
        results = r.results.filter(function (x) { return !stale[x.id]; });
        shown = 0;
        list.textContent = "";
        status.textContent = results.length ? fmt("results", results.length) : fmt("no_results", q);
        showFilters(r.filters || {});
        return showMore(id);
      });
    }).then(function () {
      if (id === seq) settle(q, "done");
    }).catch(function (err) {
      settle(q, "failed");
      status.textContent = text("failed");
      if (window.console) console.error(err);
    });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    run();
  });
  more.addEventListener("click", function () {
    var id = seq;
    showMore(id).then(function () { if (id === seq) settle(input.value.trim(), "done"); });
  });
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) {
    input.value = q;
    run();
  } else {
    load().catch(function () { status.textContent = text("failed"); });
  }
})();
