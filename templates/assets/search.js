/* The search page: queries the site's own index in search/index/ (generator/search/).
   The analyzer below applies the rules of generator/search/analyzer.py, line for line
   (tests/test_search_index.py checks that both give the same terms). A query matches
   the exact string typed: it fetches, all at once, the postings of bigrams that cover
   every character (`coverTerms`), the index gives the units holding them all, and a
   unit is shown when its text holds each word typed (words split at white space, in
   any order). Only when no unit does, it falls back
   to pages holding all the query's terms anywhere, and says so. Results are grouped by
   page: the page's own name (its <h1>) first, then names (a department, project, 科目),
   then titles, then text. A result loads the one small file of its best unit. Every
   value shown is inserted as text (DOM nodes), never as HTML. With window.searchMarks
   set to an array, each query adds [step, performance.now()] to it (bench/search.py). */
(function () {
  "use strict";
  var HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  var RUN = new RegExp("[" + HAN + "]+|[0-9a-z]+", "g");
  var HAN_CHAR = new RegExp("^[" + HAN + "]$");
  var HEAD = 1000;  // the name of unit 0: the page's <h1>, what the page is about
  // body, title, name, a term the page defines (generator/search/pages.py): as a page's <h1>
  var WEIGHT = [1, 10, 100, HEAD];
  var PER_PAGE = 10, SUBS = 3, MORE_FILES = 6, ROUNDS = 3;

  function normalize(text) { return text.normalize("NFKC").toLowerCase(); }
  function runs(text) { return normalize(text).match(RUN) || []; }
  function isHan(run) { return !/^[0-9a-z]/.test(run); }
  function bigrams(run) {
    var out = [];
    for (var i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
    return out;
  }
  // one white-space character between two Han characters is no break, at index time
  var SPACED = new RegExp("([" + HAN + "])[ \\t\\n\\r](?=[" + HAN + "])", "g");
  function indexTerms(text) {
    var terms = new Set();
    (normalize(text).replace(SPACED, "$1").match(RUN) || []).forEach(function (run) {
      if (!isHan(run)) { terms.add(run); return; }
      run.split("").concat(bigrams(run)).forEach(function (t) { terms.add(t); });
    });
    return Array.from(terms);
  }
  function queryTerms(text) {
    var out = [];
    runs(text).forEach(function (run) {
      (!isHan(run) || run.length === 1 ? [run] : bigrams(run)).forEach(function (t) {
        if (out.indexOf(t) < 0) out.push(t);
      });
    });
    return out;
  }
  function squeezed(text) { return runs(text).join(""); }
  function termHash(term) {
    var bytes = new TextEncoder().encode(term), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    return h >>> 0;
  }
  /* The numbers of a postings text, read from `at` on: varints of 5-bit digits, most
     significant first, the last of each from the upper half of DIGITS
     (generator/search/index.py writes them). */
  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var DIGIT = new Int8Array(128);
  for (var d = 0; d < 64; d++) DIGIT[DIGITS.charCodeAt(d)] = d;
  function Reader(text) { this.text = text; this.at = 0; }
  Reader.prototype.next = function () {
    var v = 0, digit;
    do {
      digit = DIGIT[this.text.charCodeAt(this.at++)];
      v = v * 32 + (digit & 31);
    } while (digit < 32);
    return v;
  };
  function numbers(text) {
    var read = new Reader(text), out = [];
    while (read.at < text.length) out.push(read.next());
    return out;
  }
  /* One term's postings ("page delta, n, code delta × n, …"), read lazily: the pages
     holding it (ascending) at once, skipping their codes; the codes of the k-th page
     (unit id × 4 + field, ascending) only when a query wants that page. */
  function Postings(text) {
    var read = this.read = new Reader(text), page = 0;
    this.pages = [];
    this.at = [];
    this.end = [];
    while (read.at < text.length) {
      this.pages.push(page += read.next());
      this.at.push(read.at);
      for (var n = read.next(); n; read.at++) if (DIGIT[text.charCodeAt(read.at)] >= 32) n--;
      this.end.push(read.at);
    }
  }
  /* The codes of the k-th page, one at a time (`code`: the current one, END after the
     last), so that matching reads a long list only as far as the rarer ones reach. */
  var END = 0x7fffffff;
  Postings.prototype.cursor = function (k) {
    var read = this.read;
    read.at = this.at[k];
    read.left = read.next();
    read.code = 0;
    read.step();
    return read;
  };
  Reader.prototype.step = function () {
    this.code = this.left-- > 0 ? this.code + this.next() : END;
  };
  Postings.prototype.codes = function (k) {
    var out = [];
    for (var read = this.cursor(k); read.code !== END; read.step()) out.push(read.code);
    return out;
  };
  function varint(v) {
    var out = DIGITS[32 + (v & 31)];
    for (v >>>= 5; v; v >>>= 5) out = DIGITS[v & 31] + out;
    return out;
  }
  function deltas(codes) {
    return codes.map(function (c, i) { return varint(i ? c - codes[i - 1] : c); }).join("");
  }
  /* A term's postings as the index has them now: its term file's `text` with its entry
     of the delta files (`delta`: "page delta, m, dropped code delta × (m - 1), n, added
     code delta × n, …"; m = 0: the page's codes are those added) and the pages emptied
     since the term files were written (`gone`) applied (generator/search/update.py,
     `merged`). The parts of the other pages are copied as they are. */
  function merge(text, delta, gone) {
    var changes = new Map(), read = new Reader(delta || ""), page = 0;
    (gone || []).forEach(function (p) { changes.set(p, [null, []]); });
    function codes(n) {
      for (var out = [], c = 0; n > 0; n--) out.push(c += read.next());
      return out;
    }
    while (read.at < read.text.length) {
      page += read.next();
      var m = read.next(), dropped = m ? codes(m - 1) : null;
      changes.set(page, [dropped, codes(read.next())]);
    }
    if (!changes.size) return text;
    var main = new Postings(text), out = [], last = 0, k = 0;
    var pages = Array.from(changes.keys()).sort(function (a, b) { return a - b; });
    function copyTo(p) {
      for (; k < main.pages.length && main.pages[k] < p; k++) {
        out.push(varint(main.pages[k] - last) + text.slice(main.at[k], main.end[k]));
        last = main.pages[k];
      }
    }
    pages.forEach(function (p) {
      copyTo(p);
      var change = changes.get(p), held = main.pages[k] === p, now = change[1];
      if (change[0]) {
        var kept = new Set(held ? main.codes(k) : []);
        change[0].forEach(function (c) { kept.delete(c); });
        change[1].forEach(function (c) { kept.add(c); });
        now = Array.from(kept).sort(function (a, b) { return a - b; });
      }
      if (now.length) { out.push(varint(p - last) + varint(now.length) + deltas(now)); last = p; }
      if (held) k++;
    });
    copyTo(Infinity);
    return out.join("");
  }
  window.searchAnalyzer = {queryTerms: queryTerms, indexTerms: indexTerms, squeezed: squeezed,
                           termHash: termHash, numbers: numbers, Postings: Postings,
                           merge: merge};

  /* The search page runs this script inline in its <head>, before the stylesheet (which
     would hold it back) and before the page's body exists: the query in the URL starts
     fetching at once, and the page is filled in when its body is there (`start`). The
     site root (data-root) is the script's own attribute (or, on a site's older search
     page loading it at the end of its body, its form's); without it (a test loading the
     analyzer alone) nothing else runs. */
  var script = document.currentScript, oldForm = document.getElementById("search");
  var rootPath = script && script.hasAttribute("data-root") ? script.getAttribute("data-root")
    : oldForm && oldForm.getAttribute("data-root");
  if (rootPath === null || rootPath === undefined) return;
  var root = new URL(rootPath, window.location.href).href;
  var base = root + "search/index/";
  function mark(step) { if (window.searchMarks) window.searchMarks.push([step, performance.now()]); }
  var loaded = {};
  /* An index file's JSON; a unit file's (".bin") is compressed (zlib's deflate,
     generator/search/index.py), inflated here by the browser, or where it has no
     DecompressionStream (Safari < 16.4, older WebViews) by assets/inflate.js, loaded then. */
  var inflater = null;
  function inflated(r) {
    if (window.DecompressionStream)
      return new Response(r.body.pipeThrough(new DecompressionStream("deflate"))).json();
    inflater = inflater || new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = root + "assets/inflate.js";
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
    return Promise.all([r.arrayBuffer(), inflater]).then(function (got) {
      return JSON.parse(new TextDecoder().decode(window.searchInflate(got[0])));
    });
  }
  function load(path) {
    if (!loaded[path]) loaded[path] = fetch(base + path).then(function (r) {
      if (!r.ok) throw new Error(path + ": " + r.status);
      return /\.bin$/.test(path) ? inflated(r) : r.json();
    }).then(function (data) { mark(path); return data; });
    return loaded[path];
  }

  /* The index's meta.json: set by meta.js, which the search page runs before this (a
     fetch's answer waited for the main thread to be free of the page's layout). */
  function loadMeta() {
    return window.searchMeta ? Promise.resolve(window.searchMeta) : load("meta.json");
  }
  /* A term's postings, from its term file and, after an edit, its delta file (`merge`),
     both fetched at once. */
  var postingsOf = {};
  function postings(meta, term) {
    var h = termHash(term);
    function file(dir, count) {
      return count ? load(dir + "/" + (h & (count - 1)).toString(16) + ".json") : Promise.resolve({});
    }
    return postingsOf[term] || (postingsOf[term] = Promise.all([
      file("t", meta.buckets), file("d", meta.delta)
    ]).then(function (files) {
      return new Postings(merge(files[0][term] || "", files[1][term], meta.gone));
    }));
  }
  function weight(code) { return code === 2 ? HEAD : WEIGHT[code & 3]; }

  /* [unit, weight] of the units holding every term (codes: each term's, ascending), a
     unit weighing what its weakest field does. */
  function together(codes) {
    var units = codes[0].map(function (c) { return [c >> 2, weight(c)]; });
    for (var i = 1; i < codes.length && units.length; i++) {
      var list = codes[i], k = 0, next = [];
      units.forEach(function (u) {
        while (k < list.length && list[k] >> 2 < u[0]) k++;
        if (k < list.length && list[k] >> 2 === u[0]) next.push([u[0], Math.min(u[1], weight(list[k]))]);
      });
      units = next;
    }
    return units;
  }
  /* [unit, weight] of the units holding any term, a unit weighing its terms' fields summed. */
  function anywhere(codes) {
    var units = new Map();
    codes.forEach(function (list) {
      list.forEach(function (c) { units.set(c >> 2, (units.get(c >> 2) || 0) + weight(c)); });
    });
    return Array.from(units);
  }
  /* The score of a page from its codes (a cursor for each term, the rarest first): the
     weight of its best unit holding every term, and a little for each more (up to 20);
     0: no unit holds them all. The same as `score(together(codes))`, without building
     the units, reading each list only as far as the first one reaches. */
  function exactScore(cursors) {
    var first = cursors[0], best = 0, count = 0;
    next: for (; first.code !== END; first.step()) {
      var unit = first.code >> 2, w = weight(first.code);
      for (var i = 1; i < cursors.length; i++) {
        var c = cursors[i];
        while (c.code >> 2 < unit) c.step();
        if (c.code === END) break next;
        if (c.code >> 2 !== unit) continue next;
        w = Math.min(w, weight(c.code));
      }
      count++;
      best = Math.max(best, w);
    }
    return count && best + Math.min(count, 20) / 100;
  }
  function score(units) {
    return units.reduce(function (a, u) { return Math.max(a, u[1]); }, 0) + Math.min(units.length, 20) / 100;
  }
  /* The pages holding every term (lists: the terms' postings, the rarest first): in one
     unit (`exact`: candidates the page checks against the text it shows), or anywhere in
     the page (the fallback), best first, each {page, at: its place in each list, score}.
     The lists are walked in step, each once; a page's codes are read only when every
     term is on it. */
  function match(lists, exact) {
    var at = lists.map(function () { return 0; }), out = [];
    lists[0].pages.forEach(function (page) {
      for (var i = 0; i < lists.length; i++) {
        var l = lists[i];
        while (l.pages[at[i]] < page) at[i]++;
        if (l.pages[at[i]] !== page) return;
      }
      var s = exact ? exactScore(lists.map(function (l, i) { return l.cursor(at[i]); }))
        : score(anywhere(lists.map(function (l, i) { return l.codes(at[i]); })));
      if (s) out.push({page: page, at: at.slice(), score: s});
    });
    return out.sort(function (a, b) { return b.score - a.score || a.page - b.page; });
  }
  /* A result's units, [unit, weight], best first. */
  function unitsOf(r, state) {
    var codes = state.lists.map(function (l, i) { return l.codes(r.at[i]); });
    return (state.exact ? together : anywhere)(codes).sort(function (a, b) {
      return b[1] - a[1] || a[0] - b[0];
    });
  }

  /* The exact matches of `query` (units holding all its terms) and its terms' postings,
     the rarest first, all fetched at once. */
  var early = null;  // [query, its search] started before the page's body was there
  function search(query) {
    if (early && early[0] === query) return early[1];
    var terms = queryTerms(query);
    if (!terms.length) return Promise.resolve(null);
    var meta;
    return loadMeta().then(function (data) {
      meta = data;
      return Promise.all(terms.map(function (t) { return postings(meta, t); }));
    }).then(function (lists) {
      mark("postings");
      lists.sort(function (a, b) { return a.pages.length - b.pages.length; });
      var exact = match(lists, true);
      mark("matched");
      return {meta: meta, terms: terms, lists: lists, exact: exact};
    });
  }

  /* The stretches of `text` that hold the query: its Han characters, letters and digits compared, the rest skipped. */
  function spans(text, needles) {
    var chars = [], where = [];
    for (var i = 0; i < text.length; i++) {
      var c = normalize(text[i]);
      if (/^[0-9a-z]$/.test(c) || HAN_CHAR.test(c)) { chars.push(c); where.push(i); }
    }
    var joined = chars.join(""), out = [];
    needles.forEach(function (needle) {
      for (var at = joined.indexOf(needle); needle && at >= 0; at = joined.indexOf(needle, at + 1))
        out.push([where[at], where[at + needle.length - 1] + 1]);
    });
    return out.sort(function (a, b) { return a[0] - b[0]; });
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }
  /* An excerpt around the first match, the matches in <mark>. */
  function excerpt(text, needles) {
    var found = spans(text, needles), from = 0, to = text.length, out = [];
    if (found.length) from = Math.max(0, found[0][0] - 20);
    if (to - from > 90) to = from + 90;
    var at = from;
    if (from > 0) out.push("…");
    found.forEach(function (s) {
      if (s[0] < at || s[1] > to) return;
      out.push(text.slice(at, s[0]), el("mark", {}, [text.slice(s[0], s[1])]));
      at = s[1];
    });
    out.push(text.slice(at, to) + (to < text.length ? "…" : ""));
    return out;
  }
  function pageUrl(path, anchor) {
    var url = new URL(path, root);
    if (anchor && anchor !== "main") url.hash = anchor;
    return url.href;
  }

  var status, list, more, filterBox, input;  // the page's elements, once it has them
  var current = null, shown = 0, chosen = {};

  /* What a shown unit must hold: each word of the query (split at white space) as typed,
     in any order (a 科目 is printed "2010301 行政运行" in one table, name first in another);
     in the fallback, its terms. */
  function needlesOf(state) {
    if (!state.exact) return state.terms;
    return state.query.split(/\s+/).map(squeezed).filter(function (w, i, all) {
      return w && all.indexOf(w) === i;
    });
  }
  /* Results as filtered: the filters' values (filters.json) are loaded once the first
     results are on screen, and a filter can be chosen only after that. */
  function filtered() {
    var names = current.meta.filters, pages = current.filters && current.filters.pages;
    return current.results.filter(function (r) {
      return !current.dropped.has(r.page) && (!pages || names.every(function (f, i) {
        return chosen[f] === undefined || String(pages[r.page * names.length + i]) === chosen[f];
      }));
    });
  }
  function showFilters(state) {
    if (state !== current) return;
    var meta = current.meta, data = current.filters;
    while (filterBox.firstChild) filterBox.removeChild(filterBox.firstChild);
    meta.filters.forEach(function (f, i) {
      var counts = new Map();
      current.results.forEach(function (r) {
        var v = data.pages[r.page * meta.filters.length + i];
        if (v >= 0) counts.set(v, (counts.get(v) || 0) + 1);
      });
      if (counts.size < 2 && chosen[f] === undefined) return;
      var select = el("select", {"aria-label": f, "data-filter": f}, [el("option", {value: ""}, ["全部" + f])]);
      Array.from(counts.keys()).sort(function (a, b) { return a - b; }).forEach(function (v) {
        var option = el("option", {value: String(v)}, [data.values[i][v] + "（" + counts.get(v) + "）"]);
        if (chosen[f] === String(v)) option.selected = true;
        select.appendChild(option);
      });
      select.addEventListener("change", function () {
        if (select.value) chosen[f] = select.value; else delete chosen[f];
        render(true);
      });
      filterBox.appendChild(select);
    });
    filterBox.hidden = !filterBox.firstChild;
  }
  function holdsAll(text, needles) {
    return needles.every(function (n) { return text.indexOf(n) >= 0; });
  }
  /* A result as shown: up to SUBS of its units, best first, from the file of its best
     unit (one small file a result). When the match is exact, a unit is shown only when
     its text holds the query; when no unit of that file does, the files of the next
     candidate units (up to MORE_FILES) are loaded; null: none of them does. */
  function resultItem(r, needles) {
    var chunk = current.meta.chunk, exact = current.exact, files = {}, head = null, order = [];
    var units = unitsOf(r, current);
    function fileOf(u) { return Math.floor(u[0] / chunk); }
    units.forEach(function (u) { if (order.indexOf(fileOf(u)) < 0) order.push(fileOf(u)); });
    function shown() {
      var out = [];
      units.forEach(function (u) {
        var file = files[fileOf(u)], unit = file && file.units[u[0] % chunk];
        if (out.length < SUBS && unit && (!exact || holdsAll(squeezed(unit[2]), needles)))
          out.push([file.strings[unit[0]], file.strings[unit[1]], unit[2]]);
      });
      return out;
    }
    function fetch(want) {
      return Promise.all(want.map(function (f) {
        return load("u/" + r.page + "-" + f + ".bin");
      })).then(function (loaded) {
        want.forEach(function (f, k) { files[f] = loaded[k]; head = head || loaded[k].page; });
      });
    }
    return fetch(order.slice(0, 1)).then(function () {
      if (!shown().length) return fetch(order.slice(1, 1 + MORE_FILES));
    }).then(function () {
      var subs = shown();
      if (!subs.length) return null;
      var ul = el("ul");
      subs.forEach(function (unit) {
        var label = unit[1] && unit[0] !== "main" ? [el("span", {"class": "meta"}, [unit[1] + "："])] : [];
        ul.appendChild(el("li", {}, label.concat([el("a", {href: pageUrl(head[0], unit[0])}, excerpt(unit[2], needles))])));
      });
      var facts = head[2] && head[2].length ? [el("div", {"class": "meta"}, [head[2].join(" · ")])] : [];
      return el("li", {}, [el("a", {"class": "result-title", href: pageUrl(head[0])}, [head[1]])]
                .concat(facts, [ul]));
    });
  }
  /* The next results, PER_PAGE of them, each checked against its text: a result whose
     units do not hold the string is dropped and the next ones are tried, in at most
     ROUNDS rounds of fetches, each trying more (the rest wait for 更多结果). The files
     of a round are fetched at once and each result is shown as soon as it and those
     ranked above it are there, in rank order: the first results do not wait for the
     slowest file (window.searchFirstAt: when the first one was shown). */
  function render(reset) {
    if (reset) {
      shown = 0;
      while (list.firstChild) list.removeChild(list.firstChild);
    }
    var needles = needlesOf(current), added = 0, round = 0, state = current;
    function place(item, r) {
      if (state !== current) return;  // another query meanwhile: its results, not these
      if (item && added < PER_PAGE) {
        list.appendChild(item);
        if (!added++ && !window.searchFirstAt) { window.searchFirstAt = performance.now(); mark("first"); }
      } else if (item) shown--;
      else { current.dropped.add(r.page); shown--; }
    }
    function batch() {
      mark("batch");
      var results = filtered(), page = results.slice(shown, shown + (PER_PAGE - added) * ++round);
      shown += page.length;
      var items = page.map(function (r) { return resultItem(r, needles); });
      return page.reduce(function (placed, r, k) {
        return placed.then(function () { return items[k]; }).then(function (item) { place(item, r); });
      }, Promise.resolve()).then(function () {
        if (state === current && added < PER_PAGE && shown < filtered().length && round < ROUNDS)
          return batch();
      });
    }
    return batch().then(function () {
      var count = filtered().length;
      var text = "“" + current.query + "”：" + (count ? count + " 个页面" : "没有找到结果");
      if (count && !current.exact)
        text = "没有与“" + current.query + "”完全一致的结果；以下 " + count + " 个页面包含其中全部字词";
      status.textContent = text;
      more.hidden = shown >= count;
    });
  }
  function run(query, push) {
    window.searchStartAt = window.searchStartAt || performance.now();
    window.searchShownAt = window.searchFirstAt = null;
    query = query.trim();
    input.value = query;
    var header = document.getElementById("site-search-q");
    if (header) header.value = query;
    // The URL keeps the query, written once the results are on screen: a history entry
    // costs the browser more than the search (none for the URL it shows already).
    function remember() {
      var url = new URL(window.location.href);
      if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
      if (push) window.history.pushState(null, "", url);
      else if (url.href !== window.location.href) window.history.replaceState(null, "", url);
    }
    chosen = {};
    var found;
    function show(results, exact) {
      current = {meta: found.meta, terms: found.terms, lists: found.lists, exact: exact,
                 results: results, query: query, dropped: new Set()};
      filterBox.hidden = true;
      return render(true).then(function () { return current; });
    }
    var searching = search(query);
    early = null;
    return searching.then(function (result) {
      found = result;
      if (!found) {
        current = null;
        while (list.firstChild) list.removeChild(list.firstChild);
        filterBox.hidden = true;
        more.hidden = true;
        return remember();
      }
      var exact = found.exact.length ? show(found.exact, true) : Promise.resolve(null);
      return exact.then(function (state) {
        // the fallback: no unit holds the string (units held its terms, not side by side)
        return state && filtered().length ? state : show(match(found.lists, false), false);
      }).then(function (state) {
        window.searchShownAt = performance.now();
        mark("shown");
        setTimeout(remember, 0);  // after the task that shows the results: they paint first
        if (state.results.length < 2) return;
        return load("filters.json").then(function (data) { state.filters = data; showFilters(state); },
                                         function () { /* no filters: the results stand */ });
      });
    }).catch(function () {
      status.textContent = "搜索索引不可用（本站构建时未建立搜索索引）。请按部门或科目浏览。";
      remember();
    }).then(function () {
      window.searchDoneAt = window.searchShownAt || performance.now();
      document.body.setAttribute("data-search-done", query);
    });
  }
  var q = (new URLSearchParams(window.location.search).get("q") || "").trim();
  if (q) {
    window.searchStartAt = performance.now();
    early = [q, search(q)];
    early[1].catch(function () { /* said by run, once the page is there */ });
  } else {
    loadMeta().catch(function () {});
  }
  function start() {
    var form = document.getElementById("search");
    status = document.getElementById("search-status");
    list = document.getElementById("search-results");
    more = document.getElementById("search-more");
    filterBox = document.getElementById("search-filters");
    input = document.getElementById("search-q");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      run(input.value, true);
    });
    more.addEventListener("click", function () { render(false); });
    window.addEventListener("popstate", function () {
      run(new URLSearchParams(window.location.search).get("q") || "", false);
    });
    window.searchRun = run;
    if (q) run(q, false); else input.focus();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
