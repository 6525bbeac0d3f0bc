// Widths and heights computed by the server (progress bars, chart canvases) come as data-width (percent) and
// data-height (px): the Content-Security-Policy forbids style attributes in the markup, and styles set
// through the CSSOM, as here, are allowed.
function applySizes(root) {
  (root || document).querySelectorAll("[data-width]").forEach(function (element) {
    element.style.width = element.dataset.width + "%";
  });
  (root || document).querySelectorAll("[data-height]").forEach(function (element) {
    element.style.height = element.dataset.height + "px";
  });
}
applySizes(document);
document.addEventListener("DOMContentLoaded", function () {
  applySizes(document);
});

// Directory filters: choosing a city clears the county and reloads so that only its counties are offered.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-clears]").forEach(function (select) {
    select.addEventListener("change", function () {
      var other = select.form.elements[select.dataset.clears];
      if (other) {
        other.value = "";
      }
      select.form.submit();
    });
  });
});

// Steps that cannot be undone (上报, 审定入选, 已完工, 发布, deleting a draft) ask first and say what will change:
// the data-confirm of the button pressed, else of its form.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var text = (button && button.dataset && button.dataset.confirm) || (form.dataset && form.dataset.confirm);
  if (text && !window.confirm(text)) {
    event.preventDefault();
  }
});
