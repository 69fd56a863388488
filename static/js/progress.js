/* A page waiting for long work (disclosure/work.py) asks every few seconds where it stands and
   reloads itself when it is done or failed. Without this script, reloading shows the same. */
(function () {
  "use strict";
  var box = document.querySelector("[data-poll]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-poll");
  var tries = 0;
  // Polls are not activity (auth/idle.py passive): an unused session still ends on time, and
  // the poll then stops getting answers. Twenty minutes is longer than any compilation.
  var maxTries = 400;

  function poll() {
    tries += 1;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        box.textContent = state.words;
        if (state.ready || state.status === "failed") {
          window.location.reload();
        } else if (tries < maxTries) {
          window.setTimeout(poll, 3000);
        }
      })
      .catch(function () { /* a missed poll: reloading the page still shows where it stands */ });
  }
  window.setTimeout(poll, 3000);
})();
