"""Report formats beyond text and JSON, one module each; kg.render.RENDERERS is the registry."""
