"""The entry points of Parcours around the domain (`parcours`) and the read side (`projections`).

`saisie` (the step schemas and the import, shared by every entry point; no Flask), `cli` (the `parcours`
command), `demo` (synthetic territories and accounts), and the web application: `app` (the factory),
`pages` (one blueprint per audience), `api` (JSON API and its OpenAPI document). Importing this package
imports nothing.
"""
