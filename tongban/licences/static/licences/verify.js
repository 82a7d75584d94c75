// The verify page opened from a wallet QR code: the presentation is in the URL fragment
// (#p=...), which browsers never send to the server. Post it through the page's own form
// (the same as pasting it), and drop the fragment from the address bar and history first.
// Without JavaScript the form still works: the verifier pastes the code.
(function () {
  "use strict";
  var match = /^#p=([A-Za-z0-9_.~%-]+)$/.exec(window.location.hash);
  if (!match) {
    return;
  }
  var start = function () {
    var form = document.getElementById("verify-form");
    var box = document.getElementById("code");
    if (!form || !box) {
      return;
    }
    var code;
    try {
      code = decodeURIComponent(match[1]);
    } catch (error) {
      return;
    }
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    box.value = code;
    form.submit();
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
