"""Expansion projects (业扩报装): stages, working-day time limits, alerts, completion."""
