"""The demo's roll-ups: the seeded approved figures are written in bulk (no signals)."""


def seed_demo(out):
    from .rollups import rebuild

    out.write(f"  {rebuild()} indicator roll-ups\n")
