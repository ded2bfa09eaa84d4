// Progressive enhancement only: the theme link works without JavaScript (it sets a cookie
// through /prefs and reloads). With JavaScript the theme flips in place, no round trip.
(function () {
  "use strict";
  var link = document.querySelector("[data-theme-toggle]");
  if (!link) { return; }
  link.addEventListener("click", function (event) {
    event.preventDefault();
    var root = document.documentElement;
    var current = root.getAttribute("data-theme");
    if (!current) {
      current = window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
    }
    var next = current === "dark" ? "light" : "dark";
    root.setAttribute("data-theme", next);
    document.cookie = "theme=" + next + "; path=/; max-age=31536000; samesite=lax";
  });
})();
