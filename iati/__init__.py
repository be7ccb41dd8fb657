"""IATI 2.03 activity files: reading them into the service and writing its projects out."""
