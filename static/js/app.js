// Site-wide behaviour without inline scripts (the Content Security Policy forbids them).

// A file input shows the browser's own words ("Choose File / No file chosen"), in the
// browser's language, not the page's. Each one is laid over a button with the page's words
// (<body data-file-choose data-file-none>) and followed by the chosen file names. The input
// itself stays the control: focus, keyboard, screen readers and its label work as before.
function enhanceFileInputs(root) {
  var body = document.body;
  var choose = body.dataset.fileChoose || "Choose file";
  var none = body.dataset.fileNone || "No file chosen";
  root.querySelectorAll("input[type=file]:not([data-file-pick])").forEach(function (input) {
    input.dataset.filePick = "on";
    var wrap = document.createElement("span");
    wrap.className = "file-pick";
    var control = document.createElement("span");
    control.className = "file-pick-control";
    var face = document.createElement("span");
    face.className = "file-pick-face";
    face.setAttribute("aria-hidden", "true");
    face.textContent = choose;
    var names = document.createElement("span");
    names.className = "file-pick-names";
    names.setAttribute("aria-live", "polite");
    input.parentNode.insertBefore(wrap, input);
    control.appendChild(face);
    control.appendChild(input);
    wrap.appendChild(control);
    wrap.appendChild(names);
    function show() {
      var chosen = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
      names.textContent = chosen.length ? chosen.join(" · ") : none;
      names.classList.toggle("muted", !chosen.length);
    }
    input.addEventListener("change", show);
    if (input.form) {
      input.form.addEventListener("reset", function () { window.setTimeout(show, 0); });
    }
    show();
  });
}

document.addEventListener("DOMContentLoaded", function () {
  // <form data-confirm="…"> asks before submitting.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
  enhanceFileInputs(document);
});

// Parts swapped in by htmx (a scorecard line's evidence) bring new file inputs.
document.addEventListener("htmx:load", function (event) {
  if (event.detail && event.detail.elt && event.detail.elt.querySelectorAll) {
    enhanceFileInputs(event.detail.elt.parentNode || event.detail.elt);
  }
});
