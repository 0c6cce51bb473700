"""HTML views of the tasks app. Thin: access through ``tasks.selectors``, writes through
``tasks.services``."""
