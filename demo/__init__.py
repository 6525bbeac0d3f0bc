"""The demo across every app (`manage.py load_demo`): each app contributes its own part in its `demo.py`
(towns, selection, projects, funding, assessment); this app, at the top, runs them in order."""
