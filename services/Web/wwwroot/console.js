// The console's live SLA countdowns: every element with data-deadline (an ISO time) gets the time left written into its
// .countdown child once a second. The absolute deadline stays in the page as text; this only keeps "time left" current.
(function () {
  function remaining(ms) {
    var s = Math.floor(Math.abs(ms) / 1000), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
    var text = d >= 1 ? d + ' d ' + h + ' h' : h >= 1 ? h + ' h ' + String(m).padStart(2, '0') + ' m' : m + ' m ' + String(sec).padStart(2, '0') + ' s';
    return ms < 0 ? 'overdue by ' + text : text + ' left';
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll('[data-deadline]').forEach(function (el) {
      var due = Date.parse(el.getAttribute('data-deadline'));
      var out = el.querySelector('.countdown');
      if (isNaN(due) || !out) return;
      out.textContent = remaining(due - now);
      el.classList.toggle('overdue', due <= now);
    });
  }
  tick();
  setInterval(tick, 1000);
})();
