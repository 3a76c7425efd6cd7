/* The search page: Pagefind's UI over the bundle in <site root>/pagefind/, with the
   shards a big site is indexed in (listed in pagefind/shards.json) merged into it.
   The site root comes from a relative link rendered into the page (data-root), so the
   same page works at / and under any subpath. The query is kept in ?q= so that the
   header's plain GET form lands here with results, and a result page's back button
   returns to the same search. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) return;
  if (typeof PagefindUI === "undefined") {
    document.getElementById("search-unavailable").hidden = false;
    return;
  }
  var root = new URL(box.getAttribute("data-root"), window.location.href).pathname;
  var params = new URLSearchParams(window.location.search);
  var current = "";

  /* Pagefind's UI shows the three sub-results with the most matches, which for a long page
     are its long sections; show first the headings that name what was searched (a project's
     own entry), then the sections where the matches weigh most. */
  function bestSubResults(result) {
    var subs = result.sub_results || [];
    if (subs.length <= 3) return result;
    var page = subs[0].url === result.url ? [subs[0]] : [];
    var term = current.replace(/\s+/g, "");
    function score(s) {
      var named = term && s.title.replace(/\s+/g, "").indexOf(term) >= 0 ? 1e12 : 0;
      return named + (s.weighted_locations || []).reduce(function (sum, l) {
        return sum + l.balanced_score;
      }, 0);
    }
    var rest = subs.slice(page.length).sort(function (a, b) { return score(b) - score(a); });
    result.sub_results = page.concat(rest.slice(0, 3));
    return result;
  }
  function start(shards) {
    var ui = new PagefindUI({
      element: "#search",
      bundlePath: root + "pagefind/",
      mergeIndex: shards.map(function (path) {
        return {bundlePath: root + "pagefind/" + path, baseUrl: root};
      }),
      baseUrl: root,
      showSubResults: true,
      showImages: false,
      excerptLength: 24,
      resetStyles: false,
      autofocus: !params.get("q"),
      processResult: bestSubResults,
      processTerm: function (term) {
        current = term || "";
        var url = new URL(window.location.href);
        if (term) url.searchParams.set("q", term); else url.searchParams.delete("q");
        window.history.replaceState(null, "", url);
        return term;
      }
    });
    var header = document.getElementById("site-search-q");
    if (header) header.value = params.get("q") || "";
    if (params.get("q")) ui.triggerSearch(params.get("q"));
  }
  /* A site within one shard has none to merge; a missing list is read as that. */
  fetch(root + "pagefind/shards.json")
    .then(function (r) { return r.ok ? r.json() : {shards: []}; })
    .catch(function () { return {shards: []}; })
    .then(function (list) { start(list.shards || []); });
})();
