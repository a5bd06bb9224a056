"""Synthetic territories (`generateur`, no Flask), demonstration accounts (`comptes`) and their loading
through the validated import (`chargement`)."""
