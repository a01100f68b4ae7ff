"""The main window and its parts, the visit screen and the coverage matrix: what fills the window."""
