// The header's navigation folds behind the 菜单 button on a narrow screen (the stylesheet's
// max-width: 640px decides when). Loaded at the end of the header, not deferred, so the
// folded header is the first one painted. Without this script the button stays hidden and
// the whole navigation shows, as before.
(function () {
  var button = document.getElementById("menu-toggle");
  var bar = button && button.closest(".topbar");
  if (!bar) {
    return;
  }
  function setOpen(open) {
    bar.classList.toggle("menu-open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  bar.classList.add("has-menu");
  button.hidden = false;
  button.addEventListener("click", function () {
    setOpen(!bar.classList.contains("menu-open"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && bar.classList.contains("menu-open")) {
      setOpen(false);
      button.focus();
    }
  });
})();
