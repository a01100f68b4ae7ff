"""The Evidence Record Sheet PDF.

- `view`: what an ERS shows (`view_for_signoff`, `draft_view` -> `ErsView`)
- `layout`: `render_ers(view) -> bytes` (ReportLab, A4)
- `pdf_signing`: `sign_ers_pdf(...)`, `verify_pdf(path) -> VerifyResult`
- `filing`: `file_ers(store, signoff_id, identity) -> ErsDocument`, `file_ers_in(session, …)`
  (publishes `events.ErsFiled`; sync queues it in the same transaction)
- `fonts`: the embedded DejaVu Sans (resources/fonts)
- `cli`: `assessor-app ers render | verify | file`
"""
