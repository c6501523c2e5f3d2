/* glassgrad explorer: steps, zoom, pan, collapse and the value panel, for one page.
   Self-contained: no network, no libraries. The drawing is already in the page; this
   script moves sections, redraws edges and changes classes and texts. */
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script ? script.closest(".gg-explorer") : null;
  if (!root) {
    var candidates = document.querySelectorAll(".gg-explorer:not(.gg-live)");
    root = candidates[candidates.length - 1];
  }
  if (!root || root.classList.contains("gg-live")) return;
  root.classList.add("gg-live");

  var data = JSON.parse(root.querySelector(".gg-json").textContent);
  var svg = root.querySelector(".gg-svg");
  var stage = root.querySelector(".gg-stage");
  var panel = root.querySelector(".gg-panel");
  var slider = root.querySelector(".gg-slider");
  var stepno = root.querySelector(".gg-stepno");
  var readout = root.querySelector(".gg-readout");
  var playButton = root.querySelector('[data-act="play"]');
  var SECTION_GAP = 72, PAD = 16, MARKS = { done: "\u2713", current: "\u25b6", pending: "\u00b7" };

  var nodes = data.nodes, edges = data.edges, sections = data.sections, steps = data.steps;
  var collapsed = data.collapsed.slice();
  var count = steps.length;

  // Elements of each value (its box, and its row in a collapsed layer), each edge, section.
  var elementsOf = nodes.map(function () { return []; });
  root.querySelectorAll("[data-id]").forEach(function (element) {
    elementsOf[+element.getAttribute("data-id")].push(element);
  });
  var edgePaths = [], roleTexts = [];
  root.querySelectorAll(".gg-edge").forEach(function (p) { edgePaths[+p.getAttribute("data-e")] = p; });
  root.querySelectorAll(".gg-role").forEach(function (t) { roleTexts[+t.getAttribute("data-e")] = t; });
  var sectionGroups = [];
  root.querySelectorAll(".gg-section").forEach(function (g) { sectionGroups[+g.getAttribute("data-s")] = g; });
  var consumers = nodes.map(function () { return []; });
  edges.forEach(function (edge) { consumers[edge[0]].push(edge[1]); });
  var stepOf = nodes.map(function () { return -1; });
  steps.forEach(function (step, index) { stepOf[step.node] = index; });

  // --- layout: the same arithmetic as autograd.layout.section_origins / edge_path ------
  var origins = [], bounds = null;
  function place() {
    var x = 0, tallest = 0;
    origins = sections.map(function (s, i) {
      var w = collapsed[i] ? s.cw : s.w, h = collapsed[i] ? s.ch : s.h;
      var origin = [x, -h / 2];
      x += w + SECTION_GAP;
      tallest = Math.max(tallest, h);
      return origin;
    });
    bounds = { x: 0, y: -tallest / 2, w: x - SECTION_GAP, h: tallest };
  }
  function edgePath(x1, y1, x2, y2) {
    var bend = x2 > x1 ? Math.max(24, (x2 - x1) / 2) : 64;
    return "M" + x1.toFixed(1) + "," + y1.toFixed(1) + " C" + (x1 + bend).toFixed(1) + "," +
      y1.toFixed(1) + " " + (x2 - bend).toFixed(1) + "," + y2.toFixed(1) + " " +
      x2.toFixed(1) + "," + y2.toFixed(1);
  }
  function outPoint(id) {
    var node = nodes[id], s = node.section, o = origins[s];
    if (collapsed[s]) {
      if (node.row) return [o[0] + node.row[0] + node.row[2], o[1] + node.row[1] + node.row[3] / 2];
      return [o[0] + sections[s].cw, o[1] + sections[s].ch / 2];
    }
    return [o[0] + node.box[0] + node.box[2], o[1] + node.box[1] + node.box[3] / 2];
  }
  function inPoint(id, slot, slots) {
    var node = nodes[id], s = node.section, o = origins[s];
    if (collapsed[s]) return [o[0], o[1] + sections[s].ch / 2];
    return [o[0] + node.box[0], o[1] + node.box[1] + node.box[3] * (slot + 1) / (slots + 1)];
  }
  function relayout() {
    place();
    sectionGroups.forEach(function (g, i) {
      g.setAttribute("transform", "translate(" + origins[i][0].toFixed(1) + "," + origins[i][1].toFixed(1) + ")");
      g.classList.toggle("gg-folded", collapsed[i]);
      g.querySelectorAll(":scope > .gg-expanded, :scope > .gg-collapsed").forEach(function (shape) {
        var shown = shape.classList.contains("gg-collapsed") === collapsed[i];
        if (shown) shape.removeAttribute("display"); else shape.setAttribute("display", "none");
      });
    });
    edges.forEach(function (edge, i) {
      var from = nodes[edge[0]].section, to = nodes[edge[1]].section;
      var path = edgePaths[i], role = roleTexts[i];
      var hidden = from === to && collapsed[from];
      if (hidden) {
        path.setAttribute("display", "none");
        if (role) role.setAttribute("display", "none");
        return;
      }
      var a = outPoint(edge[0]), b = inPoint(edge[1], edge[2], edge[3]);
      path.removeAttribute("display");
      path.setAttribute("d", edgePath(a[0], a[1], b[0], b[1]));
      if (role) {
        if (collapsed[to]) { role.setAttribute("display", "none"); return; }
        role.removeAttribute("display");
        role.setAttribute("x", (b[0] - 4).toFixed(1));
        role.setAttribute("y", (b[1] - 3).toFixed(1));
      }
    });
    markCurrentSection();
  }

  // --- view: the viewBox is the camera ------------------------------------------------
  var view = { x: 0, y: 0, w: 1, h: 1 };
  function size() { return { w: svg.clientWidth || stage.clientWidth || 800, h: svg.clientHeight || 400 }; }
  function applyView() {
    svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].map(function (v) { return v.toFixed(2); }).join(" "));
  }
  function fit(resize) {
    var width = stage.clientWidth || 800;
    var cw = bounds.w + 2 * PAD, ch = bounds.h + 2 * PAD;
    if (resize) {
      var natural = ch * Math.min(width / cw, 1.25);
      svg.style.height = Math.round(Math.max(220, Math.min(natural, 640))) + "px";
    }
    var s = size();
    var scale = Math.min(s.w / cw, s.h / ch, 1.25);
    view.w = s.w / scale; view.h = s.h / scale;
    view.x = bounds.x - PAD - (view.w - cw) / 2;
    view.y = bounds.y - PAD - (view.h - ch) / 2;
    applyView();
  }
  function zoom(factor, px, py) {
    var s = size();
    if (px === undefined) { px = s.w / 2; py = s.h / 2; }
    var ux = view.x + px * view.w / s.w, uy = view.y + py * view.h / s.h;
    var w = view.w / factor;
    if (w < 40 || w > 40 * (bounds.w + 200)) return;
    view.w = w; view.h = view.h / factor;
    view.x = ux - px * view.w / s.w; view.y = uy - py * view.h / s.h;
    applyView();
  }
  function boxOf(id) {
    var node = nodes[id], s = node.section, o = origins[s];
    if (collapsed[s]) {
      var r = node.row || [0, 0, sections[s].cw, sections[s].ch];
      return [o[0] + r[0], o[1] + r[1], r[2], r[3]];
    }
    return [o[0] + node.box[0], o[1] + node.box[1], node.box[2], node.box[3]];
  }
  function keepInView(id) {
    var b = boxOf(id), m = 12;
    var inside = b[0] >= view.x + m && b[1] >= view.y + m &&
      b[0] + b[2] <= view.x + view.w - m && b[1] + b[3] <= view.y + view.h - m;
    if (inside) return;
    view.x = b[0] + b[2] / 2 - view.w / 2;
    view.y = b[1] + b[3] / 2 - view.h / 2;
    applyView();
  }

  // --- steps -------------------------------------------------------------------------
  var current = 1, states = nodes.map(function () { return ""; }), lastTerms = [];
  function stateOf(id, step) {
    var index = stepOf[id];
    if (index < 0) return "";
    return index < step - 1 ? "done" : index === step - 1 ? "current" : "pending";
  }
  function show(id, state) {
    var node = nodes[id];
    var dataText = data.kind === "forward" && state === "pending" ? "?" : node.data;
    var gradText = data.kind === "forward" ? "" : state === "pending" ? "?" : node.grad;
    elementsOf[id].forEach(function (element) {
      var row = element.classList.contains("gg-row");
      element.classList.remove("gg-done", "gg-current", "gg-pending");
      element.classList.add("gg-" + state);
      var mark = element.querySelector(".gg-mark");
      if (mark) mark.textContent = MARKS[state];
      var d = element.querySelector(".gg-data"), g = element.querySelector(".gg-grad");
      if (d) d.textContent = row ? dataText : "data " + dataText;
      if (g) g.textContent = gradText === "" ? "" : "grad " + gradText;
    });
  }
  function markCurrentSection() {
    var id = steps[current - 1].node, s = nodes[id].section;
    sectionGroups.forEach(function (g, i) {
      g.classList.toggle("gg-has-current", i === s && collapsed[i] && !nodes[id].row);
    });
  }
  function setStep(step, follow) {
    step = Math.max(1, Math.min(count, step));
    current = step;
    steps.forEach(function (s) {
      var state = stateOf(s.node, step);
      if (state !== states[s.node]) { states[s.node] = state; show(s.node, state); }
    });
    lastTerms.forEach(function (e) { edgePaths[e].classList.remove("gg-term"); });
    lastTerms = steps[step - 1].terms;
    lastTerms.forEach(function (e) { edgePaths[e].classList.add("gg-term"); });
    slider.value = String(step);
    slider.setAttribute("aria-valuetext", "step " + step + " of " + count);
    stepno.textContent = "step " + step + " of " + count;
    stepno.setAttribute("data-step", String(step));
    readout.textContent = steps[step - 1].text;
    markCurrentSection();
    if (follow !== false) keepInView(steps[step - 1].node);
  }
  var timer = null;
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    playButton.setAttribute("aria-pressed", "false");
    playButton.textContent = "\u25b6 Play";
  }
  function play() {
    if (timer !== null) { stop(); return; }
    if (current >= count) setStep(1);
    playButton.setAttribute("aria-pressed", "true");
    playButton.textContent = "\u275a\u275a Pause";
    timer = setInterval(function () {
      if (current >= count) { stop(); return; }
      setStep(current + 1);
    }, 900);
  }

  // --- the panel ---------------------------------------------------------------------
  function el(tag, text, className) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (className) e.className = className;
    return e;
  }
  var selected = -1;
  function clearPaths() {
    root.querySelectorAll(".gg-onpath").forEach(function (e) { e.classList.remove("gg-onpath"); });
    root.querySelectorAll(".gg-selected").forEach(function (e) { e.classList.remove("gg-selected"); });
  }
  function highlightPaths(id) {
    // The values on some path from the root down to id: those id feeds into, and id.
    var on = {}, stack = [id];
    on[id] = true;
    while (stack.length) {
      var n = stack.pop();
      consumers[n].forEach(function (c) { if (!on[c]) { on[c] = true; stack.push(c); } });
    }
    Object.keys(on).forEach(function (n) {
      elementsOf[n].forEach(function (e) { e.classList.add("gg-onpath"); });
    });
    edges.forEach(function (edge, i) { if (on[edge[0]] && on[edge[1]]) edgePaths[i].classList.add("gg-onpath"); });
  }
  function closePanel() {
    panel.hidden = true;
    selected = -1;
    clearPaths();
  }
  function openPanel(id) {
    var node = nodes[id], rootName = nodes[data.root].name;
    clearPaths();
    selected = id;
    panel.textContent = "";
    var close = el("button", "\u00d7", "gg-close");
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", function () { closePanel(); root.focus(); });
    panel.appendChild(close);
    panel.appendChild(el("h3", node.name));
    if (node.full && node.full !== node.name) panel.appendChild(el("p", node.full, "gg-full"));
    var dl = el("dl");
    [["op", node.op === null ? "none: a leaf (an input, a parameter)" : node.op],
     ["data", node.data], ["grad", node.grad + " (when backward is done)"]
    ].forEach(function (pair) { dl.appendChild(el("dt", pair[0])); dl.appendChild(el("dd", pair[1])); });
    panel.appendChild(dl);
    panel.appendChild(el("h4", "Rule (from the op table)"));
    panel.appendChild(node.rule ? el("code", node.rule) : el("p", "A leaf has no rule: backward stops here and its grad is what reached it."));
    if (node.locals.length) {
      panel.appendChild(el("h4", "Local derivatives here"));
      var ul = el("ul");
      node.locals.forEach(function (local) {
        var role = local[1] ? " (" + local[1] + ")" : "";
        ul.appendChild(el("li", "d " + node.name + " / d " + local[0] + role + " = " + local[2], "gg-mono"));
      });
      panel.appendChild(ul);
    }
    panel.appendChild(el("h4", "Explain: paths from " + rootName + " to " + node.name));
    var ex = node.explain;
    if (!ex) {
      panel.appendChild(el("p", "Too many values to explain each one in the page; in Python: explain(root, value)."));
    } else {
      var noun = ex.count === 1 ? " path" : " paths";
      panel.appendChild(el("p", ex.count + noun + ", each the product of the local derivatives along it (highlighted in blue)."));
      var ol = el("ol");
      ex.paths.forEach(function (path) {
        var text = path.names.length ? path.names.join(" \u2190 ") + ": " : "the root itself: ";
        text += path.factors.length ? path.factors.join(" \u00d7 ") + " = " + path.product : path.product;
        ol.appendChild(el("li", text, "gg-mono"));
      });
      panel.appendChild(ol);
      if (ex.count > ex.paths.length) panel.appendChild(el("p", "\u2026 and " + (ex.count - ex.paths.length) + " more paths."));
      panel.appendChild(el("p", "Total (the sum over paths) = " + ex.total + (ex.total === node.grad ? " = grad" : ""), "gg-mono"));
    }
    panel.hidden = false;
    highlightPaths(id);
    elementsOf[id].forEach(function (e) { e.classList.add("gg-selected"); });
  }

  // --- input -------------------------------------------------------------------------
  function toggleSection(s) {
    collapsed[s] = !collapsed[s];
    relayout();
    if (collapsed[s]) { fit(false); return; }
    // An expanded layer can be far taller than the view: show it from its top, as wide
    // as it fits, rather than the whole drawing shrunk to a sliver.
    var o = origins[s], w = sections[s].w + 2 * PAD, sz = size();
    var h = sections[s].h + 2 * PAD, scale = Math.min(sz.w / w, 0.9);
    svg.style.height = Math.round(Math.max(sz.h, Math.min(640, h * scale))) + "px";
    sz = size();
    view.w = sz.w / scale; view.h = sz.h / scale;
    view.x = o[0] - PAD - (view.w - w) / 2;
    view.y = h <= view.h ? o[1] - PAD - (view.h - h) / 2 : o[1] - PAD;
    applyView();
  }
  root.querySelectorAll(".gg-toolbar button").forEach(function (button) {
    button.addEventListener("click", function () {
      var act = button.getAttribute("data-act");
      if (act === "prev") { stop(); setStep(current - 1); }
      else if (act === "next") { stop(); setStep(current + 1); }
      else if (act === "play") play();
      else if (act === "zoomin") zoom(1.25);
      else if (act === "zoomout") zoom(1 / 1.25);
      else if (act === "fit") fit(false);
    });
  });
  slider.addEventListener("input", function () { stop(); setStep(+slider.value); });
  root.addEventListener("keydown", function (event) {
    if (event.target === slider) return;
    if (event.key === "ArrowRight") { stop(); setStep(current + 1); }
    else if (event.key === "ArrowLeft") { stop(); setStep(current - 1); }
    else if (event.key === "Home") { stop(); setStep(1); }
    else if (event.key === "End") { stop(); setStep(count); }
    else if (event.key === "Escape") { closePanel(); return; }
    else if ((event.key === "Enter" || event.key === " ") && event.target.getAttribute("data-id") !== null && event.target.classList.contains("gg-node")) {
      openPanel(+event.target.getAttribute("data-id"));
    } else if ((event.key === "Enter" || event.key === " ") && event.target.classList.contains("gg-toggle")) {
      toggleSection(+event.target.getAttribute("data-s"));
    } else return;
    event.preventDefault();
  });
  svg.addEventListener("wheel", function (event) {
    event.preventDefault();
    var r = svg.getBoundingClientRect();
    zoom(event.deltaY < 0 ? 1.15 : 1 / 1.15, event.clientX - r.left, event.clientY - r.top);
  }, { passive: false });
  var drag = null;
  svg.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, moved: false, id: event.pointerId };
  });
  svg.addEventListener("pointermove", function (event) {
    if (!drag) return;
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    if (!drag.moved) { drag.moved = true; svg.setPointerCapture(drag.id); root.classList.add("gg-dragging"); }
    var s = size();
    view.x = drag.vx - dx * view.w / s.w; view.y = drag.vy - dy * view.h / s.h;
    applyView();
  });
  function endDrag(event) {
    if (!drag) return;
    var moved = drag.moved;
    drag = null;
    root.classList.remove("gg-dragging");
    if (moved || event.type !== "pointerup") return;
    var target = event.target.closest ? event.target.closest(".gg-node:not(.gg-constant), .gg-toggle") : null;
    if (!target) return;
    if (target.classList.contains("gg-toggle")) toggleSection(+target.getAttribute("data-s"));
    else openPanel(+target.getAttribute("data-id"));
  }
  svg.addEventListener("pointerup", endDrag);
  svg.addEventListener("pointercancel", endDrag);

  relayout();
  fit(true);
  setStep(1, false);
  window.addEventListener("resize", function () { fit(false); });
  root.setAttribute("data-ready-ms", String(Math.round(performance.now())));
  root.setAttribute("data-ready", "true");
})();
