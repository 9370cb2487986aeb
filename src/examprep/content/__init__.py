"""The content-pack format: schema, loading, validation, statistics."""
