"""OCOP producers, products, ratings and certificates (issue: OCOP products)."""
