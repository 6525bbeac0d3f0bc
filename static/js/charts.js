// Draws every chart of a page with the vendored Apache ECharts (static/vendor/echarts), in its Chinese locale.
// Each chart's data comes from a <script type="application/json"> written by core.charts.Chart.spec(); the
// same numbers are in the data table under it and in the page's .xlsx export. No request leaves the portal.
(function () {
  "use strict";

  // Tooltips drawn on the canvas, not as HTML: ECharts' HTML tooltips carry style attributes, which the
  // Content-Security-Policy (style-src 'self') refuses.
  var TOOLTIP_MODE = "richText";
  var PALETTE = ["#1f5fa8", "#d9822b", "#3b8f5a", "#b23b3b", "#6f5aa8", "#3a9bb0", "#8c6d3a", "#7a7a7a"];

  function formatter(places, unit) {
    var format = new Intl.NumberFormat("zh-CN", { minimumFractionDigits: places, maximumFractionDigits: places });
    return function (value) {
      if (value === null || value === undefined || value === "-") { return "—"; }
      return format.format(value) + (unit ? " " + unit : "");
    };
  }

  function toolbox(spec) {
    return {
      right: 8,
      feature: {
        dataView: { readOnly: true, title: "数据视图", lang: ["数据视图：" + spec.title, "关闭", "刷新"] },
        saveAsImage: { title: "保存为图片", name: spec.title, pixelRatio: 2, backgroundColor: "#fff" }
      }
    };
  }

  function axisOption(spec, horizontal) {
    var show = formatter(spec.places, spec.unit);
    var categoryAxis = { type: "category", data: spec.categories, axisLabel: { interval: 0, hideOverlap: true } };
    var valueAxis = { type: "value", name: spec.unit, axisLabel: { formatter: formatter(spec.places, "") } };
    if (spec.places === 0) { valueAxis.minInterval = 1; }  // counts: no 0.2-town ticks printed as 0, 0, 1, 1
    if (!horizontal && spec.categories.length > 6) {
      categoryAxis.axisLabel.rotate = 30;
    }
    if (spec.extra && spec.extra.inverse) {
      // A rank: the first on top, whole numbers only.
      Object.assign(valueAxis, { inverse: true, minInterval: 1, min: 1 });
    }
    var series = spec.series.map(function (s) {
      var type = s.kind === "line" || spec.kind === "line" ? "line" : "bar";
      var item = { name: s.name, type: type, data: s.values, emphasis: { focus: "series" } };
      if (s.stack) { item.stack = s.stack; }
      if (type === "line" && spec.kind !== "line") { item.symbolSize = 8; item.lineStyle = { type: "dashed" }; }
      if (type === "bar") { item.barMaxWidth = 36; }
      return item;
    });
    return {
      color: PALETTE,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: show, renderMode: TOOLTIP_MODE },
      legend: spec.series.length > 1 ? { top: 0, left: 0, type: "scroll", right: 90 } : undefined,
      grid: { left: 8, right: 16, top: spec.series.length > 1 ? 40 : 30, bottom: 8, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? Object.assign({}, categoryAxis, { inverse: true, axisLabel: { interval: 0 } }) : valueAxis,
      series: series,
      toolbox: toolbox(spec)
    };
  }

  function itemsOption(spec, type) {
    var show = formatter(spec.places, spec.unit);
    var data = spec.categories.map(function (name, index) { return { name: name, value: spec.series[0].values[index] }; });
    var series = { name: spec.series[0].name, type: type, data: data, label: { formatter: "{b}：{c}" } };
    if (type === "pie") { series.radius = ["35%", "65%"]; series.center = ["50%", "55%"]; }
    if (type === "funnel") { series.sort = "none"; series.left = "10%"; series.width = "70%"; series.gap = 2; }
    return {
      color: PALETTE,
      tooltip: { trigger: "item", valueFormatter: show, renderMode: TOOLTIP_MODE },
      legend: { top: 0, left: 0, type: "scroll", right: 90 },
      series: [series],
      toolbox: toolbox(spec)
    };
  }

  function mapOption(spec, mapName) {
    var show = formatter(spec.places, spec.unit);
    var values = spec.series[0].values.filter(function (v) { return v !== null; });
    var data = spec.categories.map(function (name, index) { return { name: name, value: spec.series[0].values[index] }; });
    return {
      tooltip: { trigger: "item", valueFormatter: show, renderMode: TOOLTIP_MODE },
      visualMap: {
        min: values.length ? Math.min.apply(null, values) : 0,
        max: values.length ? Math.max.apply(null, values.concat([1])) : 1,
        left: 8, bottom: 8, calculable: true, text: ["高", "低"],
        inRange: { color: ["#e8f0fa", "#1f5fa8"] }
      },
      series: [{
        name: spec.series[0].name, type: "map", map: mapName, roam: false, selectedMode: false,
        label: { show: true, fontSize: 10 }, emphasis: { label: { show: true } }, data: data
      }],
      toolbox: toolbox(spec)
    };
  }

  function draw(element, spec, option) {
    // The canvas's height comes from the markup's data-height (no style attribute: Content-Security-Policy).
    if (element.dataset.height) { element.style.height = element.dataset.height + "px"; }
    var chart = echarts.init(element, null, { locale: "ZH", renderer: "canvas" });
    chart.setOption(option);
    if (spec.links && spec.links.length) {
      chart.on("click", function (params) {
        var index = spec.categories.indexOf(params.name);
        if (index >= 0 && spec.links[index]) { window.location.href = spec.links[index]; }
      });
      element.style.cursor = "pointer";
    }
    window.addEventListener("resize", function () { chart.resize(); });
    element.dataset.chartReady = "1";
    return chart;
  }

  function render(element) {
    var source = document.getElementById(element.dataset.chartSpec);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    if (spec.kind === "map") {
      fetch(spec.map_url, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (outlines) {
          echarts.registerMap(spec.key, outlines);
          draw(element, spec, mapOption(spec, spec.key));
        });
      return;
    }
    var option = spec.kind === "pie" || spec.kind === "funnel" ? itemsOption(spec, spec.kind) : axisOption(spec, spec.kind === "hbar");
    draw(element, spec, option);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof echarts === "undefined") { return; }
    document.querySelectorAll("[data-chart-spec]").forEach(render);
  });
})();
