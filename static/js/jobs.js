// Tracked jobs (我的任务, a job's page): every [data-job-poll] element asks the API for its job's state every
// two seconds while it is queued or running, moves its bar and message, and reloads the page once the job has
// ended (so that its download link or error appears). Without JavaScript the page shows the state of its load.
(function () {
  "use strict";

  var INTERVAL = 2000;
  var ENDED = { done: true, failed: true, cancelled: true };

  function poll(element) {
    var url = element.getAttribute("data-job-poll");
    var bar = element.querySelector("[data-job-bar]");
    var figure = element.querySelector("[data-job-progress]");
    var state = element.querySelector("[data-job-state]");
    var message = element.querySelector("[data-job-message]");

    function ask() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (job) {
          bar.style.width = job.progress + "%";
          bar.parentNode.setAttribute("aria-valuenow", String(job.progress));
          figure.textContent = job.progress + "%";
          state.textContent = job.state_label;
          message.textContent = job.stale_reason || job.message;
          if (ENDED[job.state]) {
            window.location.reload();
          } else {
            window.setTimeout(ask, INTERVAL);
          }
        })
        .catch(function () {
          window.setTimeout(ask, INTERVAL * 5);
        });
    }

    window.setTimeout(ask, INTERVAL);
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-job-poll]"), poll);
})();
