"""Sign-off: signatures, awarding-body rules, content hashes, audit trail and the assessor's keys.

- `strokes`: drawn signatures as vectors (`SignatureStrokes`, JSON, `is_trivial`, rendering)
- `content`: the canonical ERS content of a learner's unit (`build_ers_content`, `content_gaps`)
- `canonical`: canonical JSON and its SHA-256
- `rules`: the rules as small functions raising `errors.SignOffRuleError` subclasses
- `service`: `start_signoff`, `add_signature`, `complete_signoff`, `list_signoffs`, …
- `voiding`: voiding sign-offs when signed evidence or a judgement changes (listeners of the
  evidence events; the hash-chained audit trail is `assessor_app.store.audit`)
- `keys`: the assessor's X.509 (PAdES) and Ed25519 (sync bundles) keys
- `cli`: `assessor-app audit verify`, `assessor-app signoff list`
"""
