// Progressive enhancement only: every page works without this file.
// After a save, bring the saved fact into view (the server redirects to #<fact key>).
document.addEventListener("DOMContentLoaded", function () {
  var saved = document.getElementById("saved");
  if (saved && window.location.hash) {
    var target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (target) { target.scrollIntoView(); }
  }
});
