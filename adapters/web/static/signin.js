// Opening a sign-in link in a browser signs in at once; link previews (which run no script) never use it up.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("signin");
  if (form) { form.submit(); }
});
