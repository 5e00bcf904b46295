"""Unit facts shared by import, display and the engine."""

# Hevy's own factor: an lb user's 135 lb is stored as 135 / 2.20462 kg. Using it (rather than the
# exact 0.45359237) makes an lb value converted here equal what Hevy stored for the same entry.
LB_PER_KG = 2.20462


def lb_to_kg(pounds: float) -> float:
    """Kilograms for `pounds`, as Hevy converts them."""
    return pounds / LB_PER_KG


def kg_to_lb(kilograms: float) -> float:
    """Pounds for `kilograms`, as Hevy converts them."""
    return kilograms * LB_PER_KG
