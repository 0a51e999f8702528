"""Archive validation: the 站-线-变-户 topology and the capacity, tariff, metering rules."""
