"""HTML views of the handbook, one module per step: reading (定标), revising (优标), learning (明标)."""
