"""The core's signals (blinker, as Flask's own): a higher layer learns of an event of a
lower one by subscribing, never by being imported."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the app as sender just before a 403 answers a refused request.
access_denied = _signals.signal("access-denied")
