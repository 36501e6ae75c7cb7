"""The domain of a network day as plain, immutable, typed Python: no I/O, no Django.

Everything else in netwerkdag (file loading, publishing, the CLI; later the scheduler and the web app)
depends on this package; it depends on nothing of theirs.
"""
