/* A minute before an unused session ends, say so and offer to keep it (auth/idle.py ends it on
   the server whatever this script does; this only spares a person a lost form). */
(function () {
  "use strict";
  var box = document.getElementById("session-warning");
  var idle = box ? Number(box.getAttribute("data-idle-seconds")) : 0;
  if (!idle) { return; }
  var warnAfter = Math.max(idle - 60, 1) * 1000;
  var warnTimer = null;
  var endTimer = null;
  var button = box.querySelector("button");

  function schedule() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    box.hidden = true;
    warnTimer = window.setTimeout(warn, warnAfter);
  }

  function warn() {
    box.hidden = false;
    button.focus();
    // when the minute is up, show the sign-in page and its message
    endTimer = window.setTimeout(function () { window.location.reload(); }, idle * 1000 - warnAfter + 1000);
  }

  button.addEventListener("click", function () {
    window.fetch(box.getAttribute("data-keep-url"), {
      method: "POST",
      credentials: "same-origin",
      // the sign-out form in the header carries this session's token
      headers: { "X-CSRFToken": document.querySelector("input[name=csrf_token]").value }
    }).then(function (answer) {
      if (answer.status === 204) { schedule(); } else { window.location.reload(); }
    }, function () { window.location.reload(); });
  });
  schedule();
}());
