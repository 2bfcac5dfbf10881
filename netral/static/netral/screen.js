// The ceremony screen: fetches the running count every few seconds and redraws it in place.
(function () {
  var screen = document.getElementById("live-screen");
  if (!screen) return;
  var seconds = Number(screen.dataset.seconds) || 5;
  function text(id, value) { document.getElementById(id).textContent = value; }
  function bars(units) {
    var list = document.getElementById("screen-bars");
    list.replaceChildren();
    units.forEach(function (unit) {
      var item = document.createElement("li");
      var label = document.createElement("span");
      label.className = "screen-bar-label";
      label.textContent = unit.name;
      var track = document.createElement("span");
      track.className = "screen-bar";
      var fill = document.createElement("span");
      fill.style.width = unit.percent + "%";
      track.appendChild(fill);
      var figure = document.createElement("span");
      figure.className = "screen-bar-figure";
      figure.textContent = unit.signed + "/" + unit.eligible;
      item.append(label, track, figure);
      list.appendChild(item);
    });
  }
  function poll() {
    fetch(screen.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (numbers) {
        text("screen-signed", numbers.signed);
        text("screen-eligible", numbers.eligible);
        text("screen-percent", numbers.percent);
        text("screen-time", numbers.at);
        bars(numbers.units);
      })
      .catch(function () {})
      .finally(function () { setTimeout(poll, seconds * 1000); });
  }
  setTimeout(poll, seconds * 1000);
})();
