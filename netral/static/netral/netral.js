// Behaviour every page may use, declared in the markup (the Content-Security-Policy allows no
// inline script or on*= attribute):
// - data-confirm="question" on a button or link: asks first; "Cancel" stops the click;
// - data-print on a button: prints the page;
// - data-submit-once on a form: its submit button is disabled once pressed (the server refuses
//   a second copy anyway);
// - data-copy="text" or data-copy-from="element id" on a button: copies the text, then shows
//   the button's data-copied label for a moment;
// - data-fold-on-phone on an open <details>: closed on a narrow screen, so a long menu does not
//   fill half of a phone's first screen.
(function () {
  function copied(button) {
    var label = button.textContent;
    button.textContent = button.getAttribute("data-copied") || label;
    setTimeout(function () { button.textContent = label; }, 2000);
  }
  function copy(button, text) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { copied(button); });
      return;
    }
    // Plain http on the office network: the older way, through a selected text field.
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "visually-hidden";
    document.body.appendChild(field);
    field.select();
    try { if (document.execCommand("copy")) copied(button); } finally { field.remove(); }
  }
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
    var copying = target.closest("[data-copy], [data-copy-from]");
    if (copying) {
      var source = copying.getAttribute("data-copy-from");
      var from = source ? document.getElementById(source) : null;
      copy(copying, from ? from.value || from.textContent : copying.getAttribute("data-copy"));
    }
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

// - data-searchable="label" on a select: a search box before it hides the options that do not
//   match, so a list of hundreds of units can be narrowed by typing (parents' names included).
(function () {
  function normalise(text) { return text.toLowerCase().replace(/\s+/g, " ").trim(); }
  Array.prototype.forEach.call(document.querySelectorAll("select[data-searchable]"), function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-search";
    box.setAttribute("aria-label", select.getAttribute("data-searchable"));
    box.placeholder = select.getAttribute("data-searchable");
    if (select.id) box.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var wanted = normalise(box.value);
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = wanted !== "" && !option.selected && option.value !== "" &&
          normalise(option.textContent).indexOf(wanted) === -1;
      });
    });
  });
})();

(function () {
  if (!window.matchMedia("(max-width: 40rem)").matches) return;
  Array.prototype.forEach.call(document.querySelectorAll("details[data-fold-on-phone]"), function (details) {
    details.open = false;
  });
})();
