"""The archive's signals: wings above the archive react to its changes by subscribing."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the app as sender after a page's save is committed, with `customer_ids` (the
# customers the change touched) and `actor`. Validation checks them again (check on save).
customers_saved = _signals.signal("customers-saved")
