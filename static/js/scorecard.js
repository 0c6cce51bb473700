// The scorecard pages. Every save carries the version the page last saw (optimistic
// locking); line saves update #sc-version, and the page's other forms copy it on submit.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-sc-versioned]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var current = document.getElementById("sc-version");
      if (current && form.elements.version) {
        form.elements.version.value = current.value;
      }
    });
  });
});
