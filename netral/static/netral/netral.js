// Behaviour every page may use, declared in the markup (the Content-Security-Policy allows no
// inline script or on*= attribute):
// - data-confirm="question" on a button or link: asks first; "Cancel" stops the click;
// - data-print on a button: prints the page;
// - data-submit-once on a form: its submit button is disabled once pressed (the server refuses
//   a second copy anyway).
(function () {
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var asking = target.closest("[data-confirm]");
    if (asking && !window.confirm(asking.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    if (target.closest("[data-print]")) window.print();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) return;
    var buttons = form.querySelectorAll("button:not([type=button]), input[type=submit]");
    // After this turn of the event loop: a button disabled now would drop its name and value.
    setTimeout(function () {
      Array.prototype.forEach.call(buttons, function (button) { button.disabled = true; });
    }, 0);
  });
})();
