// Site-wide behaviour without inline scripts (the Content Security Policy forbids them).
document.addEventListener("DOMContentLoaded", function () {
  // <form data-confirm="…"> asks before submitting.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
});
