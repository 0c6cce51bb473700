// The assessment dashboard's charts (ECharts). The data comes from a json_script element:
// the Content Security Policy forbids inline scripts.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("dash-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var red = "#b71c1c";
  var charts = [];

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) {
      return;
    }
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
  }

  // Only the grades some branch has: a slice of nothing is a label without a slice. (The page
  // says "no data" instead of the chart when no branch has a grade.)
  var gradeColors = ["#2e7d32", "#81c784", "#ffb74d", "#c62828"];
  var grades = data.grades
    .map(function (grade, i) { return { name: grade.name, value: grade.value, itemStyle: { color: gradeColors[i] } }; })
    .filter(function (grade) { return grade.value > 0; });
  draw("chart-grades", {
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["35%", "70%"], data: grades, label: { formatter: "{b}: {c}" } }],
  });
  draw("chart-trend", {
    tooltip: { trigger: "axis" },
    grid: { left: 40, right: 16, top: 16, bottom: 30 },
    xAxis: { type: "category", data: data.trend.periods },
    yAxis: { type: "value", min: function (v) { return Math.max(0, Math.floor(v.min - 5)); }, max: 100 },
    series: [{ type: "line", data: data.trend.scores, connectNulls: true, color: red, label: { show: true }, showAllSymbol: true, symbolSize: 8 }],
  });
  draw("chart-deducted", {
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: data.deducted.articles, axisLabel: { width: 160, overflow: "truncate" } },
    series: [{ type: "bar", data: data.deducted.points, color: red, barMaxWidth: 28 }],
  });
  draw("chart-gaps", {
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.gaps.branches, axisLabel: { rotate: 40, width: 90, overflow: "truncate" } },
    yAxis: { type: "value" },
    series: [{ type: "bar", data: data.gaps.gaps, color: "#ef6c00", barMaxWidth: 40 }],
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
});

// The drill-down branch page: its own scores by quarter.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("branch-data");
  var element = document.getElementById("chart-branch");
  if (!source || !element || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(element, null, { renderer: "svg" });
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [element.dataset.review || "Review", element.dataset.self || "Self"] },
    grid: { left: 40, right: 16, top: 32, bottom: 30 },
    xAxis: { type: "category", data: data.periods },
    yAxis: { type: "value", max: 100 },
    series: [
      { name: element.dataset.review || "Review", type: "line", data: data.scores, color: "#b71c1c", label: { show: true } },
      { name: element.dataset.self || "Self", type: "line", data: data.self, color: "#9e9e9e", lineStyle: { type: "dashed" } },
    ],
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
