"""The Evidence Record Sheet PDF: layout, PAdES signing and verification."""
