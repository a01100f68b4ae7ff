"""Awarding-body unit specification texts → structured unit specs → the local store.

Public API (import from the submodules; this package stays import-light):

* `parser.parse_text(text, source) -> UnitSpec`, `parser.parse_file(path) -> UnitSpec`
* `importer.import_paths(store, paths, reference=None) -> list[ImportResult]` (one transaction),
  `importer.load_paths(...)` + `importer.import_loaded(session, loaded)` inside your own transaction
* `queries.latest_unit_version(session, reference) -> UnitVersion | None`,
  `queries.unit_tree(session, reference) -> dict | None`, `queries.list_units(session)`
* `bootstrap.ensure_bundled_specs(store) -> int` (call once at app start)
* `build.build_bundled()` regenerates `specs/*.yaml` and the packaged copy from `specs/sources/`
* errors are `errors.SpecError` (`str()` is "file:line: message")
"""
