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
