"""Qt item models over the core: the GUI's lists, tables and trees read through these."""
