"""The web app: `create_app(settings)` in `examprep.web.app`, one router module per area."""
