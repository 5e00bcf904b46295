// The Progress page's chart: e1RM and heaviest set per session (uPlot, vendored), each new best
// marked, breaks in training left as breaks. A tap or hover shows the sets behind a point and
// marks it (uPlot's cursor follows a mouse, not a finger: a tap moves it there). The ranges end
// today, as the server counts them, so a long break shows as the empty stretch it was.
(function () {
  "use strict";
  var DAY = 86400;

  function css(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw(box, data) {
    var text = css("--text", "#1b1b1b");
    var hint = css("--hint", "#6b7280");
    var accent = css("--accent", "#2a7ae2");
    var grid = { stroke: "rgba(127,127,127,0.18)", width: 1 };
    var readout = document.getElementById("readout");
    var shown = -1; // the point the readout describes
    var opts = {
      width: box.clientWidth,
      height: 240,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 7 } },
      scales: { x: { time: true } },
      axes: [
        { stroke: hint, grid: grid, ticks: grid, size: 52 },
        { stroke: hint, grid: grid, ticks: grid, size: 44, label: data.units, labelSize: 14 }
      ],
      series: [
        {},
        { label: "e1RM", stroke: accent, width: 2, points: { show: true, size: 4, fill: accent } },
        { label: "heaviest set", stroke: hint, width: 1.5, dash: [5, 4],
          points: { show: false } },
        { label: "new best", stroke: "#d1495b", fill: "#d1495b", width: 0,
          paths: function () { return null; },
          points: { show: true, size: 8, stroke: "#d1495b", fill: "#d1495b" } }
      ],
      hooks: {
        setCursor: [function (u) {
          var i = u.cursor.idx;
          if (i != null && data.label[i]) { tell(i); }
        }]
      }
    };
    var plot = new uPlot(opts, [data.x, data.e1rm, data.heaviest, data.pr], box);
    box.dataset.drawn = String(data.x.length);

    function tell(i) {
      shown = i;
      box.dataset.point = String(i);
      readout.textContent = data.label[i];
    }
    // A finger: the nearest session in view gets the cursor (its marker) and the readout.
    function tap(event) {
      var rect = plot.over.getBoundingClientRect();
      var scale = plot.scales.x;
      var i = nearest(data, plot.posToVal(event.clientX - rect.left, "x"), scale.min, scale.max);
      if (i < 0) { return; }
      plot.setCursor({ left: plot.valToPos(data.x[i], "x"), top: plot.valToPos(data.e1rm[i], "y") });
      tell(i);
    }
    plot.over.addEventListener("click", tap);
    plot.over.addEventListener("pointerup", function (event) {
      if (event.pointerType !== "mouse") { tap(event); }
    });
    plot.spotter = {
      // After a range change the readout never names a session outside the window.
      reset: function (span) {
        if (shown >= 0 && data.x[shown] >= span.start && data.x[shown] <= span.end) { return; }
        shown = -1;
        delete box.dataset.point;
        plot.setCursor({ left: -10, top: -10 });
        readout.textContent = span.sessions
          ? "Tap the chart for the sets behind a point. " + span.sessions +
            (span.sessions === 1 ? " session" : " sessions") + " in this range."
          : "Nothing logged in this range: your last session was " + data.last + ".";
      }
    };
    return plot;
  }

  function nearest(data, at, lo, hi) {
    var best = -1;
    for (var i = 0; i < data.x.length; i++) {
      if (!data.label[i] || data.x[i] < lo || data.x[i] > hi) { continue; }
      if (best < 0 || Math.abs(data.x[i] - at) < Math.abs(data.x[best] - at)) { best = i; }
    }
    return best;
  }

  function range(plot, data, days, buttons) {
    var span = data.windows[String(days)] || data.windows["0"];
    var values = [], sessions = 0;
    for (var i = 0; i < data.x.length; i++) {
      if (data.x[i] >= span.start && data.x[i] <= span.end) {
        if (data.e1rm[i] != null) { values.push(data.e1rm[i]); sessions += 1; }
        if (data.heaviest[i] != null) { values.push(data.heaviest[i]); }
      }
    }
    plot.batch(function () {
      plot.setScale("x", { min: span.start - DAY, max: span.end + DAY });
      if (values.length) {
        var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
        var pad = Math.max(1, (hi - lo) * 0.08);
        plot.setScale("y", { min: Math.max(0, lo - pad), max: hi + pad });
      }
    });
    buttons.forEach(function (b) { b.classList.toggle("on", Number(b.dataset.range) === days); });
    plot.spotter.reset({ start: span.start, end: span.end, sessions: sessions });
  }

  window.spotterChart = function (page) {
    page.querySelectorAll("[data-chart]").forEach(function (box) {
      window.spotterApi(box.dataset.chart)
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (!data.x || !data.x.length) { return; }
          var plot = draw(box, data);
          var buttons = Array.prototype.slice.call(page.querySelectorAll("[data-range]"));
          buttons.forEach(function (b) {
            b.addEventListener("click", function () { range(plot, data, Number(b.dataset.range), buttons); });
          });
          range(plot, data, Number(box.dataset.span) > 365 ? 365 : 0, buttons);
          window.addEventListener("resize", function () {
            plot.setSize({ width: box.clientWidth, height: 240 });
          });
        });
    });
  };
})();
