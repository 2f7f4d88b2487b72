// After a refused form, move the keyboard and screen-reader focus to the error summary
// (DKFDS: the summary is focusable, tabindex="-1"). Self-hosted, no inline script (CSP).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("fejlopsummering");
  if (summary) {
    summary.focus();
  }
});
