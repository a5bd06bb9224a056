"""The caseworkers' and the COPIL's pages (htmx): one blueprint per audience — `dossier` (worklists, search,
a person's file and forms), `orientations` (received, sent, followed), `comptes` (accounts, access journal),
`pilotage` (COPIL dashboard and downloads), `actions` (funded actions), `dossiers` (requests for a file) —
and what they share (form fields and labels, pre-filling, names, charts)."""
