"""Archive services: plain functions that change records; the caller commits once."""
