"""The browser UI: login, project list, editor and course pages.

Division of labour: these views only render templates that load the Vite-built bundles from
frontend/dist (served as static files under frontend/); every piece of data the pages show comes
from the REST API and the websockets, never from the template context.
"""
