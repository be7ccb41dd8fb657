"""Strawberry types, one module per part of the graph."""
