"""The web app (issue 17): districts, their departments and inspectors in a browser.

Install with `pip install 'fazhi[web]'`; serve with `fazhi serve`. The engine is reached only through
engine_bridge, so the app can later be repointed at the application layer (fazhi.app).
"""
