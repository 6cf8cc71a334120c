"""Helpers for deterministic demo data, shared by the apps' seed modules."""


def split(total, weights):
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [0 for _ in weights]
    exact = [total * w / weight_sum for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts
