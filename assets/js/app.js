// Progressive enhancement only: every page works without JavaScript.
// This file runs after GOV.UK Frontend's bundle (both are deferred).
(function () {
  'use strict'
  document.body.classList.add('js-enabled')
  // "Print this briefing" (data-app-print) is hidden until a script can
  // print; without one, the page says how to use the browser's print.
  document.querySelectorAll('[data-app-print]').forEach(function (button) {
    button.hidden = false
    button.addEventListener('click', function () { window.print() })
  })
  if (!('noModule' in HTMLScriptElement.prototype) || !window.GOVUKFrontend) {
    return
  }
  document.body.classList.add('govuk-frontend-supported')
  window.GOVUKFrontend.initAll()
})()
