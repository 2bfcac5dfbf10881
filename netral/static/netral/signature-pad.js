// An optional drawn signature: strokes on a canvas, sent as a PNG data URL in a hidden field.
// Without JavaScript the pad stays hidden and the form works with the typed name alone.
(function () {
  var box = document.getElementById("signature-pad");
  var canvas = document.getElementById("pad");
  var field = document.querySelector("input[name=drawn_signature]");
  if (!box || !canvas || !field || !canvas.getContext) return;
  box.hidden = false;
  var context = canvas.getContext("2d");
  context.lineWidth = 3;
  context.lineCap = "round";
  context.strokeStyle = "#1b1f23";
  var drawing = false, drawn = false;

  function point(event) {
    var box = canvas.getBoundingClientRect();
    return {
      x: (event.clientX - box.left) * (canvas.width / box.width),
      y: (event.clientY - box.top) * (canvas.height / box.height)
    };
  }
  canvas.addEventListener("pointerdown", function (event) {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    var p = point(event);
    context.beginPath();
    context.moveTo(p.x, p.y);
    event.preventDefault();
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) return;
    var p = point(event);
    context.lineTo(p.x, p.y);
    context.stroke();
    drawn = true;
    event.preventDefault();
  });
  function finish() {
    if (!drawing) return;
    drawing = false;
    if (drawn) field.value = canvas.toDataURL("image/png");
  }
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  document.getElementById("pad-clear").addEventListener("click", function () {
    context.clearRect(0, 0, canvas.width, canvas.height);
    field.value = "";
    drawn = false;
  });
})();
