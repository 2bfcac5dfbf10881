// Kiosk mode: after a while without a touch or a key the signer's session is ended (the hidden
// form posts to the finish URL) and the tablet is back at the start page. The server ends the
// session on its own clock too; this only makes the screen follow.
(function () {
  var form = document.getElementById("kiosk-reset");
  if (!form) return;
  var seconds = Number(form.dataset.idleSeconds) || 60;
  var timer = null;
  function typed() {
    return Array.prototype.some.call(document.querySelectorAll("input, textarea"), function (field) {
      if (field.type === "hidden" || field.type === "submit") return false;
      if (field.type === "checkbox" || field.type === "radio") return field.checked;
      return field.value !== "";
    });
  }
  function idle() {
    // An untouched start page has nothing to clear: wait again instead of reloading it.
    if (form.hasAttribute("data-start-page") && !typed()) { arm(); return; }
    form.submit();
  }
  function arm() {
    clearTimeout(timer);
    timer = setTimeout(idle, seconds * 1000);
  }
  ["pointerdown", "keydown", "input", "touchstart", "scroll"].forEach(function (name) {
    window.addEventListener(name, arm, { capture: true, passive: true });
  });
  // A page brought back by the back button from the browser's memory is asked for again.
  window.addEventListener("pageshow", function (event) { if (event.persisted) location.reload(); });
  arm();
})();
