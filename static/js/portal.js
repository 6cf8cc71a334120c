/* Behaviour shared by every page, kept out of the templates (the Content-Security-Policy
   allows no inline script, handler or style attribute). */
(function () {
  "use strict";
  function init(root) {
    // A select that submits its form when changed (the language switch).
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      if (select.dataset.autosubmitBound) { return; }
      select.dataset.autosubmitBound = "1";
      select.addEventListener("change", function () { select.form.submit(); });
    });
    // Progress bars: their width is data, set through the CSSOM (allowed), not a style attribute.
    root.querySelectorAll("[data-bar-width]").forEach(function (bar) {
      var width = Math.max(0, Math.min(100, parseFloat(bar.dataset.barWidth) || 0));
      bar.style.width = width + "%";
    });
  }
  // After a save, the page scrolls back to the section saved (set by the server).
  function scrollToSaved() {
    var marker = document.querySelector("[data-scroll-to]");
    var target = marker && document.getElementById(marker.dataset.scrollTo);
    if (target) { target.scrollIntoView(); }
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); scrollToSaved(); });
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();
