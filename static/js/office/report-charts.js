// The monthly report's bar charts (ECharts, bundled here; loaded only by the report page, never
// by the field app). The page embeds the chart specs as JSON (webapp/reports/charts.py, the same
// specs the PDF and the Excel export draw) and a <div data-chart="key"> where each goes.
import * as echarts from "echarts/core";
import { BarChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const COLOURS = ["#2563eb", "#94a3b8", "#f59e0b"];

/** ECharts options of one spec: horizontal bars, this month / last month / last year. */
export function chartOptions(spec) {
  const percent = spec.unit === "rate";
  return {
    color: COLOURS,
    animation: false,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { bottom: 0 },
    grid: { left: 8, right: 24, top: 8, bottom: 36, containLabel: true },
    xAxis: { type: "value", max: percent ? 100 : null, minInterval: spec.unit === "count" ? 1 : 0, axisLabel: { formatter: percent ? "{value}%" : "{value}" } },
    yAxis: { type: "category", inverse: true, data: spec.labels, axisLabel: { width: 140, overflow: "truncate" } },
    series: spec.series.map((s) => ({ name: s.name, type: "bar", data: s.data, barMaxWidth: 14 })),
  };
}

function drawAll() {
  const source = document.getElementById("report-charts");
  if (!source) return;
  const specs = new Map(JSON.parse(source.textContent).map((spec) => [spec.key, spec]));
  const charts = [];
  for (const node of document.querySelectorAll("[data-chart]")) {
    const spec = specs.get(node.dataset.chart);
    if (!spec) continue;
    // a row of three bars needs about 44 px; the legend takes the rest
    node.style.height = `${Math.max(160, 60 + spec.labels.length * 44)}px`;
    const chart = echarts.init(node, null, { renderer: "canvas" });
    chart.setOption(chartOptions(spec));
    node.dataset.drawn = "1";
    charts.push(chart);
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
}

drawAll();
