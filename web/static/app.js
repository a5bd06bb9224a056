/* Parcours: the little JavaScript the pages use (the CSP forbids inline scripts). Every page works without it. */
(function () {
  "use strict";

  /* After a refused form (422 or 409, full page or htmx fragment), move the focus to the summary of errors,
     so that keyboard and screen-reader users land on what to fix. */
  function focaliserErreurs(racine) {
    var resume = racine.querySelector("#formulaire-etape-resume");
    if (resume) {
      resume.focus();
    }
  }

  function annoncer(message) {
    var zone = document.getElementById("annonces");
    if (!zone) {
      return;
    }
    zone.innerHTML = "";
    var alerte = document.createElement("div");
    alerte.className = "fr-alert fr-alert--error fr-alert--sm fr-mb-3w";
    var texte = document.createElement("p");
    texte.textContent = message;
    alerte.appendChild(texte);
    zone.appendChild(alerte);
  }

  document.addEventListener("DOMContentLoaded", function () {
    focaliserErreurs(document);
  });

  document.body.addEventListener("htmx:afterSettle", function () {
    focaliserErreurs(document);
  });

  /* Answers htmx does not swap (403, 404, 500…) and network failures: say so instead of doing nothing. */
  document.body.addEventListener("htmx:responseError", function (evenement) {
    var statut = evenement.detail.xhr ? evenement.detail.xhr.status : 0;
    annoncer("L'action n'a pas abouti (erreur " + statut + "). Rechargez la page et recommencez ; votre saisie n'a pas été enregistrée.");
  });
  document.body.addEventListener("htmx:sendError", function () {
    annoncer("Le serveur ne répond pas : vérifiez la connexion, puis recommencez.");
  });
})();
