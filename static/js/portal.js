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

// Forms that cannot be undone (deleting a draft) ask first.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
