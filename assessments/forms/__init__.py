"""The assessments pages' forms: ``cards`` for the scorecard line, its evidence and the
rectification item; ``checks`` for the 核标 check record."""
