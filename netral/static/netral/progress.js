// Polls a job's status and moves the progress bar; reloads the page when the job is done.
(function () {
  var box = document.getElementById("job-progress");
  if (!box) return;
  var bar = box.querySelector("progress");
  var label = box.querySelector(".progress-label");
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        bar.value = state.progress;
        label.textContent = state.progress + "%";
        if (state.pending) { setTimeout(poll, 1000); } else { window.location.reload(); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
