// Search page: Pagefind's UI over the static index, with company/theme/year filters.
(function () {
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") return;
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: box.getAttribute("data-bundle"),
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    translations: { placeholder: "搜索 Search…", zero_results: "没有找到 [SEARCH_TERM] · No results for [SEARCH_TERM]" }
  });
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) ui.triggerSearch(q);
})();
