// Annual assessment pages: the job's progress bar and the notice's print button. No library, no CDN.

// While the job is queued or running, ask the progress endpoint every second; reload the page when done.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("job-progress");
  if (!box || box.dataset.active !== "1") {
    return;
  }
  var bar = document.getElementById("job-bar");
  var track = document.getElementById("job-progressbar");
  var percent = document.getElementById("job-percent");
  var state = document.getElementById("job-state");
  var message = document.getElementById("job-message");
  var runButton = document.getElementById("run-button");

  function show(data) {
    var value = Math.max(0, Math.min(100, data.job_progress || 0));
    bar.style.width = value + "%";
    track.setAttribute("aria-valuenow", String(value));
    percent.textContent = value + "%";
    state.textContent = data.job_state_label;
    message.textContent = data.job_message || "";
  }

  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.job_state === "done" || data.job_state === "failed" || data.job_state === "idle") {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        // A network hiccup: try again a little later.
        window.setTimeout(poll, 3000);
      });
  }

  if (runButton) {
    runButton.disabled = true;
  }
  window.setTimeout(poll, 1000);
});

// The printable notice: a button that opens the browser's print dialog.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
