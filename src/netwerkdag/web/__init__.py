"""The web app: a Django adapter around the core.

Views parse requests and render; the use cases (registering, publishing, inviting) live in `services/`
and the tables in `models/`. Settings come from the environment (`settings.py`), so the same code runs
on one laptop with SQLite and on several app servers behind one PostgreSQL.
"""
