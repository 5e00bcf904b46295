"""Spotter's core: domain models, the training engine, services and the ports storage implements."""
