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

  /* A download that takes seconds (the anonymised export): say it is being prepared, then done, without leaving the page. */
  document.addEventListener("click", function (evenement) {
    var lien = evenement.target.closest ? evenement.target.closest("a[data-telechargement]") : null;
    if (!lien || !window.fetch || !window.URL) {
      return;
    }
    var statut = document.getElementById(lien.getAttribute("data-telechargement"));
    evenement.preventDefault();
    if (lien.getAttribute("aria-disabled") === "true") {
      return;
    }
    lien.setAttribute("aria-disabled", "true");
    if (statut) { statut.textContent = "Préparation de l'export en cours… vous pouvez continuer à consulter la page."; }
    fetch(lien.href, { credentials: "same-origin" }).then(function (reponse) {
      if (!reponse.ok) {
        return reponse.text().then(function (texte) {
          var page = new DOMParser().parseFromString(texte, "text/html").querySelector(".fr-alert p");
          throw new Error(page ? page.textContent : "erreur " + reponse.status);
        });
      }
      var nom = (reponse.headers.get("Content-Disposition") || "").replace(/.*filename="?([^";]+)"?.*/, "$1") || "export.zip";
      return reponse.blob().then(function (contenu) {
        var adresse = URL.createObjectURL(contenu);
        var ancre = document.createElement("a");
        ancre.href = adresse;
        ancre.download = nom;
        document.body.appendChild(ancre);
        ancre.click();
        ancre.remove();
        setTimeout(function () { URL.revokeObjectURL(adresse); }, 10000);
        if (statut) { statut.textContent = "Export prêt : " + nom + " a été téléchargé."; }
      });
    }).catch(function (erreur) {
      if (statut) { statut.textContent = "L'export n'a pas abouti : " + erreur.message; }
    }).then(function () {
      lien.removeAttribute("aria-disabled");
    });
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
