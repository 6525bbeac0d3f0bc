// ReDoc on /api/redoc/ without an inline script (Content-Security-Policy: script-src 'self').
// The settings come from the page (json_script), the nonce lets ReDoc's styled-components <style> elements
// pass style-src. ReDoc's side menu draws a logo from cdn.redoc.ly: it is pointed at an empty local image
// before the browser asks, so nothing leaves the portal and the policy is never violated.
(function () {
  "use strict";
  var OUTSIDE = "https://cdn.redoc.ly/";
  var EMPTY = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E";
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && String(name).toLowerCase() === "src" && String(value).indexOf(OUTSIDE) === 0) {
      value = EMPTY;
    }
    return setAttribute.call(this, name, value);
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) {
      src.set.call(this, String(value).indexOf(OUTSIDE) === 0 ? EMPTY : value);
    },
  });

  var container = document.getElementById("redoc-container");
  var settings = JSON.parse(document.getElementById("redoc-settings").textContent || "{}");
  if (typeof settings === "string") {
    settings = JSON.parse(settings);
  }
  settings.nonce = container.dataset.nonce;
  window.Redoc.init(container.dataset.schemaUrl, settings, container);
})();
