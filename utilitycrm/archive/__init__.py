"""Customer archives (客户档案): customers, power sources, network, transformers, metering."""
