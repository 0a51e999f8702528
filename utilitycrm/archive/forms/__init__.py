"""Archive forms; each maps one-to-one onto a model's editable fields."""
