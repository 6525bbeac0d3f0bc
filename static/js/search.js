// The header's global search (issue 10, point 7): as the user types, asks GET /api/v1/search/?q= with the
// session (same origin) and lists what it finds, grouped by kind. Arrow keys move through the list, Enter
// opens the chosen row (or /search/?q= when none is chosen), Escape closes it. Without JavaScript the form
// still submits to /search/.
(function () {
  "use strict";

  var DELAY = 200; // ms after the last key before asking

  function setup(form) {
    var input = form.querySelector("input[name=q]");
    var list = form.querySelector("[role=listbox]");
    var timer = null;
    var asked = "";
    var controller = null;

    function items() {
      return Array.prototype.slice.call(list.querySelectorAll("[role=option]"));
    }

    function close() {
      list.classList.remove("show");
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function open() {
      list.classList.add("show");
      input.setAttribute("aria-expanded", "true");
    }

    function choose(index) {
      var options = items();
      options.forEach(function (option, i) {
        option.classList.toggle("active", i === index);
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function chosen() {
      return items().findIndex(function (option) { return option.classList.contains("active"); });
    }

    function text(tag, className, value) {
      var element = document.createElement(tag);
      if (className) { element.className = className; }
      element.textContent = value;
      return element;
    }

    function show(body) {
      list.textContent = "";
      var count = 0;
      body.groups.forEach(function (group) {
        if (!group.results.length) { return; }
        list.appendChild(text("h6", "dropdown-header", group.label));
        group.results.forEach(function (hit) {
          var link = document.createElement("a");
          link.className = "dropdown-item py-1";
          link.href = hit.url;
          link.id = "global-search-option-" + count;
          link.setAttribute("role", "option");
          link.setAttribute("aria-selected", "false");
          link.dataset.kind = group.kind;
          link.appendChild(text("div", "", hit.title));
          link.appendChild(text("div", "small text-muted", hit.detail));
          list.appendChild(link);
          count += 1;
        });
      });
      var more = document.createElement("a");
      more.className = "dropdown-item small text-primary border-top";
      more.href = form.action + "?q=" + encodeURIComponent(body.q);
      more.textContent = count ? "查看全部结果" : "未找到“" + body.q + "”，到查找页面查看";
      list.appendChild(more);
      open();
    }

    function ask() {
      var q = input.value.trim();
      if (!q) { asked = ""; close(); return; }
      if (q === asked) { open(); return; }
      asked = q;
      if (controller) { controller.abort(); }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      fetch(form.dataset.api + "?q=" + encodeURIComponent(q), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (body && input.value.trim() === body.q) { show(body); }
        })
        .catch(function () { /* aborted by a newer question, or offline: the form still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY);
    });

    input.addEventListener("focus", function () {
      if (input.value.trim() && list.children.length) { open(); }
    });

    input.addEventListener("keydown", function (event) {
      var options = items();
      var index = chosen();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!list.classList.contains("show")) { ask(); return; }
        event.preventDefault();
        if (!options.length) { return; }
        // -1 is the box itself: down from the last row and up from the first come back to it.
        if (event.key === "ArrowDown") {
          choose(index + 1 >= options.length ? -1 : index + 1);
        } else {
          choose(index < 0 ? options.length - 1 : index - 1);
        }
      } else if (event.key === "Enter") {
        if (index >= 0 && options[index]) {
          event.preventDefault();
          window.location.href = options[index].href;
        }
        // otherwise the form submits: /search/?q=
      } else if (event.key === "Escape") {
        close();
      }
    });

    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) { close(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("global-search-form");
    if (form) { setup(form); }
  });
})();
