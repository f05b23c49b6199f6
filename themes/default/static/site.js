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
    excerptLength: 40,
    translations: { placeholder: "搜索 Search…", zero_results: "没有找到 [SEARCH_TERM] · No results for [SEARCH_TERM]" }
  });
  // Pagefind's input is labelled only by its title; tie it to the page's visible label.
  var label = document.querySelector(".search-label");
  function labelInput() {
    var input = box.querySelector("input.pagefind-ui__search-input");
    if (!input) return false;
    input.id = "search-input";
    input.removeAttribute("title");
    if (label) { label.htmlFor = "search-input"; label.hidden = false; }
    return true;
  }
  if (!labelInput() && "MutationObserver" in window) {
    var watch = new MutationObserver(function () { if (labelInput()) watch.disconnect(); });
    watch.observe(box, { childList: true, subtree: true });
  }
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) ui.triggerSearch(q);
})();
