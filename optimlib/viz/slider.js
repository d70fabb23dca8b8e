// optimlib's slider (optimlib/viz/slider.py): scrub through trajectories precomputed over a grid
// of hyperparameters. The page holds the paths as JSON in <script class="ol-data">; moving a
// range input redraws the path, the loss curve and the readout. No kernel, no external file.
function optimlibSlider(root) {
  if (!root) return;
  var D = JSON.parse(root.querySelector(".ol-data").textContent);
  var inputs = root.querySelectorAll(".ol-input"), outs = root.querySelectorAll(".ol-value");
  var path = root.querySelector(".ol-path"), loss = root.querySelector(".ol-loss");
  var start = root.querySelector(".ol-start"), end = root.querySelector(".ol-end");
  var readout = root.querySelector(".ol-readout"), off = root.querySelector(".ol-off");
  function pts(a) {
    var s = [];
    for (var i = 0; i + 1 < a.length; i += 2) s.push(a[i] / 2 + "," + a[i + 1] / 2);
    return s.join(" ");
  }
  function update() {
    var idx = 0;
    for (var i = 0; i < inputs.length; i++) {
      var v = +inputs[i].value;
      idx = idx * D.shape[i] + v;
      outs[i].textContent = D.values[i][v];
    }
    var r = D.runs[idx], p = r.p;
    path.setAttribute("points", pts(p));
    loss.setAttribute("points", pts(r.l));
    if (p.length) {
      start.setAttribute("cx", p[0] / 2); start.setAttribute("cy", p[1] / 2);
      end.setAttribute("cx", p[p.length - 2] / 2); end.setAttribute("cy", p[p.length - 1] / 2);
    }
    // a triangle on the loss panel's top edge where the loss leaves its scale
    off.setAttribute("transform", r.o.length ? "translate(" + r.o[0] / 2 + "," + r.o[1] / 2 + ")"
                                             : "translate(-20,-20)");
    readout.textContent = r.t;
    root.setAttribute("data-index", idx);
  }
  for (var i = 0; i < inputs.length; i++) inputs[i].addEventListener("input", update);
  update();
}
