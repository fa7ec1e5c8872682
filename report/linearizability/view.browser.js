// The linearizability page's script, run in the browser (report/linearizability/page.ts inlines it into the page):
// the counterexample selector, opening a partition named in the URL's #fragment, expand / collapse all.
(function () {
  document.addEventListener("change", function (e) {
    var s = e.target;
    if (!s || !s.classList || !s.classList.contains("cex-select")) return;
    var part = s.closest(".partition");
    if (!part) return;
    part.querySelectorAll("[data-cex]").forEach(function (el) {
      el.style.display = el.getAttribute("data-cex") === s.value ? "" : "none";
    });
  });
  function openFromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id ? document.getElementById(id) : null;
    if (el && el.tagName === "DETAILS") el.open = true;
  }
  window.addEventListener("hashchange", openFromHash);
  openFromHash();
  function setAll(open) {
    document.querySelectorAll("details.partition").forEach(function (d) { d.open = open; });
  }
  var ex = document.getElementById("expand-all");
  var co = document.getElementById("collapse-all");
  if (ex) ex.addEventListener("click", function () { setAll(true); });
  if (co) co.addEventListener("click", function () { setAll(false); });
})();
