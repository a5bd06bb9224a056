-- wrk script of `python -m bench.api`: the same load as its Python clients, for a fraction of their CPU.
-- Every request is a new step (unique step_id) on a real pathway: a `personne_enregistree` with a new
-- parcours_id, then three `situation_logement` steps, each posted once the previous step of the same
-- pathway was answered 201 (as one Python client would: never two writes on one pathway at a time).
-- Since wrk does not tell which request an answer belongs to, the pathway is read from the answer itself.

local jeton = os.getenv("BENCH_JETON")
local fils = {}
local compteur = 0
local prefixe
local a_suivre = {}  -- pathways whose last step was answered, waiting for their next one
local restants = {}  -- parcours_id → situation steps still to post

function setup(thread)
  thread:set("numero", #fils + 1)
  table.insert(fils, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + numero * 7919 + math.floor(os.clock() * 1e6))
  prefixe = string.format("%08x-%04x-4%03x", math.random(0, 0x7fffffff), math.random(0, 0xffff), math.random(0, 0xfff))
  erreurs = 0
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. jeton
  wrk.headers["Content-Type"] = "application/json"
end

local function identifiant()
  compteur = compteur + 1
  return string.format("%s-%04x-%012x", prefixe, 0x8000 + numero, compteur)
end

local function etape(type_, personne, donnees)
  return string.format(
    '{"step_id":"%s","type":"%s","occurred_on":"2025-01-15","operateur":"ofii-dt-paris","agent":"bench",'
      .. '"personne":{"parcours_id":"%s"},"data":%s}',
    identifiant(), type_, personne, donnees)
end

function request()
  local suivant = table.remove(a_suivre)
  local corps
  if suivant then
    corps = etape("situation_logement", suivant, '{"situation":"DNA"}')
  else
    corps = etape("personne_enregistree", identifiant(),
      '{"nom":"Banc","prenom":"Essai","date_naissance":"1990-01-01","sexe":"F","nationalite":"AFG","departement":"75"}')
  end
  return wrk.format(nil, "/api/v1/steps", nil, corps)
end

function response(status, headers, body)
  if status ~= 201 then
    erreurs = erreurs + 1
    if erreurs <= 3 then
      io.stderr:write("réponse ", status, " : ", string.sub(body, 1, 300), "\n")
    end
    return
  end
  local parcours = string.match(body, '"parcours_id":%s*"([%x%-]+)"')
  if string.find(body, '"type":%s*"personne_enregistree"') then
    restants[parcours] = 3
  end
  local reste = restants[parcours]
  if reste and reste > 0 then
    restants[parcours] = reste - 1
    table.insert(a_suivre, 1, parcours)
  else
    restants[parcours] = nil
  end
end

function done(resume, latence, requetes)
  local total = 0
  for _, thread in ipairs(fils) do
    total = total + thread:get("erreurs")
  end
  io.write(string.format(
    'BENCH {"requetes":%d,"erreurs":%d,"duree_us":%d,"erreurs_socket":%d,"p50_us":%d,"p95_us":%d}\n',
    resume.requests, total, resume.duration,
    resume.errors.connect + resume.errors.read + resume.errors.write + resume.errors.timeout,
    latence:percentile(50), latence:percentile(95)))
end
