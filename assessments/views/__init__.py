"""HTML views of the assessments app. Thin: access through selectors, writes through services."""
