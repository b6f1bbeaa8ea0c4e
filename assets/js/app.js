// Progressive enhancement only: every page works without JavaScript.
// This file runs after GOV.UK Frontend's bundle (both are deferred).
(function () {
  'use strict'
  document.body.classList.add('js-enabled')
  if (!('noModule' in HTMLScriptElement.prototype) || !window.GOVUKFrontend) {
    return
  }
  document.body.classList.add('govuk-frontend-supported')
  window.GOVUKFrontend.initAll()
})()
