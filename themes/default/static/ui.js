// The theme's one script. The header's menu on narrow screens: one row (brand, search, menu button); the button opens
// the navigation below it. Without JavaScript the navigation simply shows, wrapped.
(function () {
  var button = document.querySelector(".menu-toggle");
  var nav = document.getElementById("site-nav");
  if (!button || !nav) return;
  document.documentElement.classList.add("has-menu");
  button.hidden = false;
  function set(open) {
    button.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  }
  button.addEventListener("click", function () {
    set(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && nav.classList.contains("open")) { set(false); button.focus(); }
  });
})();
// An article image that cannot load (offline, link rot, no https on its host) collapses to a
// one-line link to its original instead of leaving a blank box.
(function () {
  var label = (document.body && document.body.getAttribute("data-image-label")) || "Image";
  function collapse(img) {
    if (!img || img.getAttribute("data-collapsed")) return;
    var box = img.closest(".body, .lead");
    if (!box) return;
    img.setAttribute("data-collapsed", "1");
    var original = img.getAttribute("data-original") || img.getAttribute("src") || "";
    var link = document.createElement("a");
    link.className = "img-fallback";
    link.href = original;
    link.rel = "noopener noreferrer external";
    var alt = (img.getAttribute("alt") || "").trim();
    var colon = /[\u3000-\u9fff]$/.test(label) ? "：" : ": ";  // a Chinese label, a Chinese colon
    link.textContent = label + (alt ? colon + alt : "") + " ↗";
    var wrapper = img.parentElement && img.parentElement.tagName === "A" &&
      img.parentElement.children.length === 1 ? img.parentElement : img;
    wrapper.hidden = true;  // kept, hidden: the page's markup stays what the build wrote
    wrapper.insertAdjacentElement("afterend", link);
  }
  // errors before this script ran: the image is complete but has no size
  function sweep() {
    var imgs = document.querySelectorAll(".body img, .lead img");
    for (var i = 0; i < imgs.length; i++) {
      if (imgs[i].complete && imgs[i].naturalWidth === 0 && imgs[i].getAttribute("src")) collapse(imgs[i]);
    }
  }
  document.addEventListener("error", function (e) {
    if (e.target && e.target.tagName === "IMG") collapse(e.target);
  }, true);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", sweep);
  else sweep();
  window.addEventListener("load", sweep);
})();
