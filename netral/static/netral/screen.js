// The ceremony screen: fetches the running count every few seconds and redraws it in place.
// The units come worst first; when they do not all fit the screen they are shown a page at a
// time, turning every few seconds, so the page never scrolls.
(function () {
  var screen = document.getElementById("live-screen");
  if (!screen) return;
  var seconds = Number(screen.dataset.seconds) || 5;
  var pageSeconds = Number(screen.dataset.pageSeconds) || 8;
  var list = document.getElementById("screen-bars");
  var pageLabel = document.getElementById("screen-page");
  var units = JSON.parse(document.getElementById("screen-units").textContent);
  var page = 0, pages = 1;
  var SVG = "http://www.w3.org/2000/svg";

  function text(id, value) { document.getElementById(id).textContent = value; }
  // The page's language groups thousands as the server did: 8.100 in Indonesian (EYD V).
  var language = document.documentElement.lang || "id";
  function count(value) { return Number(value).toLocaleString(language); }
  function row(unit) {
    var item = document.createElement("li");
    var label = document.createElement("span");
    label.className = "hall-unit-name";
    label.textContent = unit.name;
    // An SVG bar: its width is an attribute, not an inline style the policy would refuse.
    var track = document.createElementNS(SVG, "svg");
    track.setAttribute("class", "screen-bar");
    track.setAttribute("viewBox", "0 0 100 1");
    track.setAttribute("preserveAspectRatio", "none");
    track.setAttribute("aria-hidden", "true");
    var fill = document.createElementNS(SVG, "rect");
    fill.setAttribute("width", String(unit.percent));
    fill.setAttribute("height", "1");
    track.appendChild(fill);
    var figure = document.createElement("span");
    figure.className = "hall-unit-figure";
    figure.textContent = count(unit.signed) + "/" + count(unit.eligible);
    item.append(label, track, figure);
    return item;
  }
  function draw() {
    // Every row first, to count how many fit; then only the current page's rows.
    var rows = units.map(row);
    list.replaceChildren.apply(list, rows);
    var bottom = list.getBoundingClientRect().top + list.clientHeight + 0.5;
    var fit = rows.filter(function (item) { return item.getBoundingClientRect().bottom <= bottom; }).length;
    if (fit >= rows.length) {
      pages = 1;
      pageLabel.textContent = "";
      return;
    }
    fit = Math.max(fit, 1);
    pages = Math.ceil(rows.length / fit);
    page = page % pages;
    list.replaceChildren.apply(list, rows.slice(page * fit, (page + 1) * fit));
    pageLabel.textContent = "(" + (page + 1) + "/" + pages + ")";
  }
  function turn() {
    if (pages > 1) {
      page += 1;
      draw();
    }
    setTimeout(turn, pageSeconds * 1000);
  }
  function poll() {
    fetch(screen.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (numbers) {
        text("screen-signed", count(numbers.signed));
        text("screen-eligible", count(numbers.eligible));
        text("screen-percent", Number(numbers.percent).toLocaleString(language, {
          minimumFractionDigits: 1, maximumFractionDigits: 1 }));
        text("screen-time", numbers.at);
        units = numbers.units;
        draw();
      })
      .catch(function () {})
      .finally(function () { setTimeout(poll, seconds * 1000); });
  }
  window.addEventListener("resize", draw);
  draw();
  setTimeout(turn, pageSeconds * 1000);
  setTimeout(poll, seconds * 1000);
})();
