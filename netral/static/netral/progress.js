// Polls a job's status, moves the progress bar and says what the job is doing; reloads the
// page when the job is done.
(function () {
  var box = document.getElementById("job-progress");
  if (!box) return;
  var bar = box.querySelector("progress");
  var label = box.querySelector(".progress-label");
  var status = document.getElementById("job-status-label");
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        bar.value = state.progress;
        label.textContent = state.progress + "%";
        if (status && state.label) { status.textContent = state.label; }
        if (state.pending) { setTimeout(poll, 1000); } else { window.location.reload(); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
