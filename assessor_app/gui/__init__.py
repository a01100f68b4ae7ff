"""The Qt desktop GUI: a thin layer of views over Qt models that call the core packages."""
