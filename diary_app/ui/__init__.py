"""The Qt layer. It talks to the core only through its Python APIs and Qt signals."""
