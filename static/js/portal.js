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

// Town fields offer towns as they are typed, never every town of the country as options: the datalist of an
// input[data-suggest] is filled from its URL (?q=…, with the form's fields that data-suggest-scope names, such
// as the chosen city and county). Without script the field still takes a town's code or its exact name.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var asked = "";
    if (!list) {
      return;
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var typed = input.value.trim();
        if (!typed || typed === asked) {
          return;
        }
        asked = typed;
        var params = new URLSearchParams({ q: typed });
        (input.dataset.suggestScope || "").split(" ").forEach(function (name) {
          var field = name && input.form ? input.form.elements[name] : null;
          if (field && field.value) {
            params.set(name, field.value);
          }
        });
        if (input.dataset.suggestDesignated) {
          params.set("designated", "1");
        }
        fetch(input.dataset.suggest + "?" + params.toString(), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (data) {
            if (input.value.trim() !== typed) {
              return;
            }
            var options = data.results.map(function (town) {
              var option = document.createElement("option");
              option.value = town.code;
              option.textContent = town.label;
              return option;
            });
            list.replaceChildren.apply(list, options);
          })
          .catch(function () {});
      }, 200);
    });
  });
});
