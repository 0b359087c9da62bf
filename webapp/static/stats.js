// The statistics page's PNG download: the chart's SVG drawn on a canvas in the browser (no server
// dependency). The SVG is loaded as a data: image, which the page's CSP (img-src 'self' data:) allows.
"use strict";
(function () {
  function download(button) {
    fetch(button.dataset.svg, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (text) {
        var img = new Image();
        img.onload = function () {
          var scale = 2, canvas = document.createElement("canvas");
          canvas.width = img.width * scale;
          canvas.height = img.height * scale;
          var ctx = canvas.getContext("2d");
          ctx.fillStyle = "#ffffff";
          ctx.fillRect(0, 0, canvas.width, canvas.height);
          ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
          canvas.toBlob(function (blob) {
            var a = document.createElement("a");
            a.href = URL.createObjectURL(blob);
            a.download = (button.dataset.name || "imr-stats") + ".png";
            document.body.appendChild(a);
            a.click();
            setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
          }, "image/png");
        };
        img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
      });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("png-download");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () { download(button); });
  });
})();
