"""The web atlas: world map, country/vendor/technology/deployment pages and their JSON twins.

    custodes serve --db custodes.db        # or: from custodes.web import create_app
"""
from custodes.web.app import create_app, serve

__all__ = ["create_app", "serve"]
